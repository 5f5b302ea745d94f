// Viewer links (POST /portal/generate_link): a random secret, signed, whose record in D1
// names the one organization of the one project it opens. Nothing in the link names them,
// so editing it can only break it. Opening it consumes the record atomically: single use.
import { sql } from 'drizzle-orm';
import type { Db } from '../lib/db';
import { constantTimeEqual, hmacSha256, randomBase62, sha256Hex } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';

/** A link must be opened within this time. */
export const LINK_TTL_MS = 5 * 60 * 1000;
export const LINK_TOKEN_PREFIX = 'wpl_';
const RANDOM_CHARS = 32;
const TOKEN_PATTERN = /^wpl_([A-Za-z0-9]{32})\.([A-Za-z0-9_-]{43})$/;
/** The path a link opens (the viewer's sub-app). */
export const OPEN_PATH = '/viewer/open';

export interface LinkGrant {
  linkId: string;
  projectId: string;
  organizationId: string;
  returnUrl: string | null;
}

const sign = (secret: string, random: string) => hmacSha256(secret, `portal-link-v1\u0000${random}`);

/** Issues a link: one row in D1 (the secret's hash), the link itself returned once. */
export async function issueLink(
  db: Db,
  input: { secret: string; origin: string; projectId: string; organizationId: string; returnUrl: string | null; now: number },
): Promise<{ link: string; linkId: string; expiresAt: number }> {
  const random = randomBase62(RANDOM_CHARS);
  const token = `${LINK_TOKEN_PREFIX}${random}.${await sign(input.secret, random)}`;
  const linkId = newId('portalLink', input.now);
  const expiresAt = input.now + LINK_TTL_MS;
  await db.run(sql`INSERT INTO portal_links (token_hash, id, project_id, organization_id, return_url, created_at, expires_at)
    VALUES (${await sha256Hex(random)}, ${linkId}, ${input.projectId}, ${input.organizationId}, ${input.returnUrl}, ${input.now}, ${expiresAt})`);
  return { link: `${input.origin}${OPEN_PATH}?token=${encodeURIComponent(token)}`, linkId, expiresAt };
}

/**
 * Consumes a link: its grant, exactly once. A malformed or tampered token fails before
 * any query; an unknown, used or expired one gets a 401 that says which (without naming
 * the organization).
 */
export async function redeemLink(db: Db, input: { secret: string; token: string; now: number }): Promise<LinkGrant> {
  const m = TOKEN_PATTERN.exec(input.token);
  if (!m || !(await constantTimeEqual(m[2], await sign(input.secret, m[1])))) {
    throw new AppError('unauthorized', 'This viewer link is not valid: it may have been cut short or changed. Ask for a new link.');
  }
  const hash = await sha256Hex(m[1]);
  const row = await db.get<{ id: string; project_id: string; organization_id: string; return_url: string | null } | undefined>(
    sql`UPDATE portal_links SET used_at = ${input.now}
      WHERE token_hash = ${hash} AND used_at IS NULL AND expires_at > ${input.now}
      RETURNING id, project_id, organization_id, return_url`,
  );
  if (row) return { linkId: row.id, projectId: row.project_id, organizationId: row.organization_id, returnUrl: row.return_url };
  // Why it failed (one more read, only on failure).
  const seen = await db.get<{ used_at: number | null } | undefined>(sql`SELECT used_at FROM portal_links WHERE token_hash = ${hash}`);
  if (!seen) throw new AppError('unauthorized', 'This viewer link is not valid. Ask for a new link.');
  if (seen.used_at !== null) throw new AppError('unauthorized', 'This viewer link has already been used: each link opens the viewer once. Ask for a new link.');
  throw new AppError('unauthorized', 'This viewer link has expired: links must be opened within 5 minutes. Ask for a new link.');
}

/** Deletes links and sessions long past their expiry, a bounded number at a time (the scheduled job). */
export async function purgeExpiredPortalRecords(db: Db, now: number, max = 5000): Promise<void> {
  const cutoff = now - 24 * 60 * 60 * 1000;
  await db.$client.batch([
    db.$client.prepare('DELETE FROM portal_links WHERE token_hash IN (SELECT token_hash FROM portal_links WHERE expires_at <= ? LIMIT ?)').bind(cutoff, max),
    db.$client.prepare('DELETE FROM portal_sessions WHERE secret_hash IN (SELECT secret_hash FROM portal_sessions WHERE expires_at <= ? LIMIT ?)').bind(cutoff, max),
  ]);
}
