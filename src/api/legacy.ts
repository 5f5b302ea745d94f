// The legacy Audit Trail API: POST /events, POST /events/batch, GET /events, GET /events/:id.
import { Hono } from 'hono';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import { MAX_BATCH_BODY_BYTES, MAX_SINGLE_BODY_BYTES } from '../events/limits';
import type { ActionType } from '../events/model';
import { listEvents } from '../events/list';
import { getEvent } from '../events/store';
import { readJsonBody } from './body';
import { batchItems, ingest, parseBatch } from './ingest';
import { QueryParams } from './query';
import { legacyValidationError, parseLegacyEvent, toLegacyEvent } from './wire/legacy';

export const legacyApi = new Hono<AppEnv>();

legacyApi.post('/events', async (c) => {
  const body = await readJsonBody(c.req.raw, MAX_SINGLE_BODY_BYTES);
  const parsed = parseLegacyEvent(body.value, body.text, c.var.now);
  if (!parsed.ok) throw legacyValidationError(parsed.problems);
  return ingest(c, {
    events: [parsed.event],
    canonicalBody: JSON.stringify(body.value),
    rule: { scope: 'legacy', content: false },
    respond: ([id]) => ({ status: 201, body: { success: true, id } }),
  });
});

/** Waymark's batch ingest: `{"events": [<legacy event>, ...]}`, 1 to 1,000 events, all or nothing. */
legacyApi.post('/events/batch', async (c) => {
  const body = await readJsonBody(c.req.raw, MAX_BATCH_BODY_BYTES);
  const items = batchItems(body.value, (problems) => legacyValidationError(problems));
  const { events, problems } = parseBatch(items, (item) => parseLegacyEvent(item, JSON.stringify(item), c.var.now));
  if (problems.length > 0) throw legacyValidationError(problems);
  return ingest(c, {
    events,
    canonicalBody: JSON.stringify(body.value),
    rule: { scope: 'legacy-batch', content: false },
    respond: (ids) => ({ status: 201, body: { success: true, ids } }),
  });
});

const LEGACY_LIST_PARAMS = [
  'group', 'action', 'action_type', 'actor_name', 'actor_id', 'target_name', 'target_id',
  'occurred_at', 'occurred_at_gt', 'occurred_at_gte', 'occurred_at_lt', 'occurred_at_lte',
  'search', 'limit', 'before', 'after', 'order',
] as const;

legacyApi.get('/events', async (c) => {
  const q = new QueryParams(new URL(c.req.url));
  q.rejectUnknown(LEGACY_LIST_PARAMS);
  const actionTypes = q.list('action_type')?.map((t) => t.toLowerCase());
  if (actionTypes?.some((t) => !/^[crud]$/.test(t))) {
    q.problems.push({ field: 'action_type', code: 'action_type must be one of C, R, U, D' });
  }
  const query = {
    projectId: c.var.projectId,
    organizationIds: q.list('group'),
    actions: q.list('action'),
    actionTypes: actionTypes as ActionType[] | undefined,
    actorNames: q.list('actor_name'),
    actorIds: q.list('actor_id'),
    targetNames: q.list('target_name'),
    targetIds: q.list('target_id'),
    occurredAt: {
      eq: q.time('occurred_at'),
      gt: q.time('occurred_at_gt'),
      gte: q.time('occurred_at_gte'),
      lt: q.time('occurred_at_lt'),
      lte: q.time('occurred_at_lte'),
    },
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
  return c.json({
    object: 'list',
    data: page.events.map(toLegacyEvent),
    list_metadata: metadata,
    listMetadata: metadata,
  });
});

legacyApi.get('/events/:id', async (c) => {
  const event = await getEvent(c.var.db, c.var.projectId, c.req.param('id'));
  if (!event) throw new AppError('not_found', 'No event with that id in this project.');
  return c.json(toLegacyEvent(event));
});
