// Executor: newest first through the newest WINDOW matches of the words only. A common
// word then costs a window, not every match. The page is exact when either the window
// holds every match, or no event older than the window (by arrival) but inside the
// page's time span matches: arrival order and event time usually agree, and this check
// catches the late arrivals where they do not. Null means "not provable here": the
// caller reads the page by time instead.
import { and, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { ROW_COLUMNS, type ListRow } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape, keysetAfter } from './cursor';
import { forwardPage, type EventPage } from './page';
import type { Plan, Scope } from './plan';
import { conditionsBesideMatch, ftsTable, matchValue } from './sql';

/** How many of the newest matches the window holds. */
export const WINDOW = 2_000;

/**
 * The first, small window (this many pages' worth): with project-tagged tokens the newest
 * matches are this project's, so a page usually lies inside a few pages of them; reading,
 * joining and sorting 2,000 rows for a 50-row page is what a common word cost.
 */
export const FIRST_WINDOW_PAGES = 4;

/** Newest first through a small window, then the full one; null: read by time. */
export async function listByWindows(db: Db, plan: Plan, scope: Scope & { match: string }): Promise<EventPage | null> {
  if (plan.windowSize !== undefined) return listByWindow(db, plan, scope, plan.windowSize);
  const small = FIRST_WINDOW_PAGES * (plan.limit + 1);
  if (small < WINDOW) {
    const page = await listByWindow(db, plan, scope, small);
    if (page) return page;
  }
  return listByWindow(db, plan, scope, WINDOW);
}

export async function listByWindow(db: Db, plan: Plan, scope: Scope & { match: string }, window: number): Promise<EventPage | null> {
  const match = matchValue(scope.match, scope.slots);
  const fts = ftsTable(scope.index);
  const conditions: SQL[] = conditionsBesideMatch(plan.projectId, scope);
  if (plan.after !== undefined) {
    await checkCursorShape(db, plan.projectId, plan.after, 'after');
    conditions.push(keysetAfter(plan.projectId, plan.after, true));
  }
  // One round trip: the window's bounds, the page inside it (the LEFT JOIN keeps the
  // bounds when the page is empty) and, only when the window is full and the page filled
  // (CASE evaluates lazily), the exactness proof: no event older than the window by arrival
  // but inside the page's time span matches.
  const rows = await db.all<ListRow & { seq: number; windowN: number; windowLo: number | null; late: number | null }>(sql`
    WITH w AS (
      SELECT min(r) AS lo, count(*) AS n
      FROM (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${match} ORDER BY rowid DESC LIMIT ${window})
    ),
    page AS (
      SELECT ${ROW_COLUMNS}, ${events.seq} AS seq
      FROM ${events}
      WHERE ${and(...conditions)}
        AND ${events.seq} >= (SELECT lo FROM w)
        AND ${events.seq} IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${match} AND rowid >= (SELECT lo FROM w))
      ORDER BY ${events.occurredAt} DESC, ${events.seq} DESC
      LIMIT ${plan.limit + 1}
    ),
    proof AS (
      SELECT CASE WHEN (SELECT n FROM w) >= ${window} AND (SELECT count(*) FROM page) > ${plan.limit} THEN EXISTS (
        SELECT 1 FROM ${events}
        WHERE ${and(...conditions)}
          AND ${events.occurredAt} >= (SELECT min(occurredAt) FROM page)
          AND ${events.seq} < (SELECT lo FROM w)
          AND EXISTS (SELECT 1 FROM ${fts} WHERE ${fts} MATCH ${match} AND ${fts}.rowid = ${events.seq})
      ) END AS late
    )
    SELECT w.n AS windowN, w.lo AS windowLo, proof.late AS late, page.* FROM w JOIN proof LEFT JOIN page ON 1 = 1`);
  const windowN = rows[0]?.windowN ?? 0;
  const lo = rows[0]?.windowLo ?? null;
  const found = rows.filter((r) => r.id !== null);
  if (found.length === 0 && plan.after !== undefined) await checkCursor(db, plan.projectId, plan.after, 'after');
  if (lo === null) return { events: [], before: null, after: null };
  if (windowN >= window) {
    if (found.length <= plan.limit) return null; // the window ran dry before the page filled
    if (rows[0].late) return null; // a late arrival may belong on this page
  }
  return forwardPage(found, plan.limit, plan.after);
}
