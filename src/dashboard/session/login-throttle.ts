// The pause after repeated failed sign-ins: after MAX_FAILURES failures from one
// client address, sign-in from it is refused until LOCKOUT_MS after the last one.
import { sql } from 'drizzle-orm';
import type { Db } from '../../lib/db';

export const MAX_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;
/** Every failure also costs the caller this long. */
export const FAILURE_DELAY_MS = 400;

export async function lockedFor(db: Db, client: string, now: number): Promise<number> {
  const row = await db.get<{ failures: number; last_at: number }>(
    sql`SELECT failures, last_at FROM login_failures WHERE client = ${client}`,
  );
  if (!row || row.failures < MAX_FAILURES) return 0;
  return Math.max(0, row.last_at + LOCKOUT_MS - now);
}

export async function recordFailure(db: Db, client: string, now: number): Promise<void> {
  await db.run(sql`INSERT INTO login_failures (client, failures, last_at) VALUES (${client}, 1, ${now})
    ON CONFLICT (client) DO UPDATE SET
      failures = CASE WHEN last_at < ${now - LOCKOUT_MS} THEN 1 ELSE failures + 1 END,
      last_at = excluded.last_at`);
}

export async function clearFailures(db: Db, client: string): Promise<void> {
  await db.run(sql`DELETE FROM login_failures WHERE client = ${client}`);
}
