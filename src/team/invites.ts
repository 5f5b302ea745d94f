// Invites: the owner names an email address and a role; the invitee gets a single-use link
// that expires. Only the token's hash is stored; the link is shown once, to the inviter.
import { sql } from 'drizzle-orm';
import { randomBase62, sha256Hex } from '../lib/crypto';
import { batch, statement, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { MAX_NAME, memberByEmail, validEmail } from './members';
import type { Role } from './roles';

export const INVITE_TTL_MS = 7 * 86_400_000;
export const MAX_INVITES_LISTED = 100;
export const INVITE_TOKEN_PATTERN = /^[A-Za-z0-9]{43}$/;

export interface Invite {
  id: string;
  email: string;
  role: Role;
  invited_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  revoked_at: number | null;
}

const field = (name: string, message: string) =>
  new AppError('validation_failed', message, { problems: [{ path: [name], kind: 'invalid', message }] });

export async function createInvite(
  db: Db,
  input: { email: unknown; role: unknown; invitedBy: string; now: number },
): Promise<{ token: string; invite: Invite }> {
  const email = validEmail(input.email);
  if (!email) throw field('email', 'Enter the email address of the person to invite.');
  if (input.role !== 'admin' && input.role !== 'viewer') throw field('role', 'Choose admin or viewer.');
  if (await memberByEmail(db, email)) throw field('email', `${email} is already a member.`);
  const token = randomBase62(43);
  const invite: Invite = {
    id: newId('invite', input.now),
    email,
    role: input.role,
    invited_by: input.invitedBy,
    created_at: input.now,
    expires_at: input.now + INVITE_TTL_MS,
    accepted_at: null,
    revoked_at: null,
  };
  await db.run(sql`INSERT INTO invites (id, token_hash, email, role, invited_by, created_at, expires_at)
    VALUES (${invite.id}, ${await sha256Hex(token)}, ${email}, ${invite.role}, ${invite.invited_by}, ${invite.created_at}, ${invite.expires_at})`);
  return { token, invite };
}

/** The open invite a link's token names: not used, not revoked, not expired. */
export async function openInvite(db: Db, token: string, now: number): Promise<Invite | null> {
  if (!INVITE_TOKEN_PATTERN.test(token)) return null;
  const row = await db.get<Invite>(
    sql`SELECT id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at FROM invites
      WHERE token_hash = ${await sha256Hex(token)}`,
  );
  return row && row.accepted_at === null && row.revoked_at === null && row.expires_at > now ? row : null;
}

export async function listInvites(db: Db, now: number): Promise<Invite[]> {
  return db.all<Invite>(
    sql`SELECT id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at FROM invites
      WHERE accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}
      ORDER BY created_at DESC LIMIT ${MAX_INVITES_LISTED}`,
  );
}

export async function revokeInvite(db: Db, id: string, now: number): Promise<boolean> {
  const res = await statement(db, sql`UPDATE invites SET revoked_at = ${now} WHERE id = ${id} AND accepted_at IS NULL AND revoked_at IS NULL`).run();
  return (res.meta.changes ?? 0) > 0;
}

export function validName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (name.length < 1 || name.length > MAX_NAME) throw field('name', `Your name is 1 to ${MAX_NAME} characters.`);
  return name;
}

/**
 * Turns an open invite into a member, once: the invite is marked used and the member made
 * in one batch, and the member is made only if this request's update claimed the invite.
 * `extra` runs in the same batch (a passkey's row).
 */
export async function acceptInvite(
  db: Db,
  input: { invite: Invite; name: string; passwordHash: string | null; now: number; extra?: (memberId: string) => D1PreparedStatement[] },
): Promise<{ memberId: string }> {
  const memberId = newId('member', input.now);
  const { invite } = input;
  if (await memberByEmail(db, invite.email)) throw new AppError('validation_failed', `${invite.email} is already a member.`);
  const results = await batch(db, [
    statement(db, sql`UPDATE invites SET accepted_at = ${input.now}
      WHERE id = ${invite.id} AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ${input.now} RETURNING id`),
    statement(db, sql`INSERT OR IGNORE INTO members (id, email, name, role, password_hash, created_at)
      SELECT ${memberId}, ${invite.email}, ${input.name}, ${invite.role}, ${input.passwordHash}, ${input.now}
      WHERE (SELECT accepted_at FROM invites WHERE id = ${invite.id}) = ${input.now} AND changes() = 1`),
    ...(input.extra?.(memberId) ?? []),
  ]);
  if (results[0].results.length === 0 || (results[1].meta.changes ?? 0) === 0) {
    throw new AppError('validation_failed', 'This invite link has already been used or has expired.');
  }
  return { memberId };
}
