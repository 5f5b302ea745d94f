// Dashboard sessions: an expiring session in a cookie signed with Hono's signed
// cookies (HMAC-SHA256). Signing key: SESSION_SECRET, or one derived from
// ADMIN_PASSWORD (changing the password signs everybody out).
import type { Context } from 'hono';
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { AppEnv } from '../../context';
import { base64url, randomBase62 } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import type { Session } from './model';

export const SESSION_COOKIE = 'wm_session';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/** Longer cookies are not ours: refused before any signature is computed. */
const MAX_COOKIE_LENGTH = 1024;

function signingSecret(c: Context<AppEnv>): string {
  const { SESSION_SECRET, ADMIN_PASSWORD } = c.env;
  if (SESSION_SECRET) return SESSION_SECRET;
  if (!ADMIN_PASSWORD) throw new AppError('server_misconfigured', 'ADMIN_PASSWORD is not set: the dashboard is disabled.');
  return `waymark-session-v1\u0000${ADMIN_PASSWORD}`;
}

const decoder = new TextDecoder();

function decodePayload(part: string): Session | null {
  try {
    const bin = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const value = JSON.parse(decoder.decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)))) as Session;
    return typeof value.exp === 'number' && typeof value.csrf === 'string' ? value : null;
  } catch {
    return null;
  }
}

export const isSecureRequest = (c: Context<AppEnv>) => {
  const url = new URL(c.req.url);
  return url.protocol === 'https:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
};

export async function startSession(c: Context<AppEnv>): Promise<Session> {
  const session: Session = { exp: Math.floor(c.var.now() / 1000) + SESSION_TTL_SECONDS, csrf: randomBase62(32) };
  const payload = base64url(new TextEncoder().encode(JSON.stringify(session)));
  await setSignedCookie(c, SESSION_COOKIE, payload, signingSecret(c), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecureRequest(c),
    path: '/',
    maxAge: SESSION_TTL_SECONDS,
  });
  return session;
}

export async function readSession(c: Context<AppEnv>): Promise<Session | null> {
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!cookie || cookie.length > MAX_COOKIE_LENGTH) return null;
  const payload = await getSignedCookie(c, signingSecret(c), SESSION_COOKIE);
  if (!payload) return null;
  const session = decodePayload(payload);
  if (!session || session.exp * 1000 <= c.var.now()) return null;
  return session;
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c) });
}
