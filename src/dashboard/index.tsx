// The dashboard: sign-in, the project switcher, Events, API Keys and Usage. Thin
// handlers: read the request, call the plain functions, render a page or a fragment.
import { Hono, type Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { isDevelopment } from '../env';
import { constantTimeEqual } from '../lib/crypto';
import { AppError } from '../lib/errors';
import { listEvents } from '../events/list';
import { getEvent } from '../events/store';
import { catalogValues, hasEvents } from '../events/catalog';
import { DEMO_PROJECT, DEFAULT_PROJECT } from '../projects/bootstrap';
import {
  createKey,
  createProject,
  getProject,
  listKeys,
  listProjects,
  lookupKey,
  revokeKey,
  type ApiKeySummary,
  type Project,
} from '../projects/store';
import { recentFailures, usageSince } from '../usage/store';
import { EventDetail } from './event-detail';
import { EventsPage, readViewerParams, Results, Rows, toEventQuery, viewerQueryString, type ViewerData } from './events-page';
import { KeysPage } from './keys-page';
import { Layout, type Section } from './layout';
import { ErrorPage, LoginPage } from './login-page';
import { FAILURE_DELAY_MS, clearFailures, lockedFor, recordFailure } from './login-throttle';
import { sendFragment, sendHtml, wantsFragment } from './render';
import { checkCsrf, endSession, isSecureRequest, readSession, startSession, type Session } from './session';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { UsagePage } from './usage-page';

export const dashboard = new Hono<AppEnv>();

const PROJECT_ID = /^proj_[0-9A-Za-z_]{1,40}$/;

/** Only same-site paths may be a post-sign-in destination. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) && next.length < 2000 ? next : '/';
}

const clientAddress = (c: Context<AppEnv>) => c.req.header('cf-connecting-ip') ?? 'local';

const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const session = await readSession(c);
  if (!session) {
    const url = new URL(c.req.url);
    const login = `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
    if (c.req.header('hx-request') === 'true') {
      c.header('HX-Redirect', login);
      return c.body(null, 401);
    }
    return c.redirect(login, 303);
  }
  c.set('session', session);
  if (c.req.method === 'POST') {
    const form = await c.req.formData().catch(() => null);
    await checkCsrf(c, session, form);
    c.set('form', form);
  }
  await next();
});

const formOf = (c: Context<AppEnv>) => c.get('form');

async function loadProject(c: Context<AppEnv>): Promise<{ project: Project; projects: Project[] }> {
  const id = c.req.param('pid') ?? '';
  const [project, projects] = await Promise.all([PROJECT_ID.test(id) ? getProject(c.env.KV, id) : null, listProjects(c.env.KV)]);
  if (!project) throw new AppError('not_found', 'No such project.');
  return { project, projects: projects.some((p) => p.id === project.id) ? projects : [...projects, project] };
}

function page(c: Context<AppEnv>, ctx: { project: Project; projects: Project[] }, section: Section, title: string, body: preact.VNode, status = 200) {
  return sendHtml(
    c,
    <Layout title={title} project={ctx.project} projects={ctx.projects} section={section} csrf={(c.get('session') as Session).csrf}>
      {body}
    </Layout>,
    status,
  );
}

// ---- sign-in ----

dashboard.get('/login', async (c) => {
  if (await readSession(c)) return c.redirect(safeNext(c.req.query('next')), 303);
  return sendHtml(c, <LoginPage next={safeNext(c.req.query('next'))} />);
});

dashboard.post('/login', async (c) => {
  const form = await c.req.formData().catch(() => null);
  const password = typeof form?.get('password') === 'string' ? (form!.get('password') as string) : '';
  const next = safeNext(form?.get('next'));
  const origin = c.req.header('origin');
  if (origin && origin !== new URL(c.req.url).origin) throw new AppError('forbidden', 'Sign-in from another site was refused.');
  const admin = c.env.ADMIN_PASSWORD;
  if (!admin) throw new AppError('server_misconfigured', 'ADMIN_PASSWORD is not set: the dashboard is disabled.');
  const client = clientAddress(c);
  const wait = await lockedFor(c.var.db, client, c.var.now());
  if (wait > 0) {
    const minutes = Math.ceil(wait / 60_000);
    c.header('Retry-After', String(Math.ceil(wait / 1000)));
    return sendHtml(c, <LoginPage next={next} error={`Too many failed attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`} />, 429);
  }
  if (!(await constantTimeEqual(password, admin))) {
    await recordFailure(c.var.db, client, c.var.now());
    await new Promise((r) => setTimeout(r, FAILURE_DELAY_MS));
    return sendHtml(c, <LoginPage next={next} error="That password is not right." />, 401);
  }
  await clearFailures(c.var.db, client);
  await startSession(c);
  return c.redirect(next, 303);
});

dashboard.post('/logout', requireSession, (c) => {
  endSession(c);
  return c.redirect('/login', 303);
});

// ---- projects ----

dashboard.get('/', requireSession, async (c) => {
  // Land on Default, or on Demo while Default has no events yet.
  const hasDefault = await hasEvents(c.var.db, DEFAULT_PROJECT.id);
  return c.redirect(`/projects/${hasDefault ? DEFAULT_PROJECT.id : DEMO_PROJECT.id}/events`, 303);
});

dashboard.post('/projects', requireSession, async (c) => {
  const project = await createProject(c.env.KV, { name: String(formOf(c)?.get('name') ?? ''), now: c.var.now() });
  return c.redirect(`/projects/${project.id}/keys`, 303);
});

dashboard.get('/projects/:pid', requireSession, (c) => c.redirect(`/projects/${c.req.param('pid')}/events`, 303));

// ---- events ----

dashboard.get('/projects/:pid/events', requireSession, async (c) => {
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
  const projectEmpty =
    pageOf.events.length === 0 && !(await hasEvents(c.var.db, ctx.project.id));
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
  };
  if (loadMore) return sendFragment(c, <Rows {...data} />);
  if (fragment) {
    // Keep the address bar clean and shareable: only the filters that are set.
    c.header('HX-Replace-Url', `/projects/${ctx.project.id}/events${viewerQueryString({ ...params, after: '' })}`);
    return sendFragment(c, <Results {...data} />);
  }
  return page(c, ctx, 'events', 'Events', <EventsPage {...data} />);
});

dashboard.get('/projects/:pid/events/:eid', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const event = await getEvent(c.var.db, ctx.project.id, c.req.param('eid'));
  if (!event) throw new AppError('not_found', 'No event with that id in this project.');
  const referer = c.req.header('referer');
  const list = `/projects/${ctx.project.id}/events`;
  const back = referer && new URL(referer, c.req.url).pathname === list ? new URL(referer).pathname + new URL(referer).search : list;
  return page(c, ctx, 'events', event.action, <EventDetail event={event} now={c.var.now()} backHref={back} />);
});

// ---- keys ----

/** The new plain key rides to the next page in a one-minute, HttpOnly cookie and is shown once. */
const FLASH_COOKIE = 'wm_new_key';

dashboard.get('/projects/:pid/keys', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const keys = await listKeys(c.env.KV, ctx.project.id);
  let created: { plain: string; key: ApiKeySummary } | undefined;
  const flash = getCookie(c, FLASH_COOKIE);
  if (flash) {
    deleteCookie(c, FLASH_COOKIE, { path: `/projects/${ctx.project.id}/keys` });
    const record = await lookupKey(c.env.KV, flash);
    if (record && record.project_id === ctx.project.id) {
      const { hash: _hash, ...key } = record;
      created = { plain: flash, key };
      // A key just written may not be listed yet (KV listings are eventually consistent).
      if (!keys.some((k) => k.id === key.id)) keys.unshift(key);
    }
  }
  const revoked = c.req.query('revoked');
  const revokedKey = revoked ? keys.find((k) => k.id === revoked && k.revoked_at !== null) : undefined;
  return page(
    c,
    ctx,
    'keys',
    'API Keys',
    <KeysPage
      projectId={ctx.project.id}
      projectName={ctx.project.name}
      keys={keys}
      csrf={(c.get('session') as Session).csrf}
      now={c.var.now()}
      created={created}
      revokedNote={revokedKey ? `Key “${revokedKey.name}” (…${revokedKey.last4}) is revoked. Apps still using it get 401 within a minute.` : undefined}
    />,
  );
});

