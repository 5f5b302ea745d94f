// Dashboard sessions: a signed, expiring cookie that also carries the CSRF token.
// Signing key: SESSION_SECRET, or one derived from ADMIN_PASSWORD (changing the
// password signs everybody out).
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../context';
import { base64url, constantTimeEqual, hmacSha256, randomBase62 } from '../lib/crypto';
import { AppError } from '../lib/errors';

export const SESSION_COOKIE = 'wm_session';
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface Session {
  /** Expiry, epoch seconds. */
  exp: number;
  csrf: string;
}

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
  const signature = await hmacSha256(signingSecret(c), payload);
  setCookie(c, SESSION_COOKIE, `${payload}.${signature}`, {
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
  if (!cookie || cookie.length > 1024) return null;
  const [payload, signature, extra] = cookie.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  const expected = await hmacSha256(signingSecret(c), payload);
  if (!(await constantTimeEqual(signature, expected))) return null;
  const session = decodePayload(payload);
  if (!session || session.exp * 1000 <= c.var.now()) return null;
  return session;
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecureRequest(c) });
}

/**
 * CSRF check for state-changing requests: the form's `_csrf` field (or the
 * X-CSRF-Token header) must equal the token in the signed session, and the Origin,
 * when the browser sends one, must be ours.
 */
export async function checkCsrf(c: Context<AppEnv>, session: Session, form: FormData | null): Promise<void> {
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(c.req.url).origin) {
    throw new AppError('forbidden', 'This request came from another site and was refused.');
  }
  const token = c.req.header('x-csrf-token') ?? (form?.get('_csrf') as string | null) ?? '';
  if (!(await constantTimeEqual(token, session.csrf))) {
    throw new AppError('forbidden', 'The form has expired. Reload the page and try again.');
  }
}
