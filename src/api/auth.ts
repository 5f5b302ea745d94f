// API key middleware: `Authorization: Bearer sk_...` resolves to exactly one project.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import { lookupKey } from '../projects/store';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const match = header ? BEARER.exec(header) : null;
  if (!match) {
    throw new AppError('unauthorized', 'Unauthorized: send your secret key as "Authorization: Bearer sk_...".');
  }
  const record = await lookupKey(c.env.KV, match[1]);
  if (!record) throw new AppError('unauthorized', 'Unauthorized: the API key is invalid.');
  if (record.revoked_at !== null) {
    c.set('projectId', record.project_id); // so the project's usage page shows the failing integration
    throw new AppError('unauthorized', 'Unauthorized: the API key has been revoked.');
  }
  c.set('projectId', record.project_id);
  c.set('apiKeyId', record.id);
  await next();
});
