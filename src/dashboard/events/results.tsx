// The viewer's results: a summary line, the events table, and the row that loads the
// next page in place (cursor pagination).
import type { AuditEvent } from '../../events/model';
import { Empty } from '../components/empty';
import { Table, type Column } from '../components/table';
import { Time } from '../components/time';
import { GettingStarted } from './getting-started';
import { PAGE_SIZE, viewerQueryString, type ViewerParams } from './viewer-params';

export interface ViewerData {
  projectId: string;
  params: ViewerParams;
  events: AuditEvent[];
  next: string | null;
  actions: string[];
  organizations: string[];
  /** Names of the organizations created through the API, by id. */
  organizationNames?: Map<string, string>;
  now: number;
  origin: string;
  /** True when the project has no events at all (not just none matching). */
  projectEmpty: boolean;
  tookMs: number;
}

const EVENT_COLUMNS: Column[] = [
  { label: 'Time' },
  { label: 'Actor' },
  { label: 'Action' },
  { label: 'Target' },
  { label: 'Organization', class: 'wide' },
  { label: 'Location', class: 'wide' },
];

export function Results(d: ViewerData) {
  const filtered = Object.entries(d.params).some(([k, v]) => k !== 'after' && v !== '');
  if (d.events.length === 0) {
    if (d.projectEmpty) return <GettingStarted origin={d.origin} />;
    return (
      <Empty title="No events match">
        <p>
          Nothing matches {d.params.q ? <>“<strong>{d.params.q}</strong>”</> : 'these filters'}
          {filtered ? ' with the filters set.' : '.'} Try fewer words, a wider time range, or{' '}
          <a href={`/projects/${d.projectId}/events`}>clear the filters</a>.
        </p>
      </Empty>
    );
  }
  return (
    <>
      <p class="result-meta" data-testid="result-meta">
        {d.params.sort === 'relevance' && d.params.q
          ? `Best ${d.events.length} match${d.events.length === 1 ? '' : 'es'}`
          : d.events.length === PAGE_SIZE || d.next
            ? `Newest ${d.events.length} events`
            : `${d.events.length} event${d.events.length === 1 ? '' : 's'}`}
        {d.params.q ? <> {d.params.sort === 'relevance' ? 'for' : 'matching'} “{d.params.q}”</> : null} <span class="took">({d.tookMs} ms)</span>
      </p>
      <Table class="events" testId="events-table" columns={EVENT_COLUMNS}>
        <Rows {...d} />
      </Table>
    </>
  );
}

/** Table rows plus, when there are more, the row that loads the next page in place. */
export function Rows(d: ViewerData) {
  const base = `/projects/${d.projectId}/events`;
  return (
    <>
      {d.events.map((e) => {
        const target = e.targets[0];
        const href = `${base}/${e.id}`;
        return (
          <tr data-event-id={e.id}>
            <td class="time">
              <a class="row-link" href={href}>
                <Time ms={e.occurredAt} now={d.now} />
              </a>
            </td>
            <td class="actor">
              <span class="name">{e.actor.name ?? e.actor.id}</span>
              {e.actor.email && e.actor.email !== e.actor.name ? <span class="email">{e.actor.email}</span> : null}
            </td>
            <td>
              <code class="action">{e.action}</code>
            </td>
            <td class="target">
              {target ? (
                <>
                  <span class="name">{target.name ?? target.id}</span>
                  {target.type ? <span class="type">{target.type}</span> : null}
                  {e.targets.length > 1 ? <span class="more">+{e.targets.length - 1}</span> : null}
                </>
              ) : (
                '—'
              )}
            </td>
            <td class="wide mono">
              {d.organizationNames?.has(e.organizationId) ? <span class="org-name">{d.organizationNames.get(e.organizationId)} </span> : null}
              {e.organizationId}
            </td>
            <td class="wide mono">{e.context.location}</td>
          </tr>
        );
      })}
      {d.next ? (
        <tr class="load-more">
          <td colSpan={6}>
            <a
              href={`${base}${viewerQueryString(d.params, { after: d.next })}`}
              hx-get={`${base}${viewerQueryString(d.params, { after: d.next })}`}
              hx-target="closest tr"
              hx-swap="outerHTML"
              hx-trigger="click, intersect once"
              data-testid="load-more"
            >
              Load more
            </a>
          </td>
        </tr>
      ) : null}
    </>
  );
}
