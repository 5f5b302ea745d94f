// The legacy Audit Trail wire shape (POST /events, GET /events): its schema, its
// 422 error shape, and conversion to and from the internal event.
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import {
  ACTION_PATTERN,
  MAX_ACTION,
  MAX_ID,
  MAX_LOCATION,
  MAX_NAME,
} from '../../events/limits';
import { deriveActorEmail, type ActionType, type AuditEvent, type NewEvent } from '../../events/model';
import { metadata, occurredAt, pathString, text, tooFarAhead, validate, type Problem } from '../../events/validate';
import { actionId } from '../../events/action-id';

/** Built once: constructing zod schemas is costly, and ingest validates thousands of events. */
export const legacyEventSchema = z.strictObject({
    group: text('group', MAX_ID),
    location: text('location', MAX_LOCATION),
    action: text('action', MAX_ACTION).regex(ACTION_PATTERN, {
      error: 'action must look like category.name (letters, digits, _ - :) with no spaces',
    }),
    action_type: z
      .string({ error: 'action_type must be one of C, R, U, D' })
      .regex(/^[CRUDcrud]$/, { error: 'action_type must be one of C, R, U, D' })
      .transform((v) => v.toLowerCase() as ActionType),
    actor_name: text('actor_name', MAX_NAME),
    actor_id: text('actor_id', MAX_ID),
    target_name: text('target_name', MAX_NAME),
    target_id: text('target_id', MAX_ID, true),
    occurred_at: occurredAt('occurred_at'),
    metadata: metadata('metadata').optional(),
  });

/** The legacy 422: `{message, errors: [{field, code}]}` (SDK 1.x needs `errors`). */
export function legacyValidationError(problems: Problem[], prefix: (string | number)[] = []): AppError {
  return new AppError('validation_failed', 'Validation failed.', {
    errors: problems.map((p) => ({
      field: pathString([...prefix, ...p.path]),
      code: p.message,
    })),
  });
}

/** Validates one legacy event body and converts it to the internal model. */
export function parseLegacyEvent(
  body: unknown,
  raw: string,
  now: () => number,
): { ok: true; event: NewEvent } | { ok: false; problems: Problem[] } {
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
