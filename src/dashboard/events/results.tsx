// The viewer's results: a summary line, the events table, and the row that loads the
// next page in place (cursor pagination).
import { h } from 'preact';
import type { AuditEvent } from '../../events/model';
import { Empty } from '../components/empty';
import { Table, type Column } from '../components/table';
import { When } from '../components/time';
import type { ViewerZone } from '../time-zone';
import { ExportButton } from '../exports/export-button';
import { GettingStarted } from './getting-started';
import { addTerm, PAGE_SIZE, qualifiedTerm, stillTyping, viewerQueryString, withFilter, type ViewerParams } from './viewer-params';

export interface ViewerData {
  projectId: string;
  /** Where this viewer lives: every link, form and fragment URL starts here (viewer-scope.ts). */
  base: string;
  /** The customer-facing viewer's one organization: no organization picker, column or filter links. */
  fixedOrganization: string | null;
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
  /** The zone times are shown and From/To are read in. */
  zone: ViewerZone;
  /** What a malformed qualifier or date expected (`after:banana`), shown above the results. */
  hints: string[];
  csrf: string;
  /** Where the Export button posts (the team's project exports, or the customer viewer's). */
  exportAction: string;
  /** This view's own URL (for forms that come back to it). */
  selfHref: string;
}

/** Filters beside the search box: the words "with the filters set" appear only when one is. */
export function filtersSet(p: ViewerParams): boolean {
  return p.range !== '' || p.from !== '' || p.to !== '' || p.action !== '' || p.actor !== '' || p.target !== '' || p.org !== '';
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

/** Columns people can hide (the View menu; app.js remembers the choice in the browser). */
export const OPTIONAL_COLUMNS = [
  { id: 'target', label: 'Target' },
  { id: 'org', label: 'Organization' },
  { id: 'location', label: 'Location' },
] as const;

const EVENT_COLUMNS: Column[] = [
  { label: 'Time', class: 'col-time' },
  { label: 'Actor', class: 'col-actor' },
  { label: 'Action', class: 'col-action' },
  { label: 'Target', class: 'col-target' },
  { label: 'Organization', class: 'wide col-org' },
  { label: 'Location', class: 'wide col-location' },
];

/** The one line a screen reader hears after each search (not the whole table). */
export function summaryLine(d: ViewerData): string {
  if (d.events.length === 0) return d.projectEmpty ? 'This project has no events yet.' : 'No events match.';
  const n = `${d.events.length}${d.next ? '+' : ''} event${d.events.length === 1 && !d.next ? '' : 's'}`;
  return d.params.q && !stillTyping(d.params.q) ? `${n} matching ${d.params.q}.` : `${n}.`;
}

/** The summary line, sent beside a live-search fragment into the page's aria-live region (an htmx 4 partial). */
export function LiveSummary({ text }: { text: string }) {
  return h('hx-partial', { 'hx-target': '#live-summary', 'hx-swap': 'innerHTML' }, text);
}

/**
 * While the newest-first list is on screen, one cheap request every few seconds asks how many
 * events arrived above its top row; the notice links to the fresh list.
 */
export function LiveTail(props: { base: string; params: ViewerParams; since: string; count: number }) {
  const base = props.base;
  const qs = viewerQueryString(props.params, { after: '' });
  const poll = `${base}/newer${qs ? `${qs}&` : '?'}since=${encodeURIComponent(props.since)}`;
  return (
    <div id="live-tail" hx-get={poll} hx-trigger="every 5s" hx-swap="outerHTML" data-testid="live-tail">
      {props.count > 0 ? (
        <a class="callout new-events" href={`${base}${viewerQueryString({ ...props.params, after: '' })}`} data-testid="new-events">
          {props.count >= 100 ? '100+ new events' : `${props.count} new event${props.count === 1 ? '' : 's'}`} · show
        </a>
      ) : null}
    </div>
  );
}

export function Results(d: ViewerData) {
  const filtered = filtersSet(d.params);
  if (d.events.length === 0) {
    if (d.projectEmpty) return d.fixedOrganization === null ? <GettingStarted origin={d.origin} /> : <Empty title="No events yet"><p>This audit log has no events yet.</p></Empty>;
    return (
      <>
      <Hints hints={d.hints} />
      <Empty title="No events match">
        <p>
          Nothing matches {d.params.q ? <>“<strong>{d.params.q}</strong>”</> : 'these filters'}
          {filtered ? ' with the filters set.' : '.'} Try fewer words, a wider time range, or{' '}
          <a href={d.base}>{filtered ? 'clear the filters' : 'start over'}</a>.
        </p>
      </Empty>
      </>
    );
  }
  return (
    <>
      <Hints hints={d.hints} />
      <div class="result-bar">
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
      <ExportButton action={d.exportAction} params={d.params} csrf={d.csrf} fixedOrganization={d.fixedOrganization !== null} />
      </div>
      <div
        id="timeline"
        class="timeline-slot"
        hx-get={`${d.base}/timeline${viewerQueryString({ ...d.params, after: '' })}`}
        hx-trigger="load"
        hx-swap="innerHTML"
      ></div>
      {d.params.sort !== 'relevance' && d.params.after === '' ? <LiveTail base={d.base} params={d.params} since={d.events[0].id} count={0} /> : null}
      <Table class="events" testId="events-table" columns={d.fixedOrganization === null ? EVENT_COLUMNS : EVENT_COLUMNS.filter((col) => col.label !== 'Organization')}>
        <Rows {...d} />
      </Table>
    </>
  );
}

/** Table rows plus, when there are more, the row that loads the next page in place (or the end of the list). */
export function Rows(d: ViewerData) {
  const base = d.base;
  const only = (add: Partial<ViewerParams>) => withFilter(base, d.params, add);
  return (
    <>
      {d.events.map((e) => {
        const target = e.targets[0];
        const href = `${base}/${e.id}`;
        const actorName = e.actor.name ?? e.actor.id;
        return (
          <tr data-event-id={e.id}>
            <td class="time col-time">
              <a class="row-link" href={href}>
                <When ms={e.occurredAt} now={d.now} />
              </a>
            </td>
            <td class="actor col-actor">
              <a class="filter name" href={only({ actor: e.actor.id })} title={`Only events by ${actorName} (${e.actor.id})`} data-filter="actor">
                {actorName}
              </a>
              {e.actor.email && e.actor.email !== e.actor.name ? (
                <span class="email" title={e.actor.email}>
                  {e.actor.email}
                </span>
              ) : null}
            </td>
            <td class="col-action">
              <a class="filter" href={only({ action: e.action })} title={`Only ${e.action} events`} data-filter="action">
                <code class="action">{e.action}</code>
              </a>
            </td>
            <td class="target col-target">
              {target ? (
                <>
                  <a class="filter name" href={only({ target: target.id })} title={`Only events with target ${target.name ?? target.id} (${target.id})`} data-filter="target">
                    {target.name ?? target.id}
                  </a>
                  {target.type ? <span class="type">{target.type}</span> : null}
                  {e.targets.length > 1 ? <span class="more">+{e.targets.length - 1}</span> : null}
                </>
              ) : (
                '—'
              )}
            </td>
            {d.fixedOrganization === null ? (
              <td class="wide mono col-org">
                {d.organizationNames?.has(e.organizationId) ? <span class="org-name">{d.organizationNames.get(e.organizationId)} </span> : null}
                <a class="filter" href={only({ org: e.organizationId })} title={`Only events of ${e.organizationId}`} data-filter="org">
                  {e.organizationId}
                </a>
              </td>
            ) : null}
            <td class="wide mono col-location">
              {e.context.location ? (
                <a
                  class="filter"
                  href={only({ q: addTerm(d.params.q, qualifiedTerm('ip', e.context.location)) })}
                  title={`Only events from ${e.context.location}`}
                  data-filter="ip"
                >
                  {e.context.location}
                </a>
              ) : null}
            </td>
          </tr>
        );
      })}
      {d.next ? (
        <tr class="load-more">
          <td colSpan={d.fixedOrganization === null ? 6 : 5}>
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
      ) : d.events.length > 0 ? (
        <tr class="end-of-list">
          <td colSpan={d.fixedOrganization === null ? 6 : 5} class="muted small" data-testid="end-of-list">
            End of the list: no more events {filtersSet(d.params) || d.params.q ? 'match' : d.fixedOrganization === null ? 'in this project' : 'in this audit log'}.
          </td>
        </tr>
      ) : null}
    </>
  );
}
