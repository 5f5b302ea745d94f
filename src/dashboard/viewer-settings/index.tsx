// A project's customer-facing viewer settings in the team dashboard: branding (product
// name, logo URL, accent colour) and the origins allowed to frame the viewer. Mounted at
// /projects/:pid/viewer-settings; a CSRF-checked form (admins: requireRole).
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { isDevelopment } from '../../env';
import { EMPTY_PORTAL_SETTINGS, MAX_PRODUCT_NAME, parsePortalSettings, type PortalSettings } from '../../portal/branding';
import { setProjectPortal } from '../../projects/settings';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { audit } from '../session/audit';
import { requireRole } from '../session/require-session';

export const viewerSettings = new Hono<AppEnv>();

function SettingsPage({ projectId, settings, csrf, error, saved }: { projectId: string; settings: PortalSettings; csrf: string; error?: string; saved?: boolean }) {
  return (
    <>
      <header class="page-head">
        <h1>Customer viewer</h1>
        <p class="sub">
          What your customers see when your app opens their audit log with <code>POST /portal/generate_link</code> (the WorkOS SDK's{' '}
          <code>adminPortal.generateLink</code>).
        </p>
      </header>
      {error ? (
        <p class="callout error" role="alert" data-testid="settings-error">
          {error}
        </p>
      ) : null}
      {saved ? (
        <p class="callout" role="status" data-testid="settings-saved">
          Saved.
        </p>
      ) : null}
      <form method="post" action={`/projects/${projectId}/viewer-settings`} class="card settings" data-testid="viewer-settings">
        <input type="hidden" name="_csrf" value={csrf} />
        <label>
          <span>Product name</span>
          <input name="product_name" value={settings.product_name ?? ''} maxLength={MAX_PRODUCT_NAME} placeholder="Audit log" data-testid="product_name" />
        </label>
        <label>
          <span>Logo URL (https)</span>
          <input name="logo_url" type="url" value={settings.logo_url ?? ''} placeholder="https://app.example.com/logo.svg" data-testid="logo_url" />
        </label>
        <label>
          <span>Accent colour</span>
          <input name="accent_color" value={settings.accent_color ?? ''} placeholder="#3b5bdb" pattern="#[0-9a-fA-F]{6}" data-testid="accent_color" />
        </label>
        <label>
          <span>Origins allowed to embed the viewer in an iframe (one per line)</span>
          <textarea name="frame_ancestors" rows={4} placeholder="https://app.example.com" data-testid="frame_ancestors">
            {settings.frame_ancestors.join('\n')}
          </textarea>
        </label>
        <button type="submit" data-testid="save-viewer-settings">
          Save
        </button>
      </form>
    </>
  );
}

viewerSettings.get('/', requireRole('admin'), async (c) => {
  const ctx = await loadProject(c);
  const settings = ctx.project.portal ?? EMPTY_PORTAL_SETTINGS;
  return sendSectionPage(c, ctx, 'viewer', 'Customer viewer', <SettingsPage projectId={ctx.project.id} settings={settings} csrf={c.var.session.csrf} saved={c.req.query('saved') === '1'} />);
});

viewerSettings.post('/', requireRole('admin'), async (c) => {
  const ctx = await loadProject(c);
  const form = c.var.form;
  const field = (k: string) => String(form?.get(k) ?? '').slice(0, 8192);
  const input = { product_name: field('product_name'), logo_url: field('logo_url'), accent_color: field('accent_color'), frame_ancestors: field('frame_ancestors') };
  try {
    const portal = parsePortalSettings(input, { allowLocal: isDevelopment(c.env) });
    await setProjectPortal(c.env.KV, { projectId: ctx.project.id, portal });
    await audit(c, 'settings.updated', [{ id: ctx.project.id, type: 'project', name: ctx.project.name }], { metadata: { customer_viewer: 'branding and framing' } });
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 422) throw err;
    const shown: PortalSettings = { product_name: input.product_name, logo_url: input.logo_url, accent_color: input.accent_color, frame_ancestors: input.frame_ancestors.split(/\s+/).filter(Boolean) };
    return sendSectionPage(c, ctx, 'viewer', 'Customer viewer', <SettingsPage projectId={ctx.project.id} settings={shown} csrf={c.var.session.csrf} error={err.message} />, 422);
  }
  return c.redirect(`/projects/${ctx.project.id}/viewer-settings?saved=1`, 303);
});
