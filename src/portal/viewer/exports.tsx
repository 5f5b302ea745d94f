// Exports in the customer viewer: the Export button on /viewer/events posts here; the export
// covers exactly the search and filters on screen within the session's organization (never
// one from the form or the URL). The record and its `audit_log.exported` event in the
// organization's own trail are one D1 batch (both or neither), then the job is queued.
// /viewer/exports lists that organization's viewer exports (not the team's or the API's),
// refreshing while one runs; each file downloads through a fresh signed 10-minute link.
import type { Context } from 'hono';
import type { VNode } from 'preact';
import type { AppEnv } from '../../context';
import { ExportList, type ExportRow } from '../../dashboard/exports/exports-page';
import { readViewerParams, toEventQuery } from '../../dashboard/events/viewer-params';
import { sendFragment } from '../../dashboard/render';
import { viewerZone } from '../../dashboard/time-zone';
import { planWrite, writeStatements } from '../../events/store';
import { startExport } from '../../exports/create';
import { signedPath } from '../../exports/link';
import { EXPORT_FORMATS, type ExportFormat, type ExportQuery } from '../../exports/model';
import { getViewerExport, viewerExports } from '../../exports/store';
import { AppError } from '../../lib/errors';
import { EXPORT_ID_PATTERN } from '../../lib/ids';
import { readEvent, VIEWER_ACTIONS } from '../audit';
import { checkedViewerForm } from '../csrf';
import { readerOf } from '../session';

export const VIEWER_EXPORTS = '/viewer/exports';
/** The form fields that describe what is on screen (no `org`: the session fixes it). */
const FIELDS = ['q', 'range', 'from', 'to', 'action', 'actor', 'target'] as const;

/** The export query of a viewer form: the filters and search typed, the session's organization. */
export function viewerExportQuery(c: Context<AppEnv>, form: FormData): { query: ExportQuery; search: string } {
  const s = c.var.viewer;
  const url = new URL(VIEWER_EXPORTS, c.req.url);
  for (const k of FIELDS) {
    const v = form.get(k);
    if (typeof v === 'string' && v !== '') url.searchParams.set(k, v);
  }
  const params = { ...readViewerParams(url), org: '' };
  const { projectId: _p, order: _o, limit: _l, after: _a, before: _b, now: _n, ...query } = toEventQuery(s.projectId, params, c.var.now(), viewerZone(c).zone);
  return { query: { ...query, organizationIds: [s.organizationId] }, search: params.q };
}

export async function createViewerExport(c: Context<AppEnv>): Promise<Response> {
  const s = c.var.viewer;
  const form = await checkedViewerForm(c, s);
  const asked = String(form.get('format') ?? 'csv');
  if (!(EXPORT_FORMATS as readonly string[]).includes(asked)) throw new AppError('validation_failed', `format: “${asked.slice(0, 40)}” is not one of csv, ndjson.`);
  const format = asked as ExportFormat;
  const { query, search } = viewerExportQuery(c, form);
  const now = c.var.now();
  await startExport(c.var.db, c.env.EXPORT_JOBS, { projectId: s.projectId, organizationId: s.organizationId, format, query, now, viewerSessionId: s.id }, (e) =>
    writeStatements(
      c.var.db,
      planWrite({
        projectId: s.projectId,
        events: [
          readEvent(readerOf(c, s), VIEWER_ACTIONS.exported, now, { id: e.id, type: 'audit_log_export', name: `${format.toUpperCase()} export` }, {
            format,
            ...(search.trim() ? { search: search.trim().slice(0, 200) } : {}),
          }),
        ],
        now,
        requestId: c.var.requestId,
        respond: () => ({ status: 200, body: {} }),
      }),
    ),
  );
  return c.redirect(VIEWER_EXPORTS, 303);
}

async function rowsOf(c: Context<AppEnv>): Promise<ExportRow[]> {
  const s = c.var.viewer;
  const list = await viewerExports(c.var.db, s.projectId, s.organizationId);
  return list.map((e) => ({ e, download: e.state === 'ready' ? `${VIEWER_EXPORTS}/${e.id}/download` : null }));
}

export async function exportsPage(c: Context<AppEnv>, page: (title: string, body: VNode) => Response): Promise<Response> {
  const rows = await rowsOf(c);
  const now = c.var.now();
  if (c.req.query('fragment') === 'list') return sendFragment(c, <ExportList rows={rows} now={now} base={VIEWER_EXPORTS} />);
  return page(
    'Exports',
    <>
      <header class="page-head">
        <h1>Exports</h1>
        <p class="sub">
          Files of this audit log’s events, built in the background (CSV or NDJSON). Use “Export” on <a href="/viewer/events">Events</a>: it
          exports exactly the search and filters on screen. Each download gets a fresh link that lasts 10 minutes.
        </p>
      </header>
      <section class="card">
        <ExportList rows={rows} now={now} base={VIEWER_EXPORTS} />
      </section>
    </>,
  );
}

/** A fresh signed link to one of this organization's viewer exports; any other export id is a 404. */
export async function downloadExport(c: Context<AppEnv>): Promise<Response> {
  const s = c.var.viewer;
  const id = c.req.param('id') ?? '';
  const e = EXPORT_ID_PATTERN.test(id) ? await getViewerExport(c.var.db, s.projectId, s.organizationId, id) : null;
  if (!e) throw new AppError('not_found', 'No such export in this audit log.');
  if (e.state !== 'ready') throw new AppError('not_found', 'This export is not ready yet.');
  return c.redirect(await signedPath(c.env, e.projectId, e.id, c.var.now()), 303);
}
