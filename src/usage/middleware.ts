// Counts every API request whose key names a project (revoked keys included, so a
// developer sees those 401s too), with the events it wrote, after the response: the
// counts go to the isolate's buffer (buffer.ts), never onto the request's own path.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { AppEnv } from '../context';
import { bufferUsage } from './buffer';
import type { FailureRecord } from './store';

export const trackUsage = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const projectId = c.get('projectId');
  if (!projectId || c.env.USAGE_COUNTING === 'off') return;
  const status = c.res.status;
  const db = c.var.db;
  const at = c.var.now();
  const route = endpointName(c);
  let failure: FailureRecord | null = null;
  if (status >= 400) {
    let code: string | null = null;
    let message: string | null = null;
    try {
      const body = (await c.res.clone().json()) as { code?: string; message?: string; errors?: unknown[] };
      code = body.code ?? null;
      message = body.message ?? null;
      if (Array.isArray(body.errors) && body.errors.length > 0) message = `${message ?? ''} ${JSON.stringify(body.errors.slice(0, 3))}`;
    } catch {
      /* not JSON: keep the status alone */
    }
    const url = new URL(c.req.url);
    failure = { projectId, at, method: c.req.method, path: url.pathname + url.search, status, code, message, requestId: c.var.requestId };
  }
  const flush = bufferUsage(db, { projectId, at, endpoint: route, status, events: c.get('usageEvents') ?? 0, keyId: c.get('apiKeyId') ?? null }, failure);
  if (!flush) return;
  const write = flush.catch((err) => console.error(`[${c.var.requestId}] usage not recorded`, err));
  try {
    c.executionCtx.waitUntil(write);
  } catch {
    await write; // no execution context (plain app.request in tests)
  }
});

/** What every request to a path no route serves is counted under (so usage rows stay few and totals exact). */
export const UNKNOWN_PATH = '(unknown path)';

/**
 * The endpoint a request is counted under: its method and the path pattern of the
 * route that served it (`GET /events/:id`), never the raw path, so the number of
 * usage rows is bounded by the routes that exist.
 */
function endpointName(c: Context<AppEnv>): string {
  const route = matchedRoutes(c).filter((r) => r.method !== 'ALL').at(-1);
  return `${c.req.method} ${route ? route.path : UNKNOWN_PATH}`;
}
