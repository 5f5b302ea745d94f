// The guards in front of every signed-in page. requireSession: no session sends the visitor
// to sign in (htmx gets HX-Redirect); a POST must pass both CSRF checks, and its form is read
// once here. requireRole(role): the same, and then the member's role must be at least `role`
// (a 403 page otherwise): every dashboard route names the least role it needs.
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { atLeast, type Role } from '../../team/roles';
import { readSession } from './cookie';
import { checkCsrfToken, checkOrigin } from './csrf';

/** Reads the session (and a POST's form, CSRF-checked); a Response when the visitor must sign in first. */
async function signedIn(c: Context<AppEnv>): Promise<Response | null> {
  const session = await readSession(c);
  if (!session) {
    const url = new URL(c.req.url);
    const login = `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
    if (c.req.header('hx-request') === 'true') {
      c.header('HX-Redirect', login);
      return c.body(null, 401);
    }
    return c.redirect(login, 303);
  }
  c.set('session', session);
  if (c.req.method === 'POST') {
    await checkOrigin(c);
    const form = await c.req.formData().catch(() => null);
    await checkCsrfToken(c, session, form);
    c.set('form', form);
  }
  return null;
}

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const redirect = await signedIn(c);
  if (redirect) return redirect;
  await next();
});

const ROLE_NAMES: Record<Role, string> = { owner: 'the owner', admin: 'admins and the owner', viewer: 'members' };

const roleGuards = new Map<Role, MiddlewareHandler<AppEnv>>();

/** Signed in with at least `role`; use it on every dashboard route (`app.get('/', requireRole('admin'), …)`). */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  let guard = roleGuards.get(role);
  if (!guard) {
    guard = createMiddleware<AppEnv>(async (c, next) => {
      const redirect = await signedIn(c);
      if (redirect) return redirect;
      if (!atLeast(c.var.session.member.role, role)) {
        throw new AppError('forbidden', `Only ${ROLE_NAMES[role]} can open this page or do this. You are signed in as a ${c.var.session.member.role}.`);
      }
      await next();
    });
    roleGuards.set(role, guard);
  }
  return guard;
}
