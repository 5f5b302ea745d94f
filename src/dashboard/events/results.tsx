// The viewer's results: a summary line, the events table, and the row that loads the
// next page in place (cursor pagination).
import type { AuditEvent } from '../../events/model';
import { Empty } from '../components/empty';
import { Table, type Column } from '../components/table';
import { When } from '../components/time';
import type { ViewerZone } from '../time-zone';
import { GettingStarted } from './getting-started';
import { PAGE_SIZE, stillTyping, viewerQueryString, type ViewerParams } from './viewer-params';

export interface ViewerData {
  projectId: string;
  params: ViewerParams;
  events: AuditEvent[];
  next: string | null;
  actions: string[];
  organizations: string[];
  now: number;
  origin: string;
  /** True when the project has no events at all (not just none matching). */
  projectEmpty: boolean;
  tookMs: number;
  /** The zone times are shown and From/To are read in. */
  zone: ViewerZone;
  /** What a malformed qualifier or date expected (`after:banana`), shown above the results. */
  hints: string[];
  csrf: string;
  /** This view's own URL (for forms that come back to it). */
  selfHref: string;
}

/** Filters beside the search box: the words "with the filters set" appear only when one is. */
export function filtersSet(p: ViewerParams): boolean {
  return p.range !== '' || p.from !== '' || p.to !== '' || p.action !== '' || p.actor !== '' || p.org !== '';
}

function Hints({ hints }: { hints: string[] }) {
  if (hints.length === 0) return null;
  return (
    <div class="callout hint" role="note" data-testid="search-hint">
      {hints.map((h) => (
        <p>{h}</p>
      ))}
    </div>
  );
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
  const filtered = filtersSet(d.params);
  if (d.events.length === 0) {
    if (d.projectEmpty) return <GettingStarted origin={d.origin} />;
    return (
      <>
      <Hints hints={d.hints} />
      <Empty title="No events match">
        <p>
          Nothing matches {d.params.q ? <>“<strong>{d.params.q}</strong>”</> : 'these filters'}
          {filtered ? ' with the filters set.' : '.'} Try fewer words, a wider time range, or{' '}
          <a href={`/projects/${d.projectId}/events`}>{filtered ? 'clear the filters' : 'start over'}</a>.
        </p>
      </Empty>
      </>
    );
  }
  return (
    <>
      <Hints hints={d.hints} />
      <p class="result-meta" data-testid="result-meta">
        {d.params.sort === 'relevance' && d.params.q
          ? `Best ${d.events.length} match${d.events.length === 1 ? '' : 'es'}`
          : d.events.length === PAGE_SIZE || d.next
            ? `Newest ${d.events.length} events`
            : `${d.events.length} event${d.events.length === 1 ? '' : 's'}`}
        {d.params.q && !stillTyping(d.params.q) ? <> {d.params.sort === 'relevance' ? 'for' : 'matching'} “{d.params.q}”</> : null}{' '}
        <span class="took">({d.tookMs} ms)</span>
        {stillTyping(d.params.q) ? <span class="muted" data-testid="keep-typing"> · keep typing: searches start at 2 characters</span> : null}
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
                <When ms={e.occurredAt} now={d.now} />
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
            <td class="wide mono">{e.organizationId}</td>
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
