// What every executor returns, and the row list they all select.
import { sql } from 'drizzle-orm';
import type { AuditEvent } from '../model';
import { events } from '../schema';
import { toEvent, type ListRow } from '../rows';

export interface EventPage {
  events: AuditEvent[];
  /** Cursor for the page before this one (the first event's id), or null. */
  before: string | null;
  /** Cursor for the page after this one (the last event's id), or null. */
  after: string | null;
}

/** The list columns for raw `sql` queries, aliased to ListRow's names. */
export const PAGE_COLUMNS = sql`${events.id} AS id, ${events.projectId} AS projectId, ${events.organizationId} AS organizationId,
  ${events.action} AS action, ${events.actionType} AS actionType, ${events.occurredAt} AS occurredAt,
  ${events.receivedAt} AS receivedAt, ${events.version} AS version, ${events.source} AS source, ${events.raw} AS raw`;

/** A forward page from `limit + 1` rows in list order: `more` says whether the extra row came back. */
export function forwardPage(rows: ListRow[], limit: number, from: string | undefined): EventPage {
  const more = rows.length > limit;
  const list = rows.slice(0, limit).map(toEvent);
  return {
    events: list,
    before: from !== undefined ? (list[0]?.id ?? null) : null,
    after: more ? list[list.length - 1].id : null,
  };
}
