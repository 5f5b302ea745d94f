// The events viewer's handlers, shared by the team dashboard (/projects/:pid/events) and
// the customer-facing viewer (/viewer/events). A scope says where the viewer lives (base
// path of links and fragment URLs), which project it reads and, for a customer, the one
// organization it is fixed to: the URL cannot change it (the `org` parameter is ignored,
// cursors must be events of that organization) and no organization picker or column exists.
import type { Context } from 'hono';
import type { VNode } from 'preact';
import type { AppEnv } from '../../context';
import { catalogValues, hasEvents } from '../../events/catalog';
import { listEvents, type EventQuery } from '../../events/list';
import type { AuditEvent } from '../../events/model';
import { parseSearch } from '../../events/search/language';
import { getEvent } from '../../events/store';
import { timeline } from '../../events/timeline';
import { AppError } from '../../lib/errors';
import { EVENT_ID_PATTERN } from '../../lib/ids';
import { sendFragment, wantsFragment } from '../render';
import { viewerZone } from '../time-zone';
import { ActorOptions } from './actor-options';
import { organizationNames } from '../../organizations/store';
import { EventDetail } from './event-detail';
import { EventsPage } from './events-page';
import { LiveSummary, LiveTail, Results, Rows, summaryLine, type ViewerData } from './results';
import { TimelineChart } from './timeline-chart';
import { badRangeInputs, readViewerParams, toEventQuery, viewerQueryString, type ViewerParams } from './viewer-params';

export interface ViewerScope {
  projectId: string;
  base: string;
  organizationId: string | null;
  /** The CSRF token of the session's forms (the team's time switch, Export). */
  csrf: string;
  /** Where the Export button posts. */
  exportAction: string;
  /** The actions offered by the action picker. */
  actions: () => Promise<string[]>;
  /** The organizations offered by the organization picker (the team only). */
  organizations: () => Promise<string[]>;
  /** True when nothing at all is in scope (not just nothing matching). */
  empty: () => Promise<boolean>;
  /** Wraps a whole page (layout, branding). */
  page: (title: string, body: VNode) => Response;
}

const noMatches = (err: unknown) => {
  if (err instanceof AppError && err.status === 422) return { events: [] as AuditEvent[], after: null, before: null };
  throw err;
};

/** The URL's viewer state with the scope's fixed organization (the `org` parameter cannot widen it). */
function scopedParams(scope: ViewerScope, url: URL): ViewerParams {
  const params = readViewerParams(url);
  if (scope.organizationId !== null) params.org = '';
  return params;
}

/** An event query inside the scope. A cursor must be an event the scope can see. */
async function scopedQuery(c: Context<AppEnv>, scope: ViewerScope, params: ViewerParams): Promise<EventQuery> {
  const query = toEventQuery(scope.projectId, params, c.var.now(), viewerZone(c).zone);
  if (scope.organizationId === null) return query;
  if (query.after !== undefined && !(await visibleEvent(c, scope, query.after))) query.after = '-';
  return { ...query, organizationIds: [scope.organizationId] };
}

/** The event with this id when the scope can see it (same project, and the fixed organization if any). */
export async function visibleEvent(c: Context<AppEnv>, scope: ViewerScope, id: string): Promise<AuditEvent | null> {
  const event = await getEvent(c.var.db, scope.projectId, id);
  if (!event || (scope.organizationId !== null && event.organizationId !== scope.organizationId)) return null;
  return event;
}

export async function listPage(c: Context<AppEnv>, scope: ViewerScope): Promise<Response> {
  const url = new URL(c.req.url);
  const params = scopedParams(scope, url);
  const now = c.var.now();
  const zone = viewerZone(c);
  const started = performance.now();
  const query = await scopedQuery(c, scope, params);
  const hints = [
    ...(params.q.trim() ? parseSearch(params.q, now).hints : []),
    ...badRangeInputs(params, zone.zone).map((k) => `${k === 'from' ? 'From' : 'To'}: “${params[k]}” is not a date and time (2026-11-26T10:30); it was left out.`),
  ];
  const fragment = wantsFragment(c);
  const loadMore = fragment && params.after !== '';
  const [pageOf, actions, organizations] = await Promise.all([
    query.after === '-' ? noMatches(new AppError('validation_failed', 'cursor')) : listEvents(c.var.db, query).catch(noMatches),
    fragment ? Promise.resolve([]) : scope.actions(),
    fragment || scope.organizationId !== null ? Promise.resolve([]) : scope.organizations(),
  ]);
  const projectEmpty = pageOf.events.length === 0 && (await scope.empty());
  // Organization names (one query); the customer viewer shows its own organization's name only.
  const organizationNames = await namesFor(c, scope, [...pageOf.events.map((e) => e.organizationId), ...organizations]);
  const selfHref = `${scope.base}${viewerQueryString({ ...params, after: '' })}`;
  const data: ViewerData = {
    projectId: scope.projectId,
    base: scope.base,
    fixedOrganization: scope.organizationId,
    params,
    events: pageOf.events,
    next: pageOf.after,
    actions,
    organizations,
    organizationNames,
    now,
    origin: url.origin,
    projectEmpty,
    tookMs: Math.max(1, Math.round(performance.now() - started)),
    zone,
    hints,
    csrf: scope.csrf,
    exportAction: scope.exportAction,
    selfHref,
  };
  if (loadMore) return sendFragment(c, <Rows {...data} />);
  if (fragment) {
    // Keep the address bar clean and shareable: only the filters that are set.
    c.header('HX-Replace-Url', selfHref);
    return sendFragment(
      c,
      <>
        <Results {...data} />
        <LiveSummary text={summaryLine(data)} />
      </>,
    );
  }
  return scope.page('Events', <EventsPage {...data} />);
}

