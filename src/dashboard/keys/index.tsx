// API keys of one project: the list, creating a key (its plain value shown once),
// revoking one. Mounted at /projects/:pid/keys.
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../context';
import { isDevelopment } from '../../env';
import { DEMO_PROJECT } from '../../projects/bootstrap';
import { createKey, listKeys, lookupKey, revokeKey, type ApiKeySummary } from '../../projects/store';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { isSecureRequest } from '../session/cookie';
import { requireSession } from '../session/require-session';
import { KeysPage } from './keys-page';

export const keys = new Hono<AppEnv>();

/** The new plain key rides to the next page in a one-minute, HttpOnly cookie and is shown once. */
const FLASH_COOKIE = 'wm_new_key';

keys.get('/', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const list = await listKeys(c.env.KV, ctx.project.id);
  let created: { plain: string; key: ApiKeySummary } | undefined;
  const flash = getCookie(c, FLASH_COOKIE);
  if (flash) {
    deleteCookie(c, FLASH_COOKIE, { path: `/projects/${ctx.project.id}/keys` });
    const record = await lookupKey(c.env.KV, flash);
    if (record && record.project_id === ctx.project.id) {
      const { hash: _hash, ...key } = record;
      created = { plain: flash, key };
      // A key just written may not be listed yet (KV listings are eventually consistent).
      if (!list.some((k) => k.id === key.id)) list.unshift(key);
    }
  }
  const revoked = c.req.query('revoked');
  const revokedKey = revoked ? list.find((k) => k.id === revoked && k.revoked_at !== null) : undefined;
  return sendSectionPage(
    c,
    ctx,
    'keys',
    'API Keys',
    <KeysPage
      projectId={ctx.project.id}
      projectName={ctx.project.name}
      keys={list}
      csrf={c.var.session.csrf}
      now={c.var.now()}
      created={created}
      revokedNote={revokedKey ? `Key “${revokedKey.name}” (…${revokedKey.last4}) is revoked. Apps still using it get 401 within a minute.` : undefined}
    />,
  );
});

keys.post('/', requireSession, async (c) => {
  const { project } = await loadProject(c);
  const live = !isDevelopment(c.env) && project.id !== DEMO_PROJECT.id;
  const { plain } = await createKey(c.env.KV, {
    projectId: project.id,
    mode: live ? 'live' : 'test',
    name: String(c.var.form?.get('name') ?? ''),
    now: c.var.now(),
  });
  const path = `/projects/${project.id}/keys`;
  setCookie(c, FLASH_COOKIE, plain, { path, httpOnly: true, sameSite: 'Strict', secure: isSecureRequest(c), maxAge: 60 });
  return c.redirect(path, 303);
});

keys.post('/:kid/revoke', requireSession, async (c) => {
  const { project } = await loadProject(c);
  const key = await revokeKey(c.env.KV, { projectId: project.id, keyId: c.req.param('kid'), now: c.var.now() });
  return c.redirect(`/projects/${project.id}/keys?revoked=${encodeURIComponent(key.id)}`, 303);
});
