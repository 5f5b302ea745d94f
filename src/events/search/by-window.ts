// Executor: newest first through the newest WINDOW matches of the words only. A common
// word then costs a window, not every match. The page is exact when either the window
// holds every match, or no event older than the window (by arrival) but inside the
// page's time span matches: arrival order and event time usually agree, and this check
// catches the late arrivals where they do not. Null means "not provable here": the
// caller reads the page by time instead.
import { and, sql, type SQL } from 'drizzle-orm';
import { allRows, type Db } from '../../lib/db';
import { NULL_ROW_AND_KEYS, ROW_COLUMNS, type ListRow } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape, keysetAfter } from './cursor';
import { forwardPage, type EventPage } from './page';
import type { Plan, Scope } from './plan';
import { filterConditions, ftsTable, matchValue, NO_ROWIDS } from './sql';

/** How many of the newest matches the window holds. */
export const WINDOW = 2_000;

/**
 * The first, small window (this many pages' worth): with project-tagged tokens the newest
 * matches are this project's, so a page usually lies inside a few pages of them; reading,
 * joining and sorting 2,000 rows for a 50-row page is what a common word cost.
 */
export const FIRST_WINDOW_PAGES = 4;

/**
 * The proof checks at most this many events that arrived before the window inside the page's
 * time span; more (an import of older events beside live traffic, an event dated ahead that
 * arrived early) and the page is not proved here: the caller reads it by time.
 */
export const SPAN_MAX = 2_000;

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
  const conditions: SQL[] = filterConditions(plan.projectId, scope);
  if (plan.after !== undefined) {
    await checkCursorShape(db, plan.projectId, plan.after, 'after');
    conditions.push(keysetAfter(plan.projectId, plan.after, true));
  }
  // Excluded words are looked up over the arrival range of the rows they are checked against
  // only (`seq NOT IN` every match of a common word reads all of them first).
  const exclude = scope.exclude === null ? null : matchValue(scope.exclude, scope.slots);
  // One round trip when arrival order follows time (each read of the index costs about
  // 0.15 ms to set up, and every CTE costs compiling: D1 prepares each statement anew, and
  // in local D1 the proof's reads below were about 1.5 ms of a search's statement even when
  // not run). Each read is a CTE of its own: D1 allows an expression tree 100 deep, and a
  // subquery nested in a condition counts.
  // - `wr`: the window, the newest matches by arrival (rowid), read once;
  // - `keys`: the page inside the window, sorted on (time, seq) alone (sorting whole rows,
  //   with their stored event, cost more than reading them);
  // - `span`, only when the window is full and the page filled: every event that passes the
  //   filters, lies inside the page's time span and arrived before the window (none when
  //   arrival order follows time: these are the late arrivals). When there are some (at most
  //   SPAN_MAX: more, and the page is read by time) a second statement (lateMatch) says
  //   whether any of them matches;
  // - the page's rows, joined last, and one row of the window's bounds (sorted here: a
  //   sort in SQL would copy whole rows once more).
  const rows = await allRows<ListRow & { seq: number; at: number; windowN: number | null; windowLo: number | null; late: number | null }>(db, sql`
    WITH wr AS MATERIALIZED (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${match} ORDER BY rowid DESC LIMIT ${window}),
    w AS (SELECT min(r) AS lo, count(*) AS n FROM wr),
    wx AS MATERIALIZED (${exclude === null ? NO_ROWIDS : sql`SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${exclude} AND rowid >= (SELECT lo FROM w)`}),
    keys AS MATERIALIZED (
      SELECT ${events.seq} AS seq, ${events.occurredAt} AS at
      FROM ${events}
      WHERE ${and(...conditions)} AND ${events.seq} IN (SELECT r FROM wr) AND ${events.seq} NOT IN (SELECT r FROM wx)
      ORDER BY ${events.occurredAt} DESC, ${events.seq} DESC
      LIMIT ${plan.limit + 1}
    ),
    proof AS (
      SELECT CASE WHEN (SELECT n FROM w) < ${window} OR (SELECT count(*) FROM keys) <= ${plan.limit} THEN 0
        ELSE (SELECT count(*) FROM (SELECT 1 FROM ${events}
          WHERE ${and(...conditions)} AND ${events.occurredAt} >= (SELECT min(at) FROM keys) AND ${events.seq} < (SELECT lo FROM w)
          LIMIT ${SPAN_MAX + 1}))
        END AS late
    )
    SELECT ${ROW_COLUMNS}, keys.seq AS seq, keys.at AS at, NULL AS windowN, NULL AS windowLo, NULL AS late
    FROM keys JOIN ${events} ON ${events.seq} = keys.seq
    UNION ALL
    SELECT ${NULL_ROW_AND_KEYS}, w.n, w.lo, proof.late FROM w JOIN proof`);
  // The bounds row (no id), then the page, in list order.
  const bounds = rows.find((r) => r.id === null);
  const found = rows.filter((r) => r.id !== null).sort((a, b) => b.at - a.at || b.seq - a.seq);
  const windowN = bounds?.windowN ?? 0;
  const lo = bounds?.windowLo ?? null;
  if (found.length === 0 && plan.after !== undefined) await checkCursor(db, plan.projectId, plan.after, 'after');
  if (lo === null) return { events: [], before: null, after: null };
  if (windowN >= window) {
    if (found.length <= plan.limit) return null; // the window ran dry before the page filled
    const late = bounds?.late ?? 0;
    if (late > SPAN_MAX) return null; // too many late arrivals to check here
    if (late > 0 && (await lateMatch(db, scope, conditions, match, exclude, found[found.length - 1].at, lo))) return null;
  }
  return forwardPage(found, plan.limit, plan.after);
}

/**
 * Whether any event that arrived before the window (seq < lo) but lies inside the page's
 * time span (at or after `from`, the oldest of the page's keys) matches: one read of the
 * index over their arrival range. True: such a late arrival may belong on the page.
 */
async function lateMatch(db: Db, scope: Scope, conditions: SQL[], match: SQL, exclude: SQL | null, from: number, lo: number): Promise<boolean> {
  const fts = ftsTable(scope.index);
  const [row] = await allRows<{ late: number }>(db, sql`
    WITH span AS MATERIALIZED (
      SELECT ${events.seq} AS seq FROM ${events}
      WHERE ${and(...conditions)} AND ${events.occurredAt} >= ${from} AND ${events.seq} < ${lo}
      LIMIT ${SPAN_MAX + 1}
    ),
    sb AS (SELECT min(seq) AS lo FROM span),
    sm AS MATERIALIZED (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${match} AND rowid >= (SELECT lo FROM sb) AND rowid < ${lo}),
    sx AS MATERIALIZED (${exclude === null ? NO_ROWIDS : sql`SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${exclude} AND rowid >= (SELECT lo FROM sb) AND rowid < ${lo}`})
    SELECT EXISTS (SELECT 1 FROM span WHERE seq IN (SELECT r FROM sm) AND seq NOT IN (SELECT r FROM sx)) AS late`);
  return Boolean(row?.late);
}
