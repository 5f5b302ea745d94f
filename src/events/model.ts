// The one internal event model. Both wire shapes (legacy /events and /audit_logs)
// convert into it at the API edge and out of it on the way back.

export type MetadataValue = string | number | boolean;
export type Metadata = Record<string, MetadataValue>;

export type ActionType = 'c' | 'r' | 'u' | 'd';

export interface Actor {
  id: string;
  type: string | null;
  name: string | null;
  /** Derived at ingest from the name, id or metadata when one of them is an email address. */
  email: string | null;
  metadata: Metadata;
}

export interface Target {
  id: string;
  type: string | null;
  name: string | null;
  metadata: Metadata;
}

export interface Context {
  location: string;
  userAgent: string | null;
}

export type EventSource = 'legacy' | 'audit_logs';

/** An event as validated, before it has an id. */
export interface NewEvent {
  organizationId: string;
  action: string;
  actionType: ActionType | null;
  version: number | null;
  occurredAt: number;
  actor: Actor;
  targets: Target[];
  context: Context;
  metadata: Metadata;
  source: EventSource;
  /** The event exactly as the client sent it, serialised. */
  raw: string;
}

export interface AuditEvent extends NewEvent {
  id: string;
  projectId: string;
  receivedAt: number;
}

const EMAIL = /^[^\s@<>()"]{1,64}@[^\s@<>()"]+\.[^\s@<>()"]{2,}$/;

export function looksLikeEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 320 && EMAIL.test(value);
}

/** The actor's email, when any of the usual places holds one. */
export function deriveActorEmail(actor: Omit<Actor, 'email'>): string | null {
  const candidates = [actor.metadata.email, actor.name, actor.id, actor.metadata.user_email];
  for (const c of candidates) if (looksLikeEmail(c)) return c.toLowerCase();
  return null;
}
