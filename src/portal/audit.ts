// Audited reads: what a viewer session looks at is written, as Audit Logs events, into the
// trail of the organization it looks at (the normal write path, events/store.ts), so the
// customer sees who read their log. The actor is the viewer session (`vs_...`, type
// `audit_log_viewer`), named after the link that opened it.
import type { NewEvent } from '../events/model';
import { MAX_LOCATION, MAX_USER_AGENT } from '../events/limits';

export const VIEWER_ACTIONS = {
  viewed: 'audit_log.viewed',
  eventViewed: 'audit_log.event_viewed',
  exported: 'audit_log.exported',
} as const;

export type ViewerAction = (typeof VIEWER_ACTIONS)[keyof typeof VIEWER_ACTIONS];

export const VIEWER_ACTOR_TYPE = 'audit_log_viewer';

export interface Reader {
  sessionId: string;
  linkId: string;
  organizationId: string;
  /** The request's client address and user agent. */
  ip: string;
  userAgent: string | null;
}

/** One audited read as a new event of the reader's organization. */
export function readEvent(
  reader: Reader,
  action: ViewerAction,
  now: number,
  target?: { id: string; type: string; name?: string },
  metadata: Record<string, string> = {},
): NewEvent {
  const actor = { id: reader.sessionId, type: VIEWER_ACTOR_TYPE, name: `Audit log viewer (${reader.linkId})`, metadata: { link_id: reader.linkId } };
  const targets = [target ?? { id: reader.organizationId, type: 'audit_log', name: 'Audit log' }].map((t) => ({
    id: t.id,
    type: t.type,
    name: t.name ?? null,
    metadata: {},
  }));
  const context = { location: reader.ip.slice(0, MAX_LOCATION), userAgent: reader.userAgent ? reader.userAgent.slice(0, MAX_USER_AGENT) : null };
  const raw = {
    action,
    occurred_at: new Date(now).toISOString(),
    actor: { id: actor.id, type: actor.type, name: actor.name, metadata: actor.metadata },
    targets: targets.map((t) => ({ id: t.id, type: t.type, ...(t.name ? { name: t.name } : {}) })),
    context: { location: context.location, ...(context.userAgent ? { user_agent: context.userAgent } : {}) },
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
  return {
    organizationId: reader.organizationId,
    action,
    actionType: 'r',
    version: null,
    occurredAt: now,
    actor: { ...actor, email: null },
    targets,
    context,
    metadata,
    source: 'audit_logs',
    raw: JSON.stringify(raw),
  };
}
