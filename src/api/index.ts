// The JSON API an app calls: both WorkOS generations, behind one API key check.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireApiKey } from './auth';
import { auditLogsApi } from './audit-logs';
import { legacyApi } from './legacy';
import { trackUsage } from '../usage/middleware';

export const api = new Hono<AppEnv>();

// `/events/*` also matches `/events` itself: one registration per prefix, so each request is counted once.
for (const path of ['/events/*', '/audit_logs/*']) api.use(path, trackUsage, requireApiKey);
api.route('/', legacyApi);
api.route('/audit_logs', auditLogsApi);
