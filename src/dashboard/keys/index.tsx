// API keys of one project: the list, creating a key (its plain value shown once),
// revoking one. Mounted at /projects/:pid/keys.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../../context';
import { isDevelopment } from '../../env';
import { DEMO_PROJECT } from '../../projects/bootstrap';
import { createKey, listKeys, lookupKey, parseScopes, revokeKey, rotateKey, type ApiKeySummary } from '../../projects/keys-store';
import { AppError } from '../../lib/errors';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { isSecureRequest } from '../session/cookie';
import { requireRole } from '../session/require-session';
import { audit } from '../session/audit';
import { keyUsage } from '../../usage/store';
import { KeysPage } from './keys-page';
import { EXPIRY_DAYS, OVERLAP_HOURS } from './options';

export const keys = new Hono<AppEnv>();

/** The new plain key rides to the next page in a one-minute, HttpOnly cookie and is shown once. */
const FLASH_COOKIE = 'wm_new_key';

keys.get('/', requireRole('admin'), async (c) => {
  const ctx = await loadProject(c);
  const [list, usage] = await Promise.all([listKeys(c.env.KV, ctx.project.id), keyUsage(c.var.db, ctx.project.id)]);
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
      usage={usage}
      csrf={c.var.session.csrf}
      now={c.var.now()}
      created={created}
      revokedNote={revokedKey ? `Key “${revokedKey.name}” (…${revokedKey.last4}) is revoked. Apps still using it get 401 within a minute.` : undefined}
    />,
  );
});

const DAY_MS = 86_400_000;
const keyTarget = (k: ApiKeySummary) => ({ id: k.id, type: 'api_key', name: `${k.name} (…${k.last4})` });
const projectTarget = (p: { id: string; name: string }) => ({ id: p.id, type: 'project', name: p.name });
const keyMode = (c: Context<AppEnv>, projectId: string) => (!isDevelopment(c.env) && projectId !== DEMO_PROJECT.id ? 'live' : 'test');

function oneOf<T extends number>(allowed: readonly T[], value: unknown, field: string): T {
  const n = Number(value);
  if (!allowed.includes(n as T)) {
    throw new AppError('validation_failed', `Choose one of the offered values for ${field}.`, {
      problems: [{ path: [field], kind: 'invalid', message: `${field} must be one of ${allowed.join(', ')}` }],
    });
  }
  return n as T;
}

/** Shows the new plain key once, on the next page (PRG). */
function flashNewKey(c: Context<AppEnv>, projectId: string, plain: string) {
  const path = `/projects/${projectId}/keys`;
  setCookie(c, FLASH_COOKIE, plain, { path, httpOnly: true, sameSite: 'Strict', secure: isSecureRequest(c), maxAge: 60 });
  return c.redirect(path, 303);
}

keys.post('/', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const form = c.var.form;
  const expiry = String(form?.get('expires_in_days') ?? '');
  const now = c.var.now();
  const { plain, key } = await createKey(c.env.KV, {
    projectId: project.id,
    mode: keyMode(c, project.id),
    name: String(form?.get('name') ?? ''),
    now,
    // The page's form marks that it offered the scope boxes; a form without them (older
    // pages, scripts) gets both scopes, as keys made before scopes existed have.
    scopes: form?.has('scope_choice') ? parseScopes(form.getAll('scopes').map(String)) : undefined,
    expiresAt: expiry === '' ? null : now + oneOf(EXPIRY_DAYS, expiry, 'expires_in_days') * DAY_MS,
  });
  await audit(c, 'api_key.created', [keyTarget(key), projectTarget(project)], { metadata: { scopes: (key.scopes ?? []).join(' '), mode: key.prefix } });
  return flashNewKey(c, project.id, plain);
});

keys.post('/:kid/rotate', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const hours = oneOf(OVERLAP_HOURS, c.var.form?.get('overlap_hours'), 'overlap_hours');
  const { plain, key, old } = await rotateKey(c.env.KV, {
    projectId: project.id,
    keyId: c.req.param('kid'),
    mode: keyMode(c, project.id),
    overlapMs: hours * 3_600_000,
    now: c.var.now(),
  });
  await audit(c, 'api_key.rotated', [keyTarget(old), keyTarget(key), projectTarget(project)], { metadata: { overlap_hours: hours } });
  return flashNewKey(c, project.id, plain);
});

keys.post('/:kid/revoke', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const key = await revokeKey(c.env.KV, { projectId: project.id, keyId: c.req.param('kid'), now: c.var.now() });
  await audit(c, 'api_key.revoked', [keyTarget(key), projectTarget(project)]);
  return c.redirect(`/projects/${project.id}/keys?revoked=${encodeURIComponent(key.id)}`, 303);
});
