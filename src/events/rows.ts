// A stored event row and the internal event it holds: the columns every read selects,
// and the conversion from a row to an AuditEvent (the actor, targets, context and
// metadata are read from `raw`, the one stored copy of the event: see raw.ts).
import type { ActionType, AuditEvent } from './model';
import { rawParts } from './raw';
import { events } from './schema';
import { decodeRaw, type StoredRaw } from './stored-raw';

/** The columns every read selects. */
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
  raw: events.raw,
};

/** A row as reads select it (every column of `listColumns`). */
export interface ListRow {
  id: string;
  projectId: string;
  organizationId: string;
  action: string;
  actionType: string | null;
  occurredAt: number;
  receivedAt: number;
  version: number | null;
  source: string;
  /** As stored: TEXT or a deflated BLOB (stored-raw.ts). */
  raw: StoredRaw;
}

export function toEvent(row: ListRow): AuditEvent {
  const source = row.source as AuditEvent['source'];
  const raw = decodeRaw(row.raw);
  return {
    id: row.id,
    projectId: row.projectId,
    organizationId: row.organizationId,
    action: row.action,
    actionType: (row.actionType as ActionType | null) ?? null,
    version: row.version ?? null,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    source,
    raw,
    ...rawParts(source, raw),
  };
}
