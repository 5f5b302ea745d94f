// Members of the deployment's team: who they are, their role, how they sign in. The owner
// is the fixed member `mem_owner`, made on first sign-in with ADMIN_PASSWORD.
import { sql } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import type { Role } from './roles';

export const OWNER_ID = 'mem_owner';
/** The owner's email unless OWNER_EMAIL sets one. */
export const DEFAULT_OWNER_EMAIL = 'owner@waymark.local';
export const MAX_MEMBERS_LISTED = 500;
export const MAX_NAME = 100;

export interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: number;
  has_password: boolean;
  passkeys: number;
}

interface MemberRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  created_at: number;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

const EMAIL = /^[^\s@<>()"]{1,64}@[^\s@<>()"]+$/;
export function validEmail(raw: unknown): string | null {
  const email = typeof raw === 'string' ? normalizeEmail(raw) : '';
  return email.length <= 254 && EMAIL.test(email) ? email : null;
}

/** The owner's record, made on first use (racing requests write the same row). */
export async function ensureOwner(db: Db, email: string, now: number): Promise<MemberRow> {
  await db.run(sql`INSERT OR IGNORE INTO members (id, email, name, role, password_hash, created_at)
    VALUES (${OWNER_ID}, ${normalizeEmail(email)}, 'Owner', 'owner', NULL, ${now})`);
  return (await memberRow(db, OWNER_ID))!;
}

export async function memberRow(db: Db, id: string): Promise<MemberRow | null> {
  return (await db.get<MemberRow>(sql`SELECT id, email, name, role, password_hash, created_at FROM members WHERE id = ${id}`)) ?? null;
}

export async function memberByEmail(db: Db, email: string): Promise<MemberRow | null> {
  return (
    (await db.get<MemberRow>(
      sql`SELECT id, email, name, role, password_hash, created_at FROM members WHERE email = ${normalizeEmail(email)}`,
    )) ?? null
  );
}

export async function listMembers(db: Db): Promise<Member[]> {
  const rows = await db.all<MemberRow & { passkeys: number }>(
    sql`SELECT m.id, m.email, m.name, m.role, m.password_hash, m.created_at,
      (SELECT count(*) FROM passkeys p WHERE p.member_id = m.id) AS passkeys
      FROM members m ORDER BY m.created_at, m.id LIMIT ${MAX_MEMBERS_LISTED}`,
  );
  return rows.map(({ password_hash, ...m }) => ({ ...m, has_password: password_hash !== null }));
}

/** A member other than the owner, for a change by the owner. */
async function changeable(db: Db, id: string): Promise<MemberRow> {
  const row = await memberRow(db, id);
  if (!row) throw new AppError('not_found', 'No such member.');
  if (row.role === 'owner') throw new AppError('forbidden', 'The owner cannot be changed or removed.');
  return row;
}

export async function setRole(db: Db, id: string, role: Role): Promise<{ before: Role; member: MemberRow }> {
  if (role === 'owner') throw new AppError('validation_failed', 'There is one owner; choose admin or viewer.');
  const row = await changeable(db, id);
  await db.run(sql`UPDATE members SET role = ${role} WHERE id = ${id} AND role != 'owner'`);
  return { before: row.role, member: { ...row, role } };
}

/** Removes a member, their passkeys and every session of theirs, in one batch. */
export async function removeMember(db: Db, id: string): Promise<MemberRow> {
  const row = await changeable(db, id);
  await batch(db, [
    statement(db, sql`DELETE FROM sessions WHERE member_id = ${id}`),
    statement(db, sql`DELETE FROM passkeys WHERE member_id = ${id}`),
    statement(db, sql`DELETE FROM members WHERE id = ${id} AND role != 'owner'`),
  ]);
  return row;
}

export async function setPasswordHash(db: Db, id: string, hash: string): Promise<void> {
  await db.run(sql`UPDATE members SET password_hash = ${hash} WHERE id = ${id}`);
}