/**
 * Actor suggestions for the actor filter: the distinct actors among the newest 100 events whose
 * actor id, name or email starts with what was typed (the search index's actor columns, one
 * bounded page; never a scan). Answers `<option>`s for the filter's datalist.
 */
export async function actorSuggestions(c: Context<AppEnv>, scope: ViewerScope): Promise<Response> {
  const prefix = (c.req.query('prefix') ?? '').trim().slice(0, 128);
  if ([...prefix].length < 2 || !/[\p{L}\p{N}]/u.test(prefix)) return sendFragment(c, <ActorOptions actors={[]} />);
  const search = `actor:${prefix.replace(/[\s"]+/g, ' ').trim().split(' ').join(' actor:')}`;
  const organizationIds = scope.organizationId === null ? undefined : [scope.organizationId];
  const page = await listEvents(c.var.db, { projectId: scope.projectId, organizationIds, search, order: 'desc', limit: 100, now: c.var.now() }).catch(noMatches);
  const seen = new Map<string, { id: string; name: string | null; email: string | null }>();
  for (const e of page.events) {
    if (seen.size >= 10) break;
    if (!seen.has(e.actor.id)) seen.set(e.actor.id, { id: e.actor.id, name: e.actor.name, email: e.actor.email });
  }
  return sendFragment(c, <ActorOptions actors={[...seen.values()]} />);
}

/** The timeline histogram for the viewer's current search and filters (loaded after the results). */
export async function timelineFragment(c: Context<AppEnv>, scope: ViewerScope): Promise<Response> {
  const params = scopedParams(scope, new URL(c.req.url));
  const query = await scopedQuery(c, scope, params);
  const t = await timeline(c.var.db, query).catch((err) => {
    if (err instanceof AppError && err.status === 422) return null;
    throw err;
  });
  if (!t || t.total === 0) return sendFragment(c, <></>);
  return sendFragment(c, <TimelineChart t={t} base={scope.base} params={params} />);
}

/** The live tail: how many events (up to 100) arrived above the list's top row, as the notice fragment. */
export async function newerFragment(c: Context<AppEnv>, scope: ViewerScope): Promise<Response> {
  const url = new URL(c.req.url);
  const params = scopedParams(scope, url);
  const since = url.searchParams.get('since') ?? '';
  if (!EVENT_ID_PATTERN.test(since)) throw new AppError('validation_failed', 'since must be an event id.');
  if (scope.organizationId !== null && !(await visibleEvent(c, scope, since))) throw new AppError('validation_failed', 'since must be an event of this audit log.');
  const query = { ...(await scopedQuery(c, scope, params)), order: 'desc' as const, after: undefined, before: since, limit: 100 };
  const newer = await listEvents(c.var.db, query).catch(noMatches);
  return sendFragment(c, <LiveTail base={scope.base} params={params} since={since} count={newer.events.length} />);
}

/** Organization names for ids shown in a scope (a customer's viewer sees only its own organization). */
function namesFor(c: Context<AppEnv>, scope: ViewerScope, ids: string[]): Promise<Map<string, string>> {
  const allowed = scope.organizationId === null ? ids : ids.filter((id) => id === scope.organizationId);
  return organizationNames(c.var.db, scope.projectId, [...new Set(allowed)]);
}

/** One event by its own URL (a page, or the side panel's fragment); `onShow` runs before it is shown (audited reads). */
export async function detailPage(c: Context<AppEnv>, scope: ViewerScope, onShow?: (event: AuditEvent) => Promise<void>): Promise<Response> {
  const event = await visibleEvent(c, scope, c.req.param('eid') ?? '');
  if (!event) throw new AppError('not_found', scope.organizationId === null ? 'No event with that id in this project.' : 'No event with that id in this audit log.');
  if (onShow) await onShow(event);
  const referer = c.req.header('referer');
  // Back to the list the person came from (with its filters), when they came from it.
  const from = referer ? URL.parse(referer, c.req.url) : null;
  const back = from && from.origin === new URL(c.req.url).origin && from.pathname === scope.base ? from.pathname + from.search : scope.base;
  const fixed = scope.organizationId !== null;
  const name = (await namesFor(c, scope, [event.organizationId])).get(event.organizationId);
  if (wantsFragment(c)) return sendFragment(c, <EventDetail event={event} now={c.var.now()} backHref={back} panel fixedOrganization={fixed} organizationName={name} />);
  return scope.page(event.action, <EventDetail event={event} now={c.var.now()} backHref={back} fixedOrganization={fixed} organizationName={name} />);
}

/** The team dashboard's scope: one project, every organization. */
export function teamScope(c: Context<AppEnv>, projectId: string, page: ViewerScope['page']): ViewerScope {
  return {
    projectId,
    base: `/projects/${projectId}/events`,
    organizationId: null,
    csrf: c.var.session.csrf,
    exportAction: `/projects/${projectId}/exports`,
    actions: () => catalogValues(c.var.db, projectId, 'action'),
    organizations: () => catalogValues(c.var.db, projectId, 'organization'),
    empty: async () => !(await hasEvents(c.var.db, projectId)),
    page,
  };
}
