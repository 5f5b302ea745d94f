// Server-side dashboard sessions. The cookie carries a random token; the record (looked up
// by the token's SHA-256) says whose session it is, so ending it takes effect at once.
import { sql } from 'drizzle-orm';
import { randomBase62, sha256Hex } from '../lib/crypto';
import { batch, statement, type Db } from '../lib/db';
import { newId } from '../lib/ids';
import type { Role } from './roles';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const MAX_SESSIONS_LISTED = 200;
const MAX_USER_AGENT = 300;

export type SessionRecord = import('../dashboard/session/model').Session;

export interface SessionSummary {
  id: string;
  member_id: string;
  created_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

/** Starts a session and returns the cookie's token (its only plain copy). */
export async function createSession(
  db: Db,
  input: { memberId: string; now: number; ip: string | null; userAgent: string | null },
): Promise<{ token: string; id: string; csrf: string }> {
  const token = randomBase62(43);
  const id = newId('session', input.now);
  const csrf = randomBase62(32);
  await batch(db, [
    // Expired sessions are cleared as new ones begin (bounded: the oldest first).
    statement(db, sql`DELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at <= ${input.now} ORDER BY expires_at LIMIT 50)`),
    statement(
      db,
      sql`INSERT INTO sessions (id, token_hash, member_id, csrf, created_at, expires_at, ip, user_agent)
        VALUES (${id}, ${await sha256Hex(token)}, ${input.memberId}, ${csrf}, ${input.now}, ${input.now + SESSION_TTL_MS},
          ${input.ip}, ${input.userAgent?.slice(0, MAX_USER_AGENT) ?? null})`,
    ),
  ]);
  return { token, id, csrf };
}

/** The live session a cookie's token names, with its member; one query. */
export async function sessionByToken(db: Db, token: string, now: number): Promise<SessionRecord | null> {
  const row = await db.get<{ id: string; csrf: string; expires_at: number; mid: string; email: string; name: string; role: Role }>(
    sql`SELECT s.id, s.csrf, s.expires_at, m.id AS mid, m.email, m.name, m.role
      FROM sessions s JOIN members m ON m.id = s.member_id
      WHERE s.token_hash = ${await sha256Hex(token)} AND s.expires_at > ${now}`,
  );
  if (!row) return null;
  return { id: row.id, csrf: row.csrf, expires_at: row.expires_at, member: { id: row.mid, email: row.email, name: row.name, role: row.role } };
}

export async function endSession(db: Db, id: string): Promise<boolean> {
  const res = await statement(db, sql`DELETE FROM sessions WHERE id = ${id}`).run();
  return (res.meta.changes ?? 0) > 0;
}

/** Ends one member's session by id (an owner's action); false when it is not theirs or gone. */
export async function endMemberSession(db: Db, memberId: string, id: string): Promise<boolean> {
  const res = await statement(db, sql`DELETE FROM sessions WHERE id = ${id} AND member_id = ${memberId}`).run();
  return (res.meta.changes ?? 0) > 0;
}

export async function listSessions(db: Db, now: number): Promise<SessionSummary[]> {
  return db.all<SessionSummary>(
    sql`SELECT id, member_id, created_at, expires_at, ip, user_agent FROM sessions
      WHERE expires_at > ${now} ORDER BY expires_at DESC LIMIT ${MAX_SESSIONS_LISTED}`,
  );
}

export async function sessionSummary(db: Db, id: string): Promise<SessionSummary | null> {
  return (
    (await db.get<SessionSummary>(sql`SELECT id, member_id, created_at, expires_at, ip, user_agent FROM sessions WHERE id = ${id}`)) ?? null
  );
}
