// The legacy Audit Trail wire shape (POST /events, GET /events): its body and query
// schemas, its 422 error shape, and conversion to and from the internal event.
import { z } from 'zod';
import {
  ACTION_PATTERN,
  MAX_ACTION,
  MAX_ID,
  MAX_LOCATION,
  MAX_NAME,
} from '../../events/limits';
import { deriveActorEmail, type ActionType, type AuditEvent } from '../../events/model';
import { metadata, occurredAt, pathString, text, tooFarAhead, validate } from '../../events/validate';
import { actionId } from '../../events/action-id';
import { list, listQuery, paging, time } from '../query';
import type { ParsedEvent, WireShape } from './shape';

const ACTION_TYPES = 'action_type must be one of C, R, U, D';

/** Built once: constructing zod schemas is costly, and ingest validates thousands of events. */
export const legacyEventSchema = z.strictObject({
    group: text('group', MAX_ID),
    location: text('location', MAX_LOCATION),
    action: text('action', MAX_ACTION).regex(ACTION_PATTERN, {
      error: 'action must look like category.name (letters, digits, _ - :) with no spaces',
    }),
    action_type: z
      .string({ error: ACTION_TYPES })
      .regex(/^[CRUDcrud]$/, { error: ACTION_TYPES })
      .transform((v) => v.toLowerCase() as ActionType),
    actor_name: text('actor_name', MAX_NAME),
    actor_id: text('actor_id', MAX_ID),
    target_name: text('target_name', MAX_NAME),
    target_id: text('target_id', MAX_ID, true),
    occurred_at: occurredAt('occurred_at'),
    metadata: metadata('metadata').optional(),
  });

/** GET /events: WorkOS's filters (each takes many values), a time window, search and paging. */
export const legacyListQuery = listQuery(
  {
    group: list('group'),
    action: list('action'),
    action_type: list('action_type').transform((v, ctx) => {
      const types = v?.map((t) => t.toLowerCase());
      if (types?.some((t) => !/^[crud]$/.test(t))) {
        ctx.addIssue({ code: 'custom', message: ACTION_TYPES });
        return z.NEVER;
      }
      return types as ActionType[] | undefined;
    }),
    actor_name: list('actor_name'),
    actor_id: list('actor_id'),
    target_name: list('target_name'),
    target_id: list('target_id'),
    occurred_at: time('occurred_at'),
    occurred_at_gt: time('occurred_at_gt'),
    occurred_at_gte: time('occurred_at_gte'),
    occurred_at_lt: time('occurred_at_lt'),
    occurred_at_lte: time('occurred_at_lte'),
    ...paging(),
  },
  (q) => ({
    organizationIds: q.group,
    actions: q.action,
    actionTypes: q.action_type,
    actorNames: q.actor_name,
    actorIds: q.actor_id,
    targetNames: q.target_name,
    targetIds: q.target_id,
    occurredAt: { eq: q.occurred_at, gt: q.occurred_at_gt, gte: q.occurred_at_gte, lt: q.occurred_at_lt, lte: q.occurred_at_lte },
  }),
);

/** Validates one legacy event body and converts it to the internal model. */
export function parseLegacyEvent(body: unknown, raw: string, now: () => number): ParsedEvent {
  const result = validate(legacyEventSchema, body);
  if (!result.ok) return result;
  const v = result.value;
  const future = tooFarAhead(['occurred_at'], v.occurred_at, now());
  if (future.length > 0) return { ok: false, problems: future };
  const actor = { id: v.actor_id, type: null, name: v.actor_name, metadata: {} };
  return {
    ok: true,
    event: {
      organizationId: v.group,
      action: v.action,
      actionType: v.action_type,
      version: null,
      occurredAt: v.occurred_at,
      actor: { ...actor, email: deriveActorEmail(actor) },
      targets: [{ id: v.target_id, type: null, name: v.target_name, metadata: {} }],
      context: { location: v.location, userAgent: null },
      metadata: v.metadata ?? {},
      source: 'legacy',
      raw,
    },
  };
}

/** The legacy list item. `type` and `event_type` both carry the CRUD letter (the Go SDK reads the latter). */
export function toLegacyEvent(e: AuditEvent) {
  const target = e.targets[0];
  return {
    object: 'event',
    id: e.id,
    group: e.organizationId,
    location: e.context.location,
    latitude: null,
    longitude: null,
    type: e.actionType,
    event_type: e.actionType,
    actor_name: e.actor.name ?? e.actor.email ?? e.actor.id,
    actor_id: e.actor.id,
    target_name: target?.name ?? target?.id ?? '',
    target_id: target?.id ?? '',
    metadata: e.metadata,
    occurred_at: new Date(e.occurredAt).toISOString(),
    action: { object: 'event_action', id: actionId(e.projectId, e.action), name: e.action },
  };
}

/** The legacy API on the wire. Its 422 is `{message, code, errors: [{field, code}]}` (SDK 1.x needs `errors`). */
export const legacy: WireShape = {
  name: 'legacy',
  createdStatus: 201,
  dedupeOnContent: false,
  rawPart: (item) => item,
  eventPath: [],
  parseEvent: parseLegacyEvent,
  listQuery: legacyListQuery,
  toEvent: toLegacyEvent,
  renderProblems: (err, problems) => ({
    status: err.status,
    body: {
      message: err.message,
      code: err.code,
      errors: problems.map((p) => ({ field: pathString(p.path), code: p.message })),
    },
  }),
};
