// The Audit Events Viewer: search and filters (all in the URL), the results table
// with cursor pagination, and the page around them. One component tree serves the
// whole page, the results fragment (live search) and the next rows (load more).
import type { AuditEvent } from '../events/model';
import { looksLikeEmail } from '../events/model';
import type { EventQuery } from '../events/list';
import { parseIsoDateTime } from '../events/validate';
import { Empty, Time } from './render';

export const RANGE_PRESETS = [
  { id: '', label: 'Any time', ms: 0 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
] as const;

export const PAGE_SIZE = 50;

/** The viewer's state, exactly as it appears in the URL. */
export interface ViewerParams {
  q: string;
  range: string;
  from: string;
  to: string;
  action: string;
  actor: string;
  org: string;
  sort: string;
  after: string;
}

export function readViewerParams(url: URL): ViewerParams {
  const get = (k: string) => (url.searchParams.get(k) ?? '').slice(0, 512);
  return { q: get('q'), range: get('range'), from: get('from'), to: get('to'), action: get('action'), actor: get('actor'), org: get('org'), sort: get('sort'), after: get('after') };
}

/** `2026-11-26T10:30` from a datetime-local input, read as UTC. */
function localInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = parseIsoDateTime(value.length === 16 ? `${value}:00Z` : value);
  return ms ?? undefined;
}

export function toEventQuery(projectId: string, p: ViewerParams, now: number): EventQuery {
  const preset = RANGE_PRESETS.find((r) => r.id === p.range);
  const from = localInput(p.from) ?? (preset && preset.ms > 0 ? now - preset.ms : undefined);
  const to = localInput(p.to);
  const actor = p.actor.trim();
  return {
    projectId,
    search: p.q.trim() === '' ? undefined : p.q,
    actions: p.action ? [p.action] : undefined,
    organizationIds: p.org ? [p.org] : undefined,
    actorIds: actor && !looksLikeEmail(actor) ? [actor] : undefined,
    actorEmails: actor && looksLikeEmail(actor) ? [actor] : undefined,
    occurredAt: { gte: from, lt: to },
    order: p.sort === 'relevance' ? 'relevance' : 'desc',
    now,
    limit: PAGE_SIZE,
    after: /^evt_[0-9A-Za-z]{26}$/.test(p.after) ? p.after : undefined,
  };
}

export function viewerQueryString(p: ViewerParams, overrides: Partial<ViewerParams> = {}): string {
  const merged = { ...p, ...overrides };
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `?${s}` : '';
}

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
}

export function EventsPage(d: ViewerData) {
  const base = `/projects/${d.projectId}/events`;
  const p = d.params;
  const custom = p.from !== '' || p.to !== '';
  return (
    <>
      <header class="page-head">
        <h1>Events</h1>
        <p class="sub">Who did what, to what, when and from where.</p>
      </header>
      <form
        id="filters"
        class="filters"
        method="get"
        action={base}
        role="search"
        hx-get={base}
        hx-target="#results"
        hx-swap="innerHTML"
        hx-replace-url="true"
        hx-trigger="input delay:150ms, change, submit"
        hx-sync="this:replace"
        hx-include="this"
      >
        <label class="search">
          <span class="visually-hidden">Search events</span>
          <input
            type="search"
            name="q"
            value={p.q}
            placeholder="Search a name, email, action or event id… (try actor:, action:user.*, after:7d, -word)"
            autoComplete="off"
            spellcheck={false}
            autoFocus
            data-testid="search"
          />
        </label>
        <div class="filter-row">
          <label>
            <span>When</span>
            <select name="range" data-testid="range">
              {RANGE_PRESETS.map((r) => (
                <option value={r.id} selected={r.id === p.range && !custom}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>From (UTC)</span>
            <input type="datetime-local" name="from" value={p.from} data-testid="from" />
          </label>
          <label>
            <span>To (UTC)</span>
            <input type="datetime-local" name="to" value={p.to} data-testid="to" />
          </label>
          <Picker name="action" label="Action" all="All actions" values={d.actions} selected={p.action} />
          <label>
            <span>Actor</span>
            <input name="actor" value={p.actor} placeholder="Actor id or email" autoComplete="off" data-testid="actor" />
          </label>
          <Picker name="org" label="Organization" all="All organizations" values={d.organizations} selected={p.org} />
          <label>
            <span>Sort</span>
            <select name="sort" data-testid="sort">
              <option value="">Newest first</option>
              <option value="relevance" selected={p.sort === 'relevance'}>
                Best match
              </option>
            </select>
          </label>
          <noscript>
            <button type="submit">Apply</button>
          </noscript>
          <a class="clear" href={base}>
            Clear
          </a>
        </div>
      </form>
      <div id="results" aria-live="polite">
        <Results {...d} />
      </div>
    </>
  );
}

/** A filter picker over the values a project has seen (from the catalog). */
function Picker(props: { name: string; label: string; all: string; values: string[]; selected: string }) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name} data-testid={props.name}>
        <option value="">{props.all}</option>
        {props.values.map((v) => (
          <option value={v} selected={v === props.selected}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

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
      <div class="table-wrap">
        <table class="events" data-testid="events-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col" class="wide">Organization</th>
              <th scope="col" class="wide">Location</th>
            </tr>
          </thead>
          <tbody>
            <Rows {...d} />
          </tbody>
        </table>
      </div>
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

function GettingStarted({ origin }: { origin: string }) {
  const curl = `curl -X POST ${origin}/audit_logs/events \\
  -H "Authorization: Bearer $WAYMARK_SECRET_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"organization_id": "org_123", "event": {
        "action": "user.signed_in", "occurred_at": "${new Date().toISOString()}",
        "actor": {"id": "user_1", "type": "user", "name": "Ada Lovelace"},
        "targets": [{"id": "user_1", "type": "user"}],
        "context": {"location": "203.0.113.7"}}}'`;
  const host = new URL(origin);
  const sdk = `import { WorkOS } from '@workos-inc/node';

const workos = new WorkOS(process.env.WAYMARK_SECRET_KEY, {
  apiHostname: '${host.hostname}',${host.port ? `\n  port: ${host.port},` : ''}
  https: ${host.protocol === 'https:'},
});

await workos.auditLogs.createEvent('org_123', {
  action: 'user.signed_in',
  occurredAt: new Date(),
  actor: { id: 'user_1', type: 'user', name: 'Ada Lovelace' },
  targets: [{ id: 'user_1', type: 'user' }],
  context: { location: '203.0.113.7' },
});`;
  return (
    <Empty title="No events yet">
      <p>
        Send this project its first event. Create a secret key under <strong>API Keys</strong>, then:
      </p>
      <h3>With curl</h3>
      <pre class="code">{curl}</pre>
      <h3>With the WorkOS Node SDK</h3>
      <pre class="code">{sdk}</pre>
    </Empty>
  );
}
