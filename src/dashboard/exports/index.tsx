// A project's exports: start one from the events page's search and filters, and the list with
// progress and download links. Mounted at /projects/:pid/exports.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { startExport } from '../../exports/create';
import { signedPath } from '../../exports/link';
import { EXPORT_FORMATS, type ExportFormat } from '../../exports/model';
import { recentExports } from '../../exports/store';
import { readViewerParams, toEventQuery } from '../events/viewer-params';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { sendFragment } from '../render';
import { audit } from '../session/audit';
import { requireRole } from '../session/require-session';
import { viewerZone } from '../time-zone';
import { ExportList, ExportsPage, type ExportRow } from './exports-page';

export const exportsSection = new Hono<AppEnv>();

exportsSection.get('/', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const now = c.var.now();
  const list = await recentExports(c.var.db, ctx.project.id);
  const rows: ExportRow[] = await Promise.all(
    list.map(async (e) => ({ e, download: e.state === 'ready' ? await signedPath(c.env, e.projectId, e.id, now) : null })),
  );
  const base = `/projects/${ctx.project.id}/exports`;
  if (c.req.query('fragment') === 'list') return sendFragment(c, <ExportList rows={rows} now={now} base={base} />);
  return sendSectionPage(c, ctx, 'exports', 'Exports', <ExportsPage rows={rows} now={now} base={base} />);
});

exportsSection.post('/', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const form = c.var.form;
  const url = new URL(c.req.url);
  for (const k of ['q', 'range', 'from', 'to', 'action', 'actor', 'target', 'org']) {
    const v = form?.get(k);
    if (typeof v === 'string' && v !== '') url.searchParams.set(k, v);
  }
  const params = readViewerParams(url);
  const now = c.var.now();
  const { projectId: _p, order: _o, limit: _l, after: _a, before: _b, now: _n, ...query } = toEventQuery(ctx.project.id, params, now, viewerZone(c).zone);
  const asked = String(form?.get('format') ?? 'csv');
  const format: ExportFormat = (EXPORT_FORMATS as readonly string[]).includes(asked) ? (asked as ExportFormat) : 'csv';
  const e = await startExport(c.var.db, c.env.EXPORT_JOBS, { projectId: ctx.project.id, organizationId: params.org || null, format, query, now });
  await audit(c, 'export.created', [
    { id: e.id, type: 'audit_log_export' },
    { id: ctx.project.id, type: 'project', name: ctx.project.name },
  ], { metadata: { format, ...(params.org ? { organization_id: params.org } : {}), ...(params.q ? { search: params.q.slice(0, 200) } : {}) } });
  return c.redirect(`/projects/${ctx.project.id}/exports`, 303);
});
