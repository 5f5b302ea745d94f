// Sign-in and sign-out: /login (the admin password, with a pause after repeated
// failures) and /logout.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { constantTimeEqual } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import { sendHtml } from '../render';
import { endSession, readSession, startSession } from './cookie';
import { checkOrigin } from './csrf';
import { safeNext } from '../safe-next';
import { LoginPage } from './login-page';
import { FAILURE_DELAY_MS, clearFailures, lockedFor, recordFailure } from './login-throttle';
import { requireSession } from './require-session';

export const session = new Hono<AppEnv>();

const clientAddress = (c: Context<AppEnv>) => c.req.header('cf-connecting-ip') ?? 'local';

session.get('/login', async (c) => {
  if (await readSession(c)) return c.redirect(safeNext(c.req.query('next')), 303);
  return sendHtml(c, <LoginPage next={safeNext(c.req.query('next'))} />);
});

session.post('/login', async (c) => {
  await checkOrigin(c, 'Sign-in from another site was refused.');
  const form = await c.req.formData().catch(() => null);
  const password = typeof form?.get('password') === 'string' ? (form!.get('password') as string) : '';
  const next = safeNext(form?.get('next'));
  const admin = c.env.ADMIN_PASSWORD;
  if (!admin) throw new AppError('server_misconfigured', 'ADMIN_PASSWORD is not set: the dashboard is disabled.');
  const client = clientAddress(c);
  const wait = await lockedFor(c.var.db, client, c.var.now());
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60_000);
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    return sendHtml(c, <LoginPage next={next} error={`Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`} />, 429);
  }
  if (!(await constantTimeEqual(password, admin))) {
    await recordFailure(c.var.db, client, c.var.now());
    await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
    return sendHtml(c, <LoginPage next={next} error="That password is not right." />, 401);
  }
  await clearFailures(c.var.db, client);
  await startSession(c);
  return c.redirect(next, 303);
});

session.post('/logout', requireSession, (c) => {
  endSession(c);
  return c.redirect('/login', 303);
});
