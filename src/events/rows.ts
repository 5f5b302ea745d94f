// A stored event row and the internal event it holds: the columns every read selects,
// and the conversion from a row to an AuditEvent.
import type { ActionType, AuditEvent } from './model';
import { events } from './schema';

type EventRow = typeof events.$inferSelect;

/** The columns a list reads (everything but `raw`, which only the detail page needs). */
export const listColumns = {
  id: events.id,
  projectId: events.projectId,
  organizationId: events.organizationId,
  action: events.action,
  actionType: events.actionType,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  version: events.version,
  source: events.source,
  data: events.data,
};

/** A row as lists read it (every column of `listColumns`), and `raw` when one event is read. */
export type ListRow = Omit<EventRow, 'seq' | 'raw' | 'actorId' | 'actorName' | 'actorType' | 'actorEmail' | 'location' | 'userAgent'> & { raw?: string };

export function toEvent(row: ListRow): AuditEvent {
  const data = JSON.parse(row.data) as Pick<AuditEvent, 'actor' | 'targets' | 'context' | 'metadata'>;
  return {
    id: row.id,
    projectId: row.projectId,
    organizationId: row.organizationId,
    action: row.action,
    actionType: (row.actionType as ActionType | null) ?? null,
    version: row.version ?? null,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    source: row.source as AuditEvent['source'],
    raw: row.raw ?? '',
    ...data,
  };
}
