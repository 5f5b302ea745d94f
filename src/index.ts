// Waymark: assembles the Worker. The API (JSON) and the dashboard (HTML) share one
// app, one error type and one error handler that answers in the caller's format.
import { sql } from 'drizzle-orm';
import { database } from './lib/db';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { api } from './api';
import { downloads } from './api/downloads';
import { renderApiError } from './api/wire';
import { dashboard, dashboardError, isDashboardPath } from './dashboard';
import { capFormBody } from './dashboard/form-body';
import { isViewerPath, viewer, viewerError } from './portal/viewer';
import { purgeExpiredPortalRecords } from './portal/link';
import type { AppEnv } from './context';
import { checkEnv, type Env } from './env';
import { purgeExpiredIdempotencyKeys } from './events/claims';
import { pruneFailures } from './usage/store';
import { AppError } from './lib/errors';
import { newId } from './lib/ids';
import { ensureBootstrap } from './projects/bootstrap';
import { backfillSearchIndex } from './events/search/backfill';
import { purgeExpiredEvents } from './organizations/expiry';
import { continueProjectDeletions } from './projects/delete';
import { consumeExportJobs, type ExportJob } from './exports/queue';
import { sweepExports } from './exports/expiry';
import { backfillLayout } from './events/layout-backfill';
import { compactSearchIndex } from './events/search/merge';
import { splitVocabularyStems } from './events/search/stem-split';

const app = new Hono<AppEnv>();

// Security headers on every Worker response (static files get theirs from public/_headers):
// Hono's defaults, with our own scripts and styles only, no framing, and same-origin referrers.
const teamHeaders = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      baseUri: ["'none'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
});
// The customer-facing viewer sets its own (its CSP names the origins allowed to frame it).
app.use((c, next) => (isViewerPath(new URL(c.req.url).pathname) ? next() : teamHeaders(c, next)));

app.use(async (c, next) => {
  const requestId = newId('request');
  c.set('requestId', requestId);
  c.set('now', Date.now);
  c.header('X-Request-ID', requestId);
  checkEnv(c.env);
  c.set('db', database(c.env.DB));
  // Creating Default and Demo needs KV; while KV is down, requests with known keys still
  // run and the bootstrap is tried again by the next request.
  await ensureBootstrap(c.env, Date.now()).catch((err) => console.error(`[${requestId}] bootstrap failed`, err));
  await next();
});

// Liveness (touches no storage) and readiness (one `SELECT 1` on D1): for load balancers,
// the local set-up, and the benchmark's floor.
app.get('/livez', (c) => {
  // Local runs name their server, so a start-up check never mistakes another one for it.
  if (c.env.WAYMARK_INSTANCE) c.header('Waymark-Instance', c.env.WAYMARK_INSTANCE);
  return c.json({ ok: true });
});
app.get('/healthz', async (c) => {
  await c.var.db.run(sql`SELECT 1`);
  return c.json({ ok: true });
});
// Dashboard and viewer forms are capped (64 KB) before any handler reads them; the API caps its own JSON bodies.
app.use('*', capFormBody((path) => isDashboardPath(path) || isViewerPath(path)));
app.route('/', api);
app.route('/', downloads);
app.route('/', dashboard);
app.route('/viewer', viewer);

app.notFound((c) => {
  const path = new URL(c.req.url).pathname;
  const err = new AppError('not_found', `Not found: ${c.req.method} ${path}`);
  if (isViewerPath(path)) return viewerError(c, err);
  if (isDashboardPath(path)) return dashboardError(c, err);
  const answer = renderApiError(err, c.get('wire'));
  return c.json(answer.body, answer.status as 404);
});

app.onError((err, c) => {
  const requestId = c.get('requestId') ?? 'unknown';
  c.header('X-Request-ID', requestId);
  const path = new URL(c.req.url).pathname;
  const html = isDashboardPath(path);
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
    if (isViewerPath(path)) return viewerError(c, err);
    if (html) return dashboardError(c, err);
    const answer = renderApiError(err, c.get('wire'));
    return c.json(answer.body, answer.status as 400);
  }
  console.error(`[${requestId}] unhandled error`, err);
  const body = new AppError('internal_error', `Internal error. Quote request id ${requestId} when reporting it.`);
  if (isViewerPath(path)) return viewerError(c, body);
  return html ? dashboardError(c, body) : c.json(renderApiError(body, c.get('wire')).body, 500);
});

// The per-project write coordinator is a class of this same Worker (binding COMMITTER).
export { Committer } from './events/committer';

export default {
  fetch: app.fetch,
  /** Export jobs (src/exports/queue.ts). */
  async queue(batch: MessageBatch<ExportJob>, env: Env) {
    await consumeExportJobs(batch, env);
  },
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const db = database(env.DB);
    ctx.waitUntil(
      Promise.all([
        purgeExpiredIdempotencyKeys(db, Date.now()),
        pruneFailures(db, Date.now()),
        // The retention purge waits for the search backfill's run: it skips while the old index is still read.
        backfillSearchIndex(db, Date.now()).then(() => purgeExpiredEvents(db, env.KV, Date.now())),
        backfillLayout(db),
        compactSearchIndex(db),
        splitVocabularyStems(db),
        purgeExpiredPortalRecords(db, Date.now()),
        continueProjectDeletions(db, Date.now()),
        sweepExports(db, env.EXPORTS, Date.now()),
      ]),
    );
  },
} satisfies ExportedHandler<Env, ExportJob>;

