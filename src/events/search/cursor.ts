// Keyset cursors: an event id stands for its position (occurred_at, seq) in list order,
// so every page costs the same (no OFFSET). Positions are read by subqueries inside the
// page's own statement: one round trip.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { AppError } from '../../lib/errors';
import { EVENT_ID_PATTERN } from '../../lib/ids';
import { events } from '../schema';

export type CursorField = 'after' | 'before';

/**
 * "After this event" in newest-first order (or oldest-first). An unknown cursor
 * matches nothing; `checkCursor` then turns that into a 422.
 */
export function keysetAfter(projectId: string, id: string, newestFirst: boolean): SQL {
  const at = sql`(SELECT c.occurred_at FROM events AS c WHERE c.id = ${id} AND c.project_id = ${projectId})`;
  const seq = sql`(SELECT c.seq FROM events AS c WHERE c.id = ${id} AND c.project_id = ${projectId})`;
  return newestFirst
    ? sql`(${events.occurredAt} <= ${at} AND (${events.occurredAt} < ${at} OR ${events.seq} < ${seq}))`
    : sql`(${events.occurredAt} >= ${at} AND (${events.occurredAt} > ${at} OR ${events.seq} > ${seq}))`;
}

/** The cursor event's position; a 422 naming the parameter when it is not an event of this project. */
export async function cursorPosition(db: Db, projectId: string, id: string, field: CursorField): Promise<{ occurredAt: number; seq: number }> {
  const [row] = EVENT_ID_PATTERN.test(id)
    ? await db
        .select({ occurredAt: events.occurredAt, seq: events.seq })
        .from(events)
        .where(and(eq(events.id, id), eq(events.projectId, projectId)))
        .limit(1)
    : [];
  if (!row) {
    throw new AppError('validation_failed', `${field} must be the id of an event in this project.`, {
      problems: [{ path: [field], kind: 'invalid', message: `${field} must be the id of an event in this project` }],
    });
  }
  return row;
}

/** Throws the 422 for a cursor that is not an event of this project (checked when a page came back empty). */
export async function checkCursor(db: Db, projectId: string, id: string, field: CursorField): Promise<void> {
  await cursorPosition(db, projectId, id, field);
}

/** A cursor that cannot be an event id fails before any query. */
export async function checkCursorShape(db: Db, projectId: string, id: string, field: CursorField): Promise<void> {
  if (!EVENT_ID_PATTERN.test(id)) await checkCursor(db, projectId, id, field);
}
