// The Audit Logs API: POST /audit_logs/events as WorkOS defines it, plus what WorkOS
// lacks: batch ingest and a read/query API over the same events.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import { MAX_BATCH_BODY_BYTES, MAX_SINGLE_BODY_BYTES } from '../events/limits';
import { listEvents } from '../events/list';
import { getEvent } from '../events/store';
import type { Problem } from '../events/validate';
import { readJsonBody } from './body';
import { batchItems, ingest, parseBatch } from './ingest';
import { QueryParams } from './query';
import { auditLogValidationError, parseAuditLogEvent, toAuditLogEvent } from './wire/audit-logs';

export const auditLogsApi = new Hono<AppEnv>();

auditLogsApi.post('/events', async (c) => {
  const body = await readJsonBody(c.req.raw, MAX_SINGLE_BODY_BYTES);
  const event = (body.value as { event?: unknown } | null)?.event;
  const parsed = parseAuditLogEvent(body.value, event === undefined ? body.text : JSON.stringify(event), c.var.now);
  if (!parsed.ok) throw auditLogValidationError(parsed.problems);
  return ingest(c, {
    events: [parsed.event],
    canonicalBody: JSON.stringify(body.value),
    rule: { scope: 'audit_logs', content: true },
    respond: ([id]) => ({ status: 200, body: { success: true, id } }),
  });
});

/** `{"events": [{"organization_id": "...", "event": {...}}, ...]}`, 1 to 1,000, all or nothing. */
auditLogsApi.post('/events/batch', async (c) => {
  const body = await readJsonBody(c.req.raw, MAX_BATCH_BODY_BYTES);
  const items = batchItems(body.value, (problems) => auditLogValidationError(problems));
  const { events, problems } = parseBatch(items, (item) =>
    parseAuditLogEvent(item, JSON.stringify((item as { event?: unknown } | null)?.event ?? item), c.var.now),
  );
  if (problems.length > 0) throw auditLogBatchError(problems);
  return ingest(c, {
    events,
    canonicalBody: JSON.stringify(body.value),
    rule: { scope: 'audit_logs-batch', content: false },
    respond: (ids) => ({ status: 200, body: { success: true, ids } }),
  });
});

/** Batch problems keep their position: `events[3].event.actor.id`. */
function auditLogBatchError(problems: Problem[]): AppError {
  return new AppError('validation_failed', 'Validation failed.', {
    errors: problems.map((p) => ({
      code: p.kind === 'invalid' ? 'invalid' : p.kind,
      field: p.path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join(''),
      message: p.message,
    })),
  });
}

const LIST_PARAMS = [
  'organization_id', 'actions', 'actor_ids', 'actor_names', 'actor_types', 'targets', 'target_ids',
  'range_start', 'range_end', 'search', 'limit', 'before', 'after', 'order',
] as const;

auditLogsApi.get('/events', async (c) => {
  const q = new QueryParams(new URL(c.req.url));
  q.rejectUnknown(LIST_PARAMS);
  const query = {
    projectId: c.var.projectId,
    organizationIds: q.list('organization_id'),
    actions: q.list('actions'),
    actorIds: q.list('actor_ids'),
    actorNames: q.list('actor_names'),
    actorTypes: q.list('actor_types'),
    targetTypes: q.list('targets'),
    targetIds: q.list('target_ids'),
    occurredAt: { gte: q.time('range_start'), lt: q.time('range_end') },
    search: q.one('search'),
    now: c.var.now(),
    limit: q.limit(),
    order: q.order(),
    after: q.one('after') || undefined,
    before: q.one('before') || undefined,
  };
  if (query.after && query.before) q.problems.push({ field: 'before', code: 'use either before or after, not both' });
  q.done();
  const page = await listEvents(c.var.db, query);
  const metadata = { before: page.before, after: page.after };
  return c.json({ object: 'list', data: page.events.map(toAuditLogEvent), list_metadata: metadata, listMetadata: metadata });
});

auditLogsApi.get('/events/:id', async (c) => {
  const event = await getEvent(c.var.db, c.var.projectId, c.req.param('id'));
  if (!event) throw new AppError('not_found', 'No event with that id in this project.');
  return c.json(toAuditLogEvent(event));
});
