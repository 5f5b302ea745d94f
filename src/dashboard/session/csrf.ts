// Cross-site request forgery is refused twice. First Hono's csrf(): the Origin (or
// Sec-Fetch-Site) of a form-like POST must be ours; a missing Origin is refused too.
// Other bodies cannot come cross-site without a CORS preflight, which the dashboard
// never grants. Then the token from the signed session, which every form carries.
import type { Context } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from '../../context';
import { constantTimeEqual } from '../../lib/crypto';
import { AppError } from '../../lib/errors';
import type { Session } from './model';

const originCheck = csrf();

/** Hono's origin check, answered with our own error (an HTML page or fragment) instead of a bare 403. */
export async function checkOrigin(c: Context<AppEnv>, message = 'This request came from another site and was refused.'): Promise<void> {
  try {
    await originCheck(c, async () => {});
  } catch (err) {
    if (err instanceof HTTPException && err.status === 403) throw new AppError('forbidden', message);
    throw err;
  }
}

/** The form's `_csrf` field (or the X-CSRF-Token header) must equal the token in the signed session. */
export async function checkCsrfToken(c: Context<AppEnv>, session: Session, form: FormData | null): Promise<void> {
  const token = c.req.header('x-csrf-token') ?? (form?.get('_csrf') as string | null) ?? '';
  if (!(await constantTimeEqual(token, session.csrf))) {
    throw new AppError('forbidden', 'The form has expired. Reload the page and try again.');
  }
}
