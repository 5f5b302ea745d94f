// The Audit Logs wire shape (POST /audit_logs/events and Waymark's read API under
// /audit_logs/events): its body and query schemas, its 400/422 error shapes, and conversion.
import { z } from 'zod';
import { ERROR_STATUS, type AppError, type Problem } from '../../lib/errors';
import {
  ACTION_PATTERN,
  MAX_ACTION,
  MAX_ID,
  MAX_LOCATION,
  MAX_NAME,
  MAX_TARGETS,
  MAX_TYPE,
  MAX_USER_AGENT,
} from '../../events/limits';
import { deriveActorEmail, type AuditEvent } from '../../events/model';
import { metadata, occurredAt, pathString, text, tooFarAhead, validate } from '../../events/validate';
import { list, listQuery, paging, time } from '../query';
import type { ErrorAnswer, ParsedEvent, WireShape } from './shape';

const optionalText = (field: string, max: number) => text(field, max, true).nullish();

/** Built once: constructing zod schemas is costly, and ingest validates thousands of events. */
export const auditLogEventSchema = (() => {
  /** An actor or a target: the same fields, named after the object in messages. */
  const party = (name: 'actor' | 'target', error: string) =>
    z.strictObject(
      {
        id: text(`${name}.id`, MAX_ID),
        type: text(`${name}.type`, MAX_TYPE),
        name: optionalText(`${name}.name`, MAX_NAME),
        metadata: metadata(`${name}.metadata`).optional(),
      },
      { error },
    );
  const actor = party('actor', 'actor must be an object');
  const target = party('target', 'each target must be an object');
  const event = z.strictObject(
    {
      action: text('action', MAX_ACTION).regex(ACTION_PATTERN, {
        error: 'action must look like category.name (letters, digits, _ - :) with no spaces',
      }),
      occurred_at: occurredAt('occurred_at'),
      version: z
        .number({ error: 'version must be a positive integer' })
        .int({ error: 'version must be a positive integer' })
        .min(1, { error: 'version must be a positive integer' })
        .max(2_147_483_647, { error: 'version must be a positive integer' })
        .nullish(),
      actor,
      targets: z
        .array(target, { error: 'targets must be an array' })
        .max(MAX_TARGETS, { error: `targets must have at most ${MAX_TARGETS} entries` }),
      context: z.strictObject(
        {
          location: text('context.location', MAX_LOCATION),
          user_agent: optionalText('context.user_agent', MAX_USER_AGENT),
        },
        { error: 'context must be an object' },
      ),
      metadata: metadata('metadata').optional(),
    },
    { error: 'event must be an object' },
  );
  return z.strictObject(
    { organization_id: text('organization_id', MAX_ID), event },
    { error: 'body must be an object' },
  );
})();

/** GET /audit_logs/events: Waymark's read API, with the filter names of WorkOS's exports. */
export const auditLogListQuery = listQuery(
  {
    organization_id: list('organization_id'),
    actions: list('actions'),
    actor_ids: list('actor_ids'),
    actor_names: list('actor_names'),
    actor_types: list('actor_types'),
    targets: list('targets'),
    target_ids: list('target_ids'),
    range_start: time('range_start'),
    range_end: time('range_end'),
    ...paging(),
  },
  (q) => ({
    organizationIds: q.organization_id,
    actions: q.actions,
    actorIds: q.actor_ids,
    actorNames: q.actor_names,
    actorTypes: q.actor_types,
    targetTypes: q.targets,
    targetIds: q.target_ids,
    occurredAt: { gte: q.range_start, lt: q.range_end },
  }),
);

/**
 * Missing fields and problems outside the event (the envelope, a batch, the query string)
 * answer 422 `{message, code, errors: [{code, field, message}]}`; an event that is present
 * but malformed answers 400 `invalid_audit_log_event` with JSON-Schema-style `instancePath`s
 * relative to the event (the Node SDK raises its BadRequestException only when a 400
 * carries both `code` and `errors`).
 */
export function renderAuditLogProblems(err: AppError, problems: Problem[]): ErrorAnswer {
  const outsideEvent = (p: Problem) => p.path[0] !== 'event' || p.path.length === 1;
  if (problems.some((p) => p.kind === 'required' || outsideEvent(p))) {
    return {
      status: err.status,
      body: {
        message: err.message,
        code: err.code,
        errors: problems.map((p) => ({ code: p.kind, field: pathString(p.path), message: p.message })),
      },
    };
  }
  return {
    status: ERROR_STATUS.invalid_audit_log_event,
    body: {
      message: 'Invalid Audit Log event.',
      code: 'invalid_audit_log_event',
      errors: problems.map((p) => ({
        instancePath: '/' + p.path.slice(1).join('/'),
        keyword: p.kind === 'unknown_field' ? 'additionalProperties' : 'format',
        message: p.message,
      })),
    },
  };
}

export function parseAuditLogEvent(body: unknown, raw: string, now: () => number): ParsedEvent {
  const result = validate(auditLogEventSchema, body);
  if (!result.ok) return result;
  const { organization_id, event: e } = result.value;
  const future = tooFarAhead(['event', 'occurred_at'], e.occurred_at, now());
  if (future.length > 0) return { ok: false, problems: future };
  const actor = {
    id: e.actor.id,
    type: e.actor.type,
    name: e.actor.name ?? null,
    metadata: e.actor.metadata ?? {},
  };
  return {
    ok: true,
    event: {
      organizationId: organization_id,
      action: e.action,
      actionType: null,
      version: e.version ?? null,
      occurredAt: e.occurred_at,
      actor: { ...actor, email: deriveActorEmail(actor) },
      targets: e.targets.map((t) => ({ id: t.id, type: t.type, name: t.name ?? null, metadata: t.metadata ?? {} })),
      context: { location: e.context.location, userAgent: e.context.user_agent ?? null },
      metadata: e.metadata ?? {},
      source: 'audit_logs',
      raw,
    },
  };
}

/** Waymark's read shape for the Audit Logs generation (WorkOS has no read API for it). */
export function toAuditLogEvent(e: AuditEvent) {
  return {
    object: 'audit_log_event',
    id: e.id,
    organization_id: e.organizationId,
    action: e.action,
    version: e.version,
    occurred_at: new Date(e.occurredAt).toISOString(),
    received_at: new Date(e.receivedAt).toISOString(),
    actor: { id: e.actor.id, type: e.actor.type, name: e.actor.name, metadata: e.actor.metadata },
    targets: e.targets.map((t) => ({ id: t.id, type: t.type, name: t.name, metadata: t.metadata })),
    context: { location: e.context.location, user_agent: e.context.userAgent },
    metadata: e.metadata,
  };
}

/** The Audit Logs API on the wire. */
export const auditLogs: WireShape = {
  name: 'audit_logs',
  createdStatus: 200,
  dedupeOnContent: true,
  rawPart: (item) => (item as { event?: unknown } | null)?.event ?? item,
  eventPath: ['event'],
  parseEvent: parseAuditLogEvent,
  listQuery: auditLogListQuery,
  toEvent: toAuditLogEvent,
  renderProblems: renderAuditLogProblems,
};
