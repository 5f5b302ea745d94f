// Events of one project: the viewer (a page, the live results fragment, or the next
// rows) and one event by its own URL. Mounted at /projects/:pid/events.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { catalogValues, hasEvents } from '../../events/catalog';
import { listEvents } from '../../events/list';
import { getEvent } from '../../events/store';
import { AppError } from '../../lib/errors';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { sendFragment, wantsFragment } from '../render';
import { requireRole } from '../session/require-session';
import { ActorOptions } from './actor-options';
import { timeline } from '../../events/timeline';
import { EventDetail } from './event-detail';
import { TimelineChart } from './timeline-chart';
import { EventsPage } from './events-page';
import { EVENT_ID_PATTERN } from '../../lib/ids';
import { LiveSummary, LiveTail, Results, Rows, summaryLine, type ViewerData } from './results';
import { parseSearch } from '../../events/search/language';
import { viewerZone } from '../time-zone';
import { badRangeInputs, readViewerParams, toEventQuery, viewerQueryString } from './viewer-params';

export const events = new Hono<AppEnv>();

events.get('/', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const url = new URL(c.req.url);
  const params = readViewerParams(url);
  const now = c.var.now();
  const zone = viewerZone(c);
  const started = performance.now();
  const query = toEventQuery(ctx.project.id, params, now, zone.zone);
  const hints = [
    ...(params.q.trim() ? parseSearch(params.q, now).hints : []),
    ...badRangeInputs(params, zone.zone).map((k) => `${k === 'from' ? 'From' : 'To'}: “${params[k]}” is not a date and time (2026-11-26T10:30); it was left out.`),
  ];
  const fragment = wantsFragment(c);
  const loadMore = fragment && params.after !== '';
  const [pageOf, actions, organizations] = await Promise.all([
    listEvents(c.var.db, query).catch((err) => {
      if (err instanceof AppError && err.status === 422) return { events: [], after: null, before: null };
      throw err;
    }),
    fragment ? Promise.resolve([]) : catalogValues(c.var.db, ctx.project.id, 'action'),
    fragment ? Promise.resolve([]) : catalogValues(c.var.db, ctx.project.id, 'organization'),
  ]);
  const projectEmpty = pageOf.events.length === 0 && !(await hasEvents(c.var.db, ctx.project.id));
  const data: ViewerData = {
    projectId: ctx.project.id,
    params,
    events: pageOf.events,
    next: pageOf.after,
    actions,
    organizations,
    now,
    origin: url.origin,
    projectEmpty,
    tookMs: Math.max(1, Math.round(performance.now() - started)),
    zone,
    hints,
    csrf: c.var.session.csrf,
    selfHref: `/projects/${ctx.project.id}/events${viewerQueryString({ ...params, after: '' })}`,
  };
  if (loadMore) return sendFragment(c, <Rows {...data} />);
  if (fragment) {
    // Keep the address bar clean and shareable: only the filters that are set.
    c.header('HX-Replace-Url', `/projects/${ctx.project.id}/events${viewerQueryString({ ...params, after: '' })}`);
    return sendFragment(
      c,
      <>
        <Results {...data} />
        <LiveSummary text={summaryLine(data)} />
      </>,
    );
  }
  return sendSectionPage(c, ctx, 'events', 'Events', <EventsPage {...data} />);
});

/**
 * Actor suggestions for the actor filter: the distinct actors among the newest 100 events whose
 * actor id, name or email starts with what was typed (the search index's actor columns, one
 * bounded page; never a scan). Answers `<option>`s for the filter's datalist.
 */
events.get('/actors', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const prefix = (c.req.query('prefix') ?? '').trim().slice(0, 128);
  if ([...prefix].length < 2 || !/[\p{L}\p{N}]/u.test(prefix)) return sendFragment(c, <ActorOptions actors={[]} />);
  const page = await listEvents(c.var.db, { projectId: ctx.project.id, search: `actor:${prefix.replace(/[\s"]+/g, ' ').trim().split(' ').join(' actor:')}`, order: 'desc', limit: 100, now: c.var.now() }).catch(
    (err) => {
      if (err instanceof AppError && err.status === 422) return { events: [] };
      throw err;
    },
  );
  const seen = new Map<string, { id: string; name: string | null; email: string | null }>();
  for (const e of page.events) {
    if (seen.size >= 10) break;
    if (!seen.has(e.actor.id)) seen.set(e.actor.id, { id: e.actor.id, name: e.actor.name, email: e.actor.email });
  }
  return sendFragment(c, <ActorOptions actors={[...seen.values()]} />);
});

/** The timeline histogram for the viewer's current search and filters (loaded after the results). */
events.get('/timeline', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const params = readViewerParams(new URL(c.req.url));
  const query = toEventQuery(ctx.project.id, params, c.var.now(), viewerZone(c).zone);
  const t = await timeline(c.var.db, query).catch((err) => {
    if (err instanceof AppError && err.status === 422) return null;
    throw err;
  });
  if (!t || t.total === 0) return sendFragment(c, <></>);
  return sendFragment(c, <TimelineChart t={t} base={`/projects/${ctx.project.id}/events`} params={params} />);
});

/** The live tail: how many events (up to 100) arrived above the list's top row, as the notice fragment. */
events.get('/newer', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const url = new URL(c.req.url);
  const params = readViewerParams(url);
  const since = url.searchParams.get('since') ?? '';
  if (!EVENT_ID_PATTERN.test(since)) throw new AppError('validation_failed', 'since must be an event id.');
  const now = c.var.now();
  const query = { ...toEventQuery(ctx.project.id, params, now, viewerZone(c).zone), order: 'desc' as const, after: undefined, before: since, limit: 100 };
  const newer = await listEvents(c.var.db, query).catch((err) => {
    if (err instanceof AppError && err.status === 422) return { events: [] };
    throw err;
  });
  return sendFragment(c, <LiveTail projectId={ctx.project.id} params={params} since={since} count={newer.events.length} />);
});

events.get('/:eid', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const event = await getEvent(c.var.db, ctx.project.id, c.req.param('eid'));
  if (!event) throw new AppError('not_found', 'No event with that id in this project.');
  const referer = c.req.header('referer');
  const list = `/projects/${ctx.project.id}/events`;
  // Back to the list the person came from (with its filters), when they came from it.
  const from = referer ? URL.parse(referer, c.req.url) : null;
  const back = from && from.origin === new URL(c.req.url).origin && from.pathname === list ? from.pathname + from.search : list;
  if (wantsFragment(c)) return sendFragment(c, <EventDetail event={event} now={c.var.now()} backHref={back} panel />);
  return sendSectionPage(c, ctx, 'events', event.action, <EventDetail event={event} now={c.var.now()} backHref={back} />);
});
