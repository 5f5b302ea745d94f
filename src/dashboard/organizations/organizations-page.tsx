// The Organizations page: the project's retention default and managed-organizations switch,
// then one row per organization (name and id, event count, retention, legal hold, what the
// last purge removed), each with its own CSRF-protected forms.
import type { OrganizationRetention, PurgeRecord } from '../../organizations/retention';
import { MAX_RETENTION_DAYS } from '../../organizations/retention';
import { Empty } from '../components/empty';
import { Table, type Column } from '../components/table';
import { exactTime, Time } from '../components/time';

export interface OrganizationRow {
  id: string;
  /** Set when the organization was created through the API. */
  name: string | null;
  events: number;
  retention: OrganizationRetention;
  lastPurge: PurgeRecord | null;
}

const COLUMNS: Column[] = [
  { label: 'Organization' },
  { label: 'Events', class: 'num' },
  { label: 'Retention' },
  { label: 'Legal hold' },
  { label: 'Last purge', class: 'wide' },
];

const days = (n: number | null) => (n === null ? 'forever' : n === 1 ? '1 day' : `${n.toLocaleString('en-US')} days`);

function Csrf(props: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={props.csrf} />;
}

function ProjectSettings(props: { base: string; csrf: string; retentionDays: number | null; managed: boolean }) {
  return (
    <div class="cards">
      <section class="card" data-testid="default-retention">
        <h2>Default retention</h2>
        <p class="sub">
          Events of an organization without a retention of its own are kept <strong data-testid="default-retention-value">{days(props.retentionDays)}</strong>.
          Expired events are deleted by the hourly job, with their search index entries.
        </p>
        <form method="post" action={`${props.base}/default-retention`} class="inline-form">
          <Csrf csrf={props.csrf} />
          <label>
            Days (empty: forever)
            <input name="days" type="number" min={1} max={MAX_RETENTION_DAYS} step={1} value={props.retentionDays ?? ''} data-testid="default-retention-days" />
          </label>
          <button type="submit">Save</button>
        </form>
      </section>
      <section class="card" data-testid="managed">
        <h2>Managed organizations</h2>
        <p class="sub">
          <strong data-testid="managed-state">{props.managed ? 'On:' : 'Off:'}</strong>{' '}
          {props.managed
            ? 'Audit Logs events must name an organization created with POST /organizations; others are refused with a 404.'
            : 'events may name any organization id, as they always could.'}
        </p>
        <form method="post" action={`${props.base}/managed`}>
          <Csrf csrf={props.csrf} />
          <input type="hidden" name="managed" value={props.managed ? 'off' : 'on'} />
          <button type="submit" class={props.managed ? 'secondary' : undefined} data-testid="managed-toggle">
            {props.managed ? 'Turn off' : 'Manage organizations'}
          </button>
        </form>
      </section>
    </div>
  );
}

function RetentionCell(props: { base: string; csrf: string; row: OrganizationRow }) {
  const r = props.row.retention;
  return (
    <>
      <div data-testid="retention">
        {days(r.days)} <span class="muted small">{r.source === 'project' ? '(project default)' : ''}</span>
      </div>
      <form method="post" action={`${props.base}/retention`} class="inline-form">
        <Csrf csrf={props.csrf} />
        <input type="hidden" name="organization_id" value={props.row.id} />
        <label>
          <span class="visually-hidden">Retention in days for {props.row.id} (empty: forever, "default": the project's)</span>
          <input
            name="days"
            size={8}
            placeholder="days"
            value={r.source === 'organization' ? (r.days ?? '') : 'default'}
            data-testid="retention-days"
            aria-describedby="retention-help"
          />
        </label>
        <button type="submit" class="secondary">Set</button>
      </form>
    </>
  );
}

function HoldCell(props: { base: string; csrf: string; row: OrganizationRow }) {
  const held = props.row.retention.legalHold;
  return (
    <form method="post" action={`${props.base}/hold`}>
      <Csrf csrf={props.csrf} />
      <input type="hidden" name="organization_id" value={props.row.id} />
      <input type="hidden" name="hold" value={held ? 'off' : 'on'} />
      <span class={held ? 'badge warn' : 'badge off'} data-testid="hold-state">{held ? 'On hold' : 'None'}</span>{' '}
      <button type="submit" class="secondary" data-testid="hold-toggle">{held ? 'Lift hold' : 'Place hold'}</button>
    </form>
  );
}

function LastPurge(props: { purge: PurgeRecord | null; now: number }) {
  const p = props.purge;
  if (!p) return <span class="muted">never</span>;
  return (
    <span data-testid="last-purge">
      {p.events.toLocaleString('en-US')} events, {p.targets.toLocaleString('en-US')} target rows
      <br />
      <span class="muted small">
        <Time ms={p.at} now={props.now} />; they occurred {exactTime(p.oldest)} to {exactTime(p.newest)}, before the cutoff {exactTime(p.cutoff)}
      </span>
    </span>
  );
}

export function OrganizationsPage(props: {
  projectId: string;
  rows: OrganizationRow[];
  truncated: boolean;
  csrf: string;
  now: number;
  retentionDays: number | null;
  managed: boolean;
}) {
  const base = `/projects/${props.projectId}/organizations`;
  return (
    <>
      <header class="page-head">
        <h1>Organizations</h1>
        <p class="sub">
          Every organization this project has events for or created through the API (<code>POST /organizations</code>), how long its events are
          kept, and whether a legal hold stops their deletion.
        </p>
      </header>
      <ProjectSettings base={base} csrf={props.csrf} retentionDays={props.retentionDays} managed={props.managed} />
      {props.rows.length === 0 ? (
        <Empty title="No organizations yet">
          <p>Organizations appear here with their first event, or when they are created through the API.</p>
        </Empty>
      ) : (
        <section class="card">
          <p class="sub small" id="retention-help">
            Retention: a whole number of days, empty to keep events forever, or <code>default</code> for the project's default.
          </p>
          <Table columns={COLUMNS} testId="organizations-table">
            {props.rows.map((row) => (
              <tr data-organization={row.id}>
                <td>
                  {row.name !== null ? <strong data-testid="organization-name">{row.name}</strong> : <span class="muted small">not created through the API</span>}
                  <br />
                  <a href={`/projects/${props.projectId}/events?org=${encodeURIComponent(row.id)}`}>
                    <code class="small">{row.id}</code>
                  </a>
                </td>
                <td class="num" data-testid="event-count">{row.events.toLocaleString('en-US')}</td>
                <td>
                  <RetentionCell base={base} csrf={props.csrf} row={row} />
                </td>
                <td>
                  <HoldCell base={base} csrf={props.csrf} row={row} />
                </td>
                <td class="wide last-purge">
                  <LastPurge purge={row.lastPurge} now={props.now} />
                </td>
              </tr>
            ))}
          </Table>
          {props.truncated ? <p class="sub small">Showing the first {props.rows.length.toLocaleString('en-US')} organizations.</p> : null}
        </section>
      )}
    </>
  );
}