dashboard.post('/projects/:pid/keys', requireSession, async (c) => {
  const { project } = await loadProject(c);
  const live = !isDevelopment(c.env) && project.id !== DEMO_PROJECT.id;
  const { plain } = await createKey(c.env.KV, {
    projectId: project.id,
    mode: live ? 'live' : 'test',
    name: String(formOf(c)?.get('name') ?? ''),
    now: c.var.now(),
  });
  const path = `/projects/${project.id}/keys`;
  setCookie(c, FLASH_COOKIE, plain, { path, httpOnly: true, sameSite: 'Strict', secure: isSecureRequest(c), maxAge: 60 });
  return c.redirect(path, 303);
});

dashboard.post('/projects/:pid/keys/:kid/revoke', requireSession, async (c) => {
  const { project } = await loadProject(c);
  const key = await revokeKey(c.env.KV, { projectId: project.id, keyId: c.req.param('kid'), now: c.var.now() });
  return c.redirect(`/projects/${project.id}/keys?revoked=${encodeURIComponent(key.id)}`, 303);
});

// ---- usage ----

dashboard.get('/projects/:pid/usage', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const now = c.var.now();
  const [days, failures] = await Promise.all([usageSince(c.var.db, ctx.project.id, now), recentFailures(c.var.db, ctx.project.id)]);
  return page(c, ctx, 'usage', 'Usage', <UsagePage days={days} failures={failures} now={now} />);
});

/** Dashboard errors as HTML: a fragment for htmx (swapped in place), a page otherwise. */
export function dashboardError(c: Context<AppEnv>, err: AppError): Response {
  if (wantsFragment(c)) {
    return sendFragment(
      c,
      <div class="callout error" role="alert">
        {err.message}
      </div>,
      err.status,
    );
  }
  return sendHtml(c, <ErrorPage status={err.status} message={err.message} />, err.status);
}

/** Paths the dashboard owns: their errors render as HTML. */
export const isDashboardPath = (path: string) =>
  path === '/' || path === '/login' || path === '/logout' || path === '/projects' || path.startsWith('/projects/');
