// The JSON API an app calls: both WorkOS generations, each speaking its own wire shape,
// behind one API key check.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { trackUsage } from '../usage/middleware';
import { requireApiKey } from './auth';
import { rateLimit } from './rate-limit';
import { registerEventRoutes } from './events';
import { registerExportRoutes } from './exports';
import { registerSchemaRoutes } from './schemas';
import { speaks } from './wire';
import { auditLogs } from './wire/audit-logs';
import { legacy } from './wire/legacy';

export const api = new Hono<AppEnv>();

// `/events/*` also matches `/events` itself: one registration per prefix, so each request is
// counted once. The wire shape is set first, so even a 401 knows which API it answers for.
api.use('/events/*', speaks('legacy'), trackUsage, requireApiKey, rateLimit);
api.use('/audit_logs/*', speaks('audit_logs'), trackUsage, requireApiKey, rateLimit);

/** The legacy Audit Trail API: POST /events, POST /events/batch, GET /events, GET /events/:id. */
registerEventRoutes(api, '/events', legacy);
/** The Audit Logs API as WorkOS defines it, plus what WorkOS lacks: batch ingest and a read API. */
registerEventRoutes(api, '/audit_logs/events', auditLogs);
/** Action schemas: create a version, list versions, list actions. */
registerSchemaRoutes(api);
/** Exports: start one, read its state and a fresh download link. */
registerExportRoutes(api);
