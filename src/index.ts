// Waymark: assembles the Worker. The API (JSON) and the dashboard (HTML) share one
// app, one error type and one error handler that answers in the caller's format.
import { drizzle } from 'drizzle-orm/d1';
import { Hono } from 'hono';
import { api } from './api';
import type { AppEnv } from './context';
import { checkEnv, type Env } from './env';
import { purgeExpiredIdempotencyKeys } from './events/store';
import { AppError } from './lib/errors';
import { newId } from './lib/ids';
import { ensureBootstrap } from './projects/bootstrap';

const app = new Hono<AppEnv>();

app.use(async (c, next) => {
  const requestId = newId('request');
  c.set('requestId', requestId);
  c.set('now', Date.now);
  c.header('X-Request-ID', requestId);
  checkEnv(c.env);
  c.set('db', drizzle(c.env.DB));
  await ensureBootstrap(c.env, Date.now());
  await next();
});

app.get('/healthz', (c) => c.json({ ok: true }));
app.route('/', api);

app.notFound((c) => {
  const err = new AppError('not_found', `Not found: ${c.req.method} ${new URL(c.req.url).pathname}`);
  return c.json(err.toJSON(), 404);
});

app.onError((err, c) => {
  const requestId = c.get('requestId') ?? 'unknown';
  c.header('X-Request-ID', requestId);
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
    return c.json(err.toJSON(), err.status as 400);
  }
  console.error(`[${requestId}] unhandled error`, err);
  const body = new AppError('internal_error', `Internal error. Quote request id ${requestId} when reporting it.`);
  return c.json(body.toJSON(), 500);
});

export default {
  fetch: app.fetch,
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(purgeExpiredIdempotencyKeys(drizzle(env.DB), Date.now()).then(() => undefined));
  },
} satisfies ExportedHandler<Env>;

export { app };
