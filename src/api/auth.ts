// API key middleware: `Authorization: Bearer sk_...` resolves to exactly one project,
// and each route asks for the scope it needs (write to send events, read to read them).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import type { KeyScope } from '../projects/keys';
import { WAYMARK_PROJECT_ID } from '../projects/store';
import { keyUnusable, lookupKey, scopesOf } from '../projects/keys-store';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization');
  const match = header ? BEARER.exec(header) : null;
  if (!match) {
    throw new AppError('unauthorized', 'Unauthorized: send your secret key as "Authorization: Bearer sk_...".');
  }
  const record = await lookupKey(c.env.KV, match[1]);
  if (!record) throw new AppError('unauthorized', 'Unauthorized: the API key is invalid.');
  // The dashboard's own trail takes no API traffic, even from a key that somehow names it.
  if (record.project_id === WAYMARK_PROJECT_ID) throw new AppError('forbidden', 'Forbidden: the Waymark project cannot be written or read through the API.');
  const unusable = keyUnusable(record, c.var.now());
  if (unusable) {
    c.set('projectId', record.project_id); // so the project's usage page shows the failing integration
    c.set('apiKeyId', record.id); // and the key's own counter shows it is still in use
    throw new AppError(
      'unauthorized',
      unusable === 'revoked'
        ? 'Unauthorized: the API key has been revoked.'
        : `Unauthorized: the API key expired at ${new Date(record.expires_at!).toISOString()}.`,
    );
  }
  c.set('projectId', record.project_id);
  c.set('apiKeyId', record.id);
  c.set('apiKeyScopes', scopesOf(record));
  await next();
});

/** What a scope is needed for on a route, named from the route's own family so the 403 says what was refused. */
function scopeUse(scope: KeyScope, path: string, method: string): string {
  const verb = scope === 'write' ? 'change' : 'read';
  if (path.startsWith('/organizations')) {
    // Deleting an organization or changing its retention erases history: it needs both scopes.
    if (scope === 'read' && method !== 'GET') return 'delete an organization or change its retention (they need both read and write)';
    return `${verb} organizations`;
  }
  if (path.startsWith('/audit_logs/exports')) return 'export events';
  if (path.startsWith('/audit_logs/actions')) return `${verb} action schemas`;
  if (path.startsWith('/portal')) return 'generate viewer links';
  return scope === 'write' ? 'send events' : 'read events';
}

/** A route's scope: a key without it gets a 403 that names what is missing. */
export const requireScope = (scope: KeyScope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.apiKeyScopes.includes(scope)) {
      throw new AppError(
        'forbidden',
        `Forbidden: this key lacks the ${scope} scope, which is needed to ${scopeUse(scope, c.req.path, c.req.method)}. Its scopes: ${c.var.apiKeyScopes.join(', ')}.`,
      );
    }
    await next();
  });
