// A project's exports: the newest ten with their state, progress (rows written) and a download
// link once ready. While one is running, the list refreshes itself every 2 seconds.
import type { AuditExport } from '../../exports/model';
import { Table, type Column } from '../components/table';
import { Time } from '../components/time';

const COLUMNS: Column[] = [{ label: 'Created' }, { label: 'What' }, { label: 'Format' }, { label: 'State' }, { label: 'Rows', class: 'num' }, { label: 'File' }];

export interface ExportRow {
  e: AuditExport;
  /** A fresh signed download path for a ready export. */
  download: string | null;
}

function describe(e: AuditExport): string {
  const q = e.query;
  const parts: string[] = [];
  parts.push(e.organizationId ? `organization ${e.organizationId}` : 'whole project');
  if (q.search) parts.push(`“${q.search}”`);
  if (q.actions?.length) parts.push(`action ${q.actions.join(', ')}`);
  if (q.actorIds?.length || q.actorEmails?.length) parts.push(`actor ${[...(q.actorIds ?? []), ...(q.actorEmails ?? [])].join(', ')}`);
  if (q.targetIds?.length) parts.push(`target ${q.targetIds.join(', ')}`);
  const r = q.occurredAt;
  if (r?.gte !== undefined || r?.lt !== undefined || r?.lte !== undefined) {
    const from = r.gte !== undefined ? new Date(r.gte).toISOString().slice(0, 16).replace('T', ' ') : '…';
    const to = r.lt ?? r.lte;
    parts.push(`${from} – ${to !== undefined ? new Date(to).toISOString().slice(0, 16).replace('T', ' ') : 'now'} UTC`);
  }
  return parts.join(' · ');
}

export function ExportList({ rows, now, base }: { rows: ExportRow[]; now: number; base: string }) {
  const running = rows.some((r) => r.e.state === 'pending');
  return (
    <div id="export-list" data-testid="export-list" {...(running ? { 'hx-get': `${base}?fragment=list`, 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' } : {})}>
      {rows.length === 0 ? (
        <p class="muted">No exports yet. Use “Export” on the Events page: it exports exactly the search and filters on screen.</p>
      ) : (
        <Table testId="exports-table" columns={COLUMNS}>
          {rows.map(({ e, download }) => (
            <tr data-export-id={e.id}>
              <td>
                <Time ms={e.createdAt} now={now} />
              </td>
              <td class="small">{describe(e)}</td>
              <td>{e.format.toUpperCase()}</td>
              <td data-testid="export-state">
                {e.state === 'ready' ? <span class="badge ok">Ready</span> : e.state === 'error' ? <span class="badge bad">Failed</span> : <span class="badge warn">Running…</span>}
                {e.error ? <div class="small muted">{e.error}</div> : null}
              </td>
              <td class="num" data-testid="export-rows">
                {e.rowsWritten.toLocaleString('en-US')}
              </td>
              <td>
                {download ? (
                  <a href={download} download data-testid="export-download">
                    Download
                  </a>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}

export function ExportsPage(props: { rows: ExportRow[]; now: number; base: string }) {
  return (
    <>
      <header class="page-head">
        <h1>Exports</h1>
        <p class="sub">
          Files of events, built in the background (CSV or NDJSON, any range). Download links are signed and last 10 minutes; this page makes
          fresh ones. Rows written grows as each 5 MiB part is stored.
        </p>
      </header>
      <section class="card">
        <ExportList {...props} />
      </section>
    </>
  );
}
