// Managed organizations (a project setting, off by default): every Audit Logs event, batch
// and export must name an organization created through the API; an unknown one is a 404,
// as WorkOS answers, naming where in the request it is. Unmanaged projects accept any id.
import type { Db } from '../lib/db';
import { AppError } from '../lib/errors';
import { unknownOrganizations } from './store';

/** Throws a 404 naming each item whose organization this project has not created (one query). */
export async function requireKnownOrganizations(db: Db, projectId: string, items: { organizationId: string; path: (string | number)[] }[]): Promise<void> {
  const unknown = new Set(await unknownOrganizations(db, projectId, items.map((i) => i.organizationId)));
  if (unknown.size === 0) return;
  const missing = items.filter((i) => unknown.has(i.organizationId));
  throw new AppError('not_found', `Organization not found: '${missing[0].organizationId}'. This project's organizations are managed: create it first (POST /organizations).`, {
    problems: missing.map((i) => ({ path: i.path, kind: 'invalid' as const, message: `organization '${i.organizationId}' does not exist in this project` })),
  });
}
