// The customer-facing viewer, its own sub-app at /viewer: a link opens it (/viewer/open),
// then the team's events viewer runs in a scope fixed to the link's organization
// (dashboard/events/viewer-scope.tsx). Its own cookie, its own CSP (the project's
// frame-ancestors), its own error pages; the team's session means nothing here.
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sql } from 'drizzle-orm';
import type { VNode } from 'preact';
import type { AppEnv } from '../../context';
import { sendFragment, sendHtml, wantsFragment } from '../../dashboard/render';
import { actorSuggestions, detailPage, listPage, newerFragment, timelineFragment, type ViewerScope } from '../../dashboard/events/viewer-scope';
import { writeEvents } from '../../events/store';
import type { AppError } from '../../lib/errors';
import { getProject } from '../../projects/store';
import { organizationActions } from '../actions';
import { readEvent, VIEWER_ACTIONS } from '../audit';
import { viewerCsrfToken } from '../csrf';
import { viewerCsp, type PortalSettings } from '../branding';
import { redeemLink } from '../link';
import { portalSecret } from '../secret';
import { noSession, readViewerSession, readerOf, startViewerSession } from '../session';
import { createViewerExport, downloadExport, exportsPage, VIEWER_EXPORTS } from './exports';
import { ViewerErrorPage, ViewerLayout } from './layout';

type ViewerEnv = AppEnv;

export const viewer = new Hono<ViewerEnv>();

export const VIEWER_BASE = '/viewer/events';
export const isViewerPath = (path: string) => path === '/viewer' || path.startsWith('/viewer/');

/** The viewer's headers: its CSP with the project's allowed framers (set on every answer, errors too). */
function viewerHeaders(c: Context<ViewerEnv>, branding: PortalSettings | null) {
  c.header('Content-Security-Policy', viewerCsp(branding));
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
  c.header('Cache-Control', 'no-store');
}

async function brandingOf(c: Context<ViewerEnv>, projectId: string): Promise<PortalSettings | null> {
  return (await getProject(c.env.KV, projectId))?.portal ?? null;
}

const requireViewer = createMiddleware<ViewerEnv>(async (c, next) => {
  const session = await readViewerSession(c);
  if (!session) throw noSession();
  c.set('viewer', session);
  const branding = await brandingOf(c, session.projectId);
  c.set('branding', branding);
  viewerHeaders(c, branding);
  await next();
  viewerHeaders(c, branding);
});

/** A whole viewer page: the branded frame around `body`. */
function viewerPage(c: Context<ViewerEnv>, title: string, body: VNode, section: 'events' | 'exports' = 'events'): Response {
  const s = c.var.viewer;
  return sendHtml(
    c,
    <ViewerLayout title={title} branding={c.var.branding} organizationId={s.organizationId} returnUrl={s.returnUrl} section={section}>
      {body}
    </ViewerLayout>,
  );
}

async function scopeOf(c: Context<ViewerEnv>): Promise<ViewerScope> {
  const s = c.var.viewer;
  return {
    projectId: s.projectId,
    base: VIEWER_BASE,
    organizationId: s.organizationId,
    csrf: await viewerCsrfToken(c, s),
    exportAction: VIEWER_EXPORTS,
    actions: () => organizationActions(c.var.db, s.projectId, s.organizationId),
    organizations: async () => [],
    empty: async () =>
      (await c.var.db.get(sql`SELECT 1 AS x FROM events WHERE project_id = ${s.projectId} AND organization_id = ${s.organizationId} LIMIT 1`)) === undefined,
    page: (title, body) => viewerPage(c, title, body),
  };
}

/** Opening a link: consume it, start the session (and record `audit_log.viewed`), then show the viewer. */
viewer.get('/open', async (c) => {
  const grant = await redeemLink(c.var.db, { secret: portalSecret(c.env), token: c.req.query('token') ?? '', now: c.var.now() });
  await startViewerSession(c, grant);
  viewerHeaders(c, await brandingOf(c, grant.projectId));
  return c.redirect(VIEWER_BASE, 303);
});

viewer.get('/theme.css', requireViewer, (c) => {
  const accent = c.var.branding?.accent_color;
  c.header('Content-Type', 'text/css; charset=utf-8');
  // accent_color is validated as #rrggbb when saved: nothing else can reach this stylesheet.
  return c.body(accent && /^#[0-9a-f]{6}$/.test(accent) ? `:root { --accent: ${accent}; }\n` : '/* default theme */\n');
});

viewer.get('/', (c) => c.redirect(VIEWER_BASE, 303));
viewer.get('/events', requireViewer, async (c) => listPage(c, await scopeOf(c)));
viewer.get('/events/actors', requireViewer, async (c) => actorSuggestions(c, await scopeOf(c)));
viewer.get('/events/timeline', requireViewer, async (c) => timelineFragment(c, await scopeOf(c)));
viewer.get('/events/newer', requireViewer, async (c) => newerFragment(c, await scopeOf(c)));
viewer.get('/exports', requireViewer, (c) => exportsPage(c, (title, body) => viewerPage(c, title, body, 'exports')));
viewer.post('/exports', requireViewer, createViewerExport);
viewer.get('/exports/:id/download', requireViewer, downloadExport);
viewer.get('/events/:eid', requireViewer, async (c) =>
  // Each event opened is an audited read, written before the event is shown.
  detailPage(c, await scopeOf(c), async (event) => {
    const now = c.var.now();
    await writeEvents(c.var.db, {
      projectId: c.var.viewer.projectId,
      events: [readEvent(readerOf(c, c.var.viewer), VIEWER_ACTIONS.eventViewed, now, { id: event.id, type: 'audit_log_event', name: event.action })],
      now,
      requestId: c.var.requestId,
      respond: () => ({ status: 200, body: {} }),
    });
  }),
);

/** Viewer errors as HTML: a fragment for htmx, a whole page otherwise; never a team-dashboard link. */
export function viewerError(c: Context<AppEnv>, err: AppError): Response {
  if (!c.res.headers.get('Content-Security-Policy')?.includes('frame-ancestors')) c.header('Content-Security-Policy', viewerCsp(null));
  if (wantsFragment(c)) {
    return sendFragment(
      c,
      <div class="callout error" role="alert">
        {err.message}
      </div>,
      err.status,
    );
  }
  return sendHtml(c, <ViewerErrorPage status={err.status} message={err.message} />, err.status);
}
