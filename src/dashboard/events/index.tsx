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
import { EventDetail } from './event-detail';
import { EventsPage } from './events-page';
import { Results, Rows, type ViewerData } from './results';
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
    return sendFragment(c, <Results {...data} />);
  }
  return sendSectionPage(c, ctx, 'events', 'Events', <EventsPage {...data} />);
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
  return sendSectionPage(c, ctx, 'events', event.action, <EventDetail event={event} now={c.var.now()} backHref={back} />);
});
