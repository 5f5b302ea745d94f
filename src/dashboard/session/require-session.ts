// The guard in front of every signed-in page: no session sends the visitor to sign in
// (htmx gets HX-Redirect); a POST must pass both CSRF checks, and its form is read once here.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../../context';
import { readSession } from './cookie';
import { checkCsrfToken, checkOrigin } from './csrf';

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
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
  await next();
});
