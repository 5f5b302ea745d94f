// The parts of an event that live only in its stored `raw` (what the client sent): the
// actor, targets, context and metadata, read back in the internal model. The raw event was
// validated at ingest, so this only maps fields, exactly as the wire parsers did
// (api/wire/legacy.ts and audit-logs.ts); no second JSON copy of the event is stored.
import { deriveActorEmail, type AuditEvent, type EventSource, type Metadata } from './model';

export type RawParts = Pick<AuditEvent, 'actor' | 'targets' | 'context' | 'metadata'>;

interface RawParty {
  id: string;
  type: string;
  name?: string | null;
  metadata?: Metadata | null;
}

interface RawLegacy {
  location: string;
  actor_name: string;
  actor_id: string;
  target_name: string;
  target_id: string;
  metadata?: Metadata | null;
}

interface RawAuditLog {
  actor: RawParty;
  targets: RawParty[];
  context: { location: string; user_agent?: string | null };
  metadata?: Metadata | null;
}

function fromLegacy(r: RawLegacy): RawParts {
  const actor = { id: r.actor_id, type: null, name: r.actor_name, metadata: {} };
  return {
    actor: { ...actor, email: deriveActorEmail(actor) },
    targets: [{ id: r.target_id, type: null, name: r.target_name, metadata: {} }],
    context: { location: r.location, userAgent: null },
    metadata: r.metadata ?? {},
  };
}

function fromAuditLog(r: RawAuditLog): RawParts {
  const actor = { id: r.actor.id, type: r.actor.type, name: r.actor.name ?? null, metadata: r.actor.metadata ?? {} };
  return {
    actor: { ...actor, email: deriveActorEmail(actor) },
    targets: r.targets.map((t) => ({ id: t.id, type: t.type, name: t.name ?? null, metadata: t.metadata ?? {} })),
    context: { location: r.context.location, userAgent: r.context.user_agent ?? null },
    metadata: r.metadata ?? {},
  };
}

/** The actor, targets, context and metadata of a stored event, from its raw JSON. */
export function rawParts(source: EventSource, raw: string): RawParts {
  const parsed: unknown = JSON.parse(raw);
  return source === 'legacy' ? fromLegacy(parsed as RawLegacy) : fromAuditLog(parsed as RawAuditLog);
}
