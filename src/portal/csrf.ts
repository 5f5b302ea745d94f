// The viewer's forms (Export) are refused cross-site twice, as the dashboard's are: the Origin
// (or Sec-Fetch-Site) must be ours (dashboard/session/csrf.ts's check), and the form carries a
// token bound to the viewer session: HMAC of the session id under the portal secret, so it needs
// no storage and a token of one session is worthless in another. The viewer cookie is
// SameSite=None on HTTPS (it must reach a cross-site iframe), so the token is what stops a forged
// form posted from another site.
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { checkOrigin } from '../dashboard/session/csrf';
import { constantTimeEqual, hmacSha256 } from '../lib/crypto';
import { AppError } from '../lib/errors';
import type { ViewerSession } from './model';
import { portalSecret } from './secret';

export function viewerCsrfToken(c: Context<AppEnv>, session: ViewerSession): Promise<string> {
  return hmacSha256(portalSecret(c.env), `viewer-csrf-v1\u0000${session.id}`);
}

/** The viewer form's body, once its origin and token are checked. */
export async function checkedViewerForm(c: Context<AppEnv>, session: ViewerSession): Promise<FormData> {
  await checkOrigin(c);
  const form = await c.req.formData().catch(() => null);
  const token = (form?.get('_csrf') as string | null) ?? '';
  if (!form || !(await constantTimeEqual(token, await viewerCsrfToken(c, session)))) {
    throw new AppError('forbidden', 'The form has expired. Reload the page and try again.');
  }
  return form;
}
