// Events of one project: the viewer (a page, the live results fragment, or the next
// rows) and one event by its own URL. Mounted at /projects/:pid/events.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { catalogValues, hasEvents } from '../../events/catalog';
import { listEvents } from '../../events/list';
import { getEvent } from '../../events/store';
import { AppError } from '../../lib/errors';
import { organizationNames } from '../../organizations/store';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { sendFragment, wantsFragment } from '../render';
import { requireSession } from '../session/require-session';
import { EventDetail } from './event-detail';
import { EventsPage } from './events-page';
import { Results, Rows, type ViewerData } from './results';
import { readViewerParams, toEventQuery, viewerQueryString } from './viewer-params';

export const events = new Hono<AppEnv>();

events.get('/', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const url = new URL(c.req.url);
  const params = readViewerParams(url);
  const now = c.var.now();
  const started = performance.now();
  const query = toEventQuery(ctx.project.id, params, now);
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
  const names = await organizationNames(c.var.db, ctx.project.id, [...pageOf.events.map((e) => e.organizationId), ...organizations]);
  const data: ViewerData = {
    projectId: ctx.project.id,
    params,
    events: pageOf.events,
    next: pageOf.after,
    actions,
    organizations,
    organizationNames: names,
    now,
    origin: url.origin,
    projectEmpty,
    tookMs: Math.max(1, Math.round(performance.now() - started)),
  };
  if (loadMore) return sendFragment(c, <Rows {...data} />);
  if (fragment) {
    // Keep the address bar clean and shareable: only the filters that are set.
    c.header('HX-Replace-Url', `/projects/${ctx.project.id}/events${viewerQueryString({ ...params, after: '' })}`);
    return sendFragment(c, <Results {...data} />);
  }
  return sendSectionPage(c, ctx, 'events', 'Events', <EventsPage {...data} />);
});

events.get('/:eid', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const event = await getEvent(c.var.db, ctx.project.id, c.req.param('eid'));
  if (!event) throw new AppError('not_found', 'No event with that id in this project.');
  const referer = c.req.header('referer');
  const list = `/projects/${ctx.project.id}/events`;
  // Back to the list the person came from (with its filters), when they came from it.
  const from = referer ? URL.parse(referer, c.req.url) : null;
  const back = from && from.origin === new URL(c.req.url).origin && from.pathname === list ? from.pathname + from.search : list;
  const name = (await organizationNames(c.var.db, ctx.project.id, [event.organizationId])).get(event.organizationId);
  return sendSectionPage(c, ctx, 'events', event.action, <EventDetail event={event} now={c.var.now()} backHref={back} organizationName={name} />);
});
