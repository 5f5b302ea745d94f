// The dashboard session cookie: a random token, in a cookie signed with Hono's signed cookies
// (HMAC-SHA256), naming a session record on the server (team/sessions.ts). Signing key:
// SESSION_SECRET, or one derived from ADMIN_PASSWORD. Ending the record ends the session at once.
import type { Context } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { SESSION_TTL_MS, createSession, endSession as endSessionRecord, sessionByToken } from '../../team/sessions';
import type { Session } from './model';

export const SESSION_COOKIE = 'wm_session';
/** Longer cookies are not ours: refused before any signature is computed. */
const MAX_COOKIE_LENGTH = 1024;
const TOKEN = /^[A-Za-z0-9]{43}$/;

function signingSecret(c: Context<AppEnv>): string {
  const { SESSION_SECRET, ADMIN_PASSWORD } = c.env;
  if (SESSION_SECRET) return SESSION_SECRET;
  if (!ADMIN_PASSWORD) throw new AppError('server_misconfigured', 'ADMIN_PASSWORD is not set: the dashboard is disabled.');
  return `waymark-session-v1\u0000${ADMIN_PASSWORD}`;
}

export const isSecureRequest = (c: Context<AppEnv>) => {
  const url = new URL(c.req.url);
  return url.protocol === 'https:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
};

/** The client's address as the edge reports it ('local' when nothing does, as under `wrangler dev`). */
export const clientAddress = (c: Context<AppEnv>) => c.req.header('cf-connecting-ip') ?? 'local';

/** Starts a server-side session for the member and sets its cookie. */
export async function startSession(c: Context<AppEnv>, memberId: string): Promise<void> {
  const { token } = await createSession(c.var.db, {
    memberId,
    now: c.var.now(),
    ip: clientAddress(c),
    userAgent: c.req.header('user-agent') ?? null,
  });
  await setSignedCookie(c, SESSION_COOKIE, token, signingSecret(c), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c),
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** The live session the cookie names (one D1 read), or null. */
export async function readSession(c: Context<AppEnv>): Promise<Session | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return null;
  const token = await getSignedCookie(c, signingSecret(c), SESSION_COOKIE);
  if (!token || !TOKEN.test(token)) return null;
  return sessionByToken(c.var.db, token, c.var.now());
}

/** Ends the session on the server and clears its cookie. */
export async function endSession(c: Context<AppEnv>, session: Session): Promise<void> {
  await endSessionRecord(c.var.db, session.id);
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c) });
}
