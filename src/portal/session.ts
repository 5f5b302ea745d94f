// Viewer sessions: what a redeemed link turns into. The cookie (its own name, path /viewer)
// holds a random secret signed with Hono's signed cookies; D1 holds sha256(secret) with
// the one project and organization it may read, until it expires (SESSION_TTL_MS, not
// extended by use; a new link opens a new session). The team's cookie means nothing here,
// and this cookie is never sent to (nor read by) the dashboard or the API.
import type { Context } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { sql } from 'drizzle-orm';
import type { AppEnv } from '../context';
import { batch, statement, type Db } from '../lib/db';
import { randomBase62, sha256Hex } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import { planWrite, writeStatements } from '../events/store';
import { readEvent, VIEWER_ACTIONS, type Reader } from './audit';
import type { LinkGrant } from './link';
import type { ViewerSession } from './model';
import { portalSecret } from './secret';

export type { ViewerSession } from './model';

export const VIEWER_COOKIE = 'wm_viewer';
/**
 * Plain-http loopback only (local runs): the same session again as SameSite=None; Secure;
 * Partitioned, the attributes VIEWER_COOKIE has on HTTPS, so a cross-site iframe works
 * locally in browsers that treat http://127.0.0.1 and http://localhost as secure (Chromium,
 * Firefox). Browsers that refuse Secure cookies on http keep the Lax one (top-level only).
 */
export const VIEWER_FRAME_COOKIE = 'wm_viewer_frame';
export const VIEWER_PATH = '/viewer';
/** How long a viewer session lasts from the moment its link is opened. */
export const SESSION_TTL_MS = 60 * 60 * 1000;
const SECRET_CHARS = 32;
const MAX_COOKIE_LENGTH = 256;


const isLocalHttp = (c: Context<AppEnv>) => {
  const url = new URL(c.req.url);
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
};

/** The reader behind a request, for audited reads. */
export function readerOf(c: Context<AppEnv>, s: ViewerSession): Reader {
  return {
    sessionId: s.id,
    linkId: s.linkId,
    organizationId: s.organizationId,
    ip: c.req.header('cf-connecting-ip') ?? (isLocalHttp(c) ? '127.0.0.1' : 'unknown'),
    userAgent: c.req.header('user-agent') ?? null,
  };
}

/**
 * Opens a session for a redeemed link: the session row and the `audit_log.viewed` event in
 * one D1 batch (both or neither), then the cookie.
 */
export async function startViewerSession(c: Context<AppEnv>, grant: LinkGrant): Promise<ViewerSession> {
  const db: Db = c.var.db;
  const now = c.var.now();
  const value = randomBase62(SECRET_CHARS);
  const session: ViewerSession = {
    id: newId('viewerSession', now),
    linkId: grant.linkId,
    projectId: grant.projectId,
    organizationId: grant.organizationId,
    returnUrl: grant.returnUrl,
    expiresAt: now + SESSION_TTL_MS,
  };
  const plan = planWrite({
    projectId: session.projectId,
    events: [readEvent(readerOf(c, session), VIEWER_ACTIONS.viewed, now)],
    now,
    requestId: c.var.requestId,
    respond: () => ({ status: 200, body: {} }),
  });
  await batch(db, [
    statement(
      db,
      sql`INSERT INTO portal_sessions (secret_hash, id, link_id, project_id, organization_id, return_url, created_at, expires_at)
        VALUES (${await sha256Hex(value)}, ${session.id}, ${session.linkId}, ${session.projectId}, ${session.organizationId}, ${session.returnUrl}, ${now}, ${session.expiresAt})`,
    ),
    ...writeStatements(db, plan),
  ]);
  // Inside an iframe on another site the cookie is third-party: SameSite=None; Secure, and
  // Partitioned (CHIPS) so browsers that block third-party cookies keep it per embedding site.
  // Plain-http loopback: a Lax cookie every browser keeps, plus VIEWER_FRAME_COOKIE for frames.
  const secret = portalSecret(c.env);
  const common = { httpOnly: true, path: VIEWER_PATH, maxAge: Math.floor(SESSION_TTL_MS / 1000) };
  const embeddable = { sameSite: 'None' as const, secure: true, partitioned: true };
  if (isLocalHttp(c)) {
    await setSignedCookie(c, VIEWER_COOKIE, value, secret, { ...common, sameSite: 'Lax', secure: false });
    await setSignedCookie(c, VIEWER_FRAME_COOKIE, value, secret, { ...common, ...embeddable });
  } else await setSignedCookie(c, VIEWER_COOKIE, value, secret, { ...common, ...embeddable });
  return session;
}

/**
 * The request's viewer session, or null (no cookie, a bad signature, unknown or expired). On
 * loopback http a request may carry both cookies, possibly of different sessions (the Lax one
 * of an old top-level visit, the frame one of a newer frame): the first that opens a live session
 * wins, so a stale one never hides a live one (one more read, only then).
 */
export async function readViewerSession(c: Context<AppEnv>): Promise<ViewerSession | null> {
  for (const name of [VIEWER_COOKIE, VIEWER_FRAME_COOKIE]) {
    const raw = getCookie(c, name);
    if (!raw || raw.length > MAX_COOKIE_LENGTH) continue;
    const secret = await getSignedCookie(c, portalSecret(c.env), name);
    if (!secret || !/^[A-Za-z0-9]{32}$/.test(secret)) continue;
    const session = await sessionOf(c, secret);
    if (session) return session;
  }
  return null;
}

async function sessionOf(c: Context<AppEnv>, secret: string): Promise<ViewerSession | null> {
  const row = await c.var.db.get<
    { id: string; link_id: string; project_id: string; organization_id: string; return_url: string | null; expires_at: number } | undefined
  >(sql`SELECT id, link_id, project_id, organization_id, return_url, expires_at FROM portal_sessions WHERE secret_hash = ${await sha256Hex(secret)}`);
  if (!row || row.expires_at <= c.var.now()) return null;
  return {
    id: row.id,
    linkId: row.link_id,
    projectId: row.project_id,
    organizationId: row.organization_id,
    returnUrl: row.return_url,
    expiresAt: row.expires_at,
  };
}

export function endViewerSession(c: Context<AppEnv>): void {
  deleteCookie(c, VIEWER_COOKIE, { path: VIEWER_PATH, secure: !isLocalHttp(c) });
  if (isLocalHttp(c)) deleteCookie(c, VIEWER_FRAME_COOKIE, { path: VIEWER_PATH, secure: true, partitioned: true, sameSite: 'None' });
}

/** The 401 for a request without a usable session. */
export const noSession = () =>
  new AppError('unauthorized', 'Your viewer session has ended or is not valid. Open a new link from the app to see the audit log again.');
