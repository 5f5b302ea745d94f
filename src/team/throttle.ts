// The sign-in throttle, per client address and per account (the email tried, whether or not
// it is a member's). An attempt is counted *before* the password is checked, with one atomic
// increment that returns the new count, so parallel requests cannot all read "under the
// limit": of 30 parallel wrong passwords from one address, at most MAX_PER_ADDRESS are checked.
// A successful sign-in clears both counters.
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';

export const MAX_PER_ADDRESS = 5;
/** Higher than per address, so one address cannot lock a member out, but a spread attack still stops. */
export const MAX_PER_ACCOUNT = 20;
export const LOCKOUT_MS = 15 * 60 * 1000;
/** Every failure also costs the caller this long. */
export const FAILURE_DELAY_MS = 400;

const addressKey = (address: string) => `addr:${address}`;
const accountKey = (email: string) => `acct:${email.trim().toLowerCase()}`;

/** Counts one attempt under `key`; returns the count in the current window and when it ends. */
async function count(db: Db, key: string, now: number): Promise<{ n: number; until: number }> {
  const row = await statement(
    db,
    sql`INSERT INTO login_failures (client, failures, last_at) VALUES (${key}, 1, ${now})
      ON CONFLICT (client) DO UPDATE SET
        failures = CASE WHEN last_at < ${now - LOCKOUT_MS} THEN 1 ELSE failures + 1 END,
        last_at = excluded.last_at
      RETURNING failures, last_at`,
  ).first<{ failures: number; last_at: number }>();
  return { n: row!.failures, until: row!.last_at + LOCKOUT_MS };
}

/**
 * Claims the right to check one password: 0 when the attempt may go ahead, else how many
 * milliseconds to wait. The account is counted only once the address is under its limit, so
 * one address's flood does not add to the account's count.
 */
export async function claimAttempt(db: Db, input: { address: string; email: string; now: number }): Promise<number> {
  const addr = await count(db, addressKey(input.address), input.now);
  if (addr.n > MAX_PER_ADDRESS) return addr.until - input.now;
  const acct = await count(db, accountKey(input.email), input.now);
  if (acct.n > MAX_PER_ACCOUNT) return acct.until - input.now;
  return 0;
}

export async function clearAttempts(db: Db, input: { address: string; email: string }): Promise<void> {
  await db.run(sql`DELETE FROM login_failures WHERE client IN (${addressKey(input.address)}, ${accountKey(input.email)})`);
}

/** Passkey sign-in challenges per client address (each is a D1 row, asked for without signing in). */
export const MAX_CHALLENGES_PER_ADDRESS = 30;

/** 0 when the address may have another sign-in challenge, else how many milliseconds to wait. */
export async function claimChallenge(db: Db, input: { address: string; now: number }): Promise<number> {
  const n = await count(db, `pk:${input.address}`, input.now);
  return n.n > MAX_CHALLENGES_PER_ADDRESS ? n.until - input.now : 0;
}
