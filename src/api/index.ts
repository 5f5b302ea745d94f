// The JSON API an app calls: both WorkOS generations, behind one API key check.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { requireApiKey } from './auth';
import { auditLogsApi } from './audit-logs';
import { legacyApi } from './legacy';

export const api = new Hono<AppEnv>();

api.use('/events', requireApiKey);
api.use('/events/*', requireApiKey);
api.use('/audit_logs/*', requireApiKey);
api.route('/', legacyApi);
api.route('/audit_logs', auditLogsApi);
