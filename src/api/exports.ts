// Audit log exports in the Audit Logs API, as WorkOS shapes them:
//   POST /audit_logs/exports       start one (state `pending`), built in the background
//   GET  /audit_logs/exports/:id   its state; once `ready`, a fresh signed `url` (10 minutes)
// Beyond WorkOS: any range (no three-month window), `format` csv | ndjson, `search` in Waymark's
// query language. The file itself is served by GET /downloads/exports/:id (src/api/downloads.ts).
import { recordDashboardEvent, requestContext } from '../team/audit';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context';
import { MAX_ID } from '../events/limits';
import { parseIsoDateTime } from '../events/validate';
import { startExport } from '../exports/create';
import { signedPath } from '../exports/link';
import { EXPORT_FORMATS, type AuditExport } from '../exports/model';
import { getExport } from '../exports/store';
import { AppError, type Problem } from '../lib/errors';
import { EXPORT_ID_PATTERN } from '../lib/ids';
import { requireKnownOrganizations } from '../organizations/managed';
import { requireScope } from './auth';
import { readJsonBody } from './body';

const MAX_VALUES = 100;
const strings = (name: string) => z.array(z.string().min(1, `${name} values must not be empty`).max(MAX_ID)).max(MAX_VALUES, `${name} takes at most ${MAX_VALUES} values`).optional();
const isoDate = (name: string) =>
  z.string().refine((v) => parseIsoDateTime(v) !== null, `${name} must be an ISO-8601 date and time, e.g. 2026-11-01T00:00:00Z`);

const ExportBody = z
  .strictObject({
    organization_id: z.string().min(1).max(MAX_ID),
    range_start: isoDate('range_start'),
    range_end: isoDate('range_end'),
    actions: strings('actions'),
    actor_names: strings('actor_names'),
    actor_ids: strings('actor_ids'),
    /** Deprecated by WorkOS: the same as actor_names. */
    actors: strings('actors'),
    /** Target types, as WorkOS defines the filter. */
    targets: strings('targets'),
    format: z.enum(EXPORT_FORMATS, { message: 'format must be csv or ndjson' }).optional(),
    search: z.string().max(256, 'search is at most 256 characters').optional(),
  })
  .refine((b) => parseIsoDateTime(b.range_end)! > parseIsoDateTime(b.range_start)!, { path: ['range_end'], message: 'range_end must be after range_start' });

function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.map((i) => ({
    path: [...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), ...(i.code === 'unrecognized_keys' ? [i.keys[0]] : [])],
    kind: i.code === 'unrecognized_keys' ? 'unknown_field' : i.code === 'invalid_type' && i.input === undefined ? 'required' : 'invalid',
    message: i.code === 'unrecognized_keys' ? `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}` : i.message,
  }));
}

/** The export as WorkOS shapes it, plus Waymark's progress fields. */
async function exportJson(c: Context<AppEnv>, e: AuditExport) {
  const url = e.state === 'ready' ? new URL(await signedPath(c.env, e.projectId, e.id, c.var.now()), c.req.url).toString() : null;
  return {
    object: 'audit_log_export',
    id: e.id,
    state: e.state,
    url,
    created_at: new Date(e.createdAt).toISOString(),
    updated_at: new Date(e.updatedAt).toISOString(),
    format: e.format,
    rows_written: e.rowsWritten,
    error: e.error,
  };
}

export function registerExportRoutes(app: Hono<AppEnv>): void {
  app.post('/audit_logs/exports', requireScope('read'), async (c) => {
    const body = await readJsonBody(c.req.raw, 64 * 1024);
    const parsed = ExportBody.safeParse(body.value, { reportInput: true });
    if (!parsed.success) throw new AppError('validation_failed', 'Validation failed.', { problems: problemsOf(parsed.error) });
    const b = parsed.data;
    if (c.var.projectSettings.managedOrganizations) {
      await requireKnownOrganizations(c.var.db, c.var.projectId, [{ organizationId: b.organization_id, path: ['organization_id'] }]);
    }
    const actorNames = [...(b.actor_names ?? []), ...(b.actors ?? [])];
    const e = await startExport(c.var.db, c.env.EXPORT_JOBS, {
      projectId: c.var.projectId,
      organizationId: b.organization_id,
      format: b.format ?? 'csv',
      now: c.var.now(),
      query: {
        organizationIds: [b.organization_id],
        occurredAt: { gte: parseIsoDateTime(b.range_start)!, lte: parseIsoDateTime(b.range_end)! },
        actions: b.actions,
        actorNames: actorNames.length > 0 ? actorNames : undefined,
        actorIds: b.actor_ids,
        targetTypes: b.targets,
        search: b.search,
      },
    });
    await recordDashboardEvent(c.env, {
      action: 'export.created',
      actor: { id: c.var.apiKeyId, name: 'API key', type: 'api_key' },
      targets: [
        { id: e.id, type: 'audit_log_export' },
        { id: c.var.projectId, type: 'project' },
      ],
      context: requestContext(c.req),
      metadata: { organization_id: b.organization_id, format: b.format ?? 'csv' },
      now: c.var.now(),
    });
    return c.json(await exportJson(c, e), 201);
  });

  app.get('/audit_logs/exports/:id', requireScope('read'), async (c) => {
    const id = c.req.param('id');
    const e = EXPORT_ID_PATTERN.test(id) ? await getExport(c.var.db, c.var.projectId, id) : null;
    if (!e) throw new AppError('not_found', 'No audit log export with that id.');
    return c.json(await exportJson(c, e));
  });
}
