// Roles, from most to least able: owner (everything, members, deleting projects), admin
// (projects, keys, settings, retention, exports), viewer (search, read and export events).
export const ROLES = ['owner', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles an invite can give (there is one owner). */
export const INVITABLE_ROLES = ['admin', 'viewer'] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { owner: 3, admin: 2, viewer: 1 };

/** Whether `role` may do what `needed` may. */
export const atLeast = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
