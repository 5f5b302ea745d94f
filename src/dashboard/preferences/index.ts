// The signed-in person's display preferences, kept in cookies of their own browser:
// times in their own zone or in UTC. Mounted at /preferences.
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { AppEnv } from '../../context';
import { safeNext } from '../safe-next';
import { isSecureRequest } from '../session/cookie';
import { requireRole } from '../session/require-session';
import { TIME_MODE_COOKIE } from '../time-zone';

export const preferences = new Hono<AppEnv>();

const YEAR_SECONDS = 365 * 86_400;

preferences.post('/time', requireRole('viewer'), async (c) => {
  const form = c.var.form;
  const show = form?.get('show') === 'utc' ? 'utc' : 'local';
  setCookie(c, TIME_MODE_COOKIE, show, { path: '/', sameSite: 'Lax', secure: isSecureRequest(c), httpOnly: true, maxAge: YEAR_SECONDS });
  return c.redirect(safeNext(form?.get('next')), 303);
});
