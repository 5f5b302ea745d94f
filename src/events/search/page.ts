// What every executor returns, and the row list they all select.
import type { AuditEvent } from '../model';
import { toEvent, type ListRow } from '../rows';

export interface EventPage {
  events: AuditEvent[];
  /** Cursor for the page before this one (the first event's id), or null. */
  before: string | null;
  /** Cursor for the page after this one (the last event's id), or null. */
  after: string | null;
}

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
