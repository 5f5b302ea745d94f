// Executor: newest first through the newest WINDOW matches of the words only. A common
// word then costs a window, not every match. The page is exact when either the window
// holds every match, or no event older than the window (by arrival) but inside the
// page's time span matches: arrival order and event time usually agree, and this check
// catches the late arrivals where they do not. Where it cannot prove a page because of late
// arrivals, the newest events by time are checked against the words (by-recent.ts). Null
// means "not provable here": the caller reads the page by time instead.
import { and, sql, type SQL } from 'drizzle-orm';
import { allRows, type Db } from '../../lib/db';
import { NULL_ROW_AND_KEYS, ROW_COLUMNS, type ListRow } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape, keysetAfter } from './cursor';
import { listByRecent } from './by-recent';
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

/**
 * Why a window could not prove its page: it ran dry before the page filled (`dry`), or events
 * that arrived before it may belong on the page (`late`).
 */
type Unproved = 'dry' | 'late';

/**
 * Whether the newest events by time that pass the scope's filters are read from an index in
 * time order, so that by-recent.ts examines about as many rows as it takes candidates: no
 * filter, time bounds, and at most one organization or one action (each has its own
 * (project, column, occurred_at) index). Other filters (several values, actors, targets,
 * locations, exclusions of a column) could make it walk the project's whole time index.
 */
function walksByTime(scope: Scope): boolean {
  const keyed = scope.filters.filter((f) => f.kind !== 'time');
  if (keyed.length === 0) return true;
  if (keyed.length > 1) return false;
  const [f] = keyed;
  return f.kind === 'in' && (f.field === 'organizationId' || f.field === 'action') && f.values.length === 1;
}

/**
 * Newest first through a small window, then the full one; null: read by time. When a window
 * meets late arrivals (its newest matches by arrival are not the newest by time: an import
 * of history beside live traffic), the newest events by time checked against the words
 * (by-recent.ts) are tried once before a bigger window, where the filters allow it (walksByTime).
 */
export async function listByWindows(db: Db, plan: Plan, scope: Scope & { match: string }): Promise<EventPage | null> {
  const small = FIRST_WINDOW_PAGES * (plan.limit + 1);
  const sizes = plan.windowSize !== undefined ? [plan.windowSize] : small < WINDOW ? [small, WINDOW] : [WINDOW];
  let recentTried = false;
  for (const size of sizes) {
    const page = await listByWindow(db, plan, scope, size);
    if (typeof page !== 'string') return page;
    if (page === 'late' && !recentTried && walksByTime(scope)) {
      recentTried = true;
      const recent = await listByRecent(db, plan, scope, plan.recentCandidates);
      if (recent) return recent;
    }
  }
  return null;
}

/**
 * Projects whose newest-first searches lately found events that arrived before a full window
 * but lie inside its page's time span ("late arrivals": clocks that disagree, an event dated
 * ahead, an import of recent events). Until the time here (isolate memory, as the action
 * catalog's), their window statements carry the whole proof, one round trip; other projects'
 * statements only count late arrivals, and a second statement checks them when there are some.
 * Per project, not per organization: one organization's late arrivals put every search of the
 * project (viewer links of other organizations included) on the longer statement for 30 s. The
 * pages are the same either way; only the statement's cost differs.
 */
const lateSeen = new Map<string, number>();

/** How long a project's late arrivals keep the proof inside its window statements. */
export const LATE_MEMORY_MS = 30_000;

function proofInside(projectId: string, now: number): boolean {
  const until = lateSeen.get(projectId);
  if (until === undefined) return false;
  if (until > now) return true;
  lateSeen.delete(projectId);
  return false;
}

/** At most this many projects are remembered; past it, the expired go first, then the least recently seen. */
const LATE_MEMORY_PROJECTS = 1_000;

function rememberLate(projectId: string, now: number): void {
  lateSeen.delete(projectId); // re-inserted last: the map's order is the order projects were last seen
  if (lateSeen.size >= LATE_MEMORY_PROJECTS) {
    for (const [id, until] of lateSeen) if (until <= now) lateSeen.delete(id);
    if (lateSeen.size >= LATE_MEMORY_PROJECTS) lateSeen.delete(lateSeen.keys().next().value!);
  }
  lateSeen.set(projectId, now + LATE_MEMORY_MS);
}

/**
 * The late arrivals a page is checked against (CTE `span`): events that pass the filters
 * (cursor included), lie at or after `from` (the oldest of the page's keys) and arrived before
 * `lo` (the window's oldest match), at most SPAN_MAX + 1 of them. CTEs are read where first
 * used, so it runs only when the page needs checking.
 */
function lateSpan(conditions: SQL[], from: SQL | number, lo: SQL | number): SQL {
  return sql`span AS MATERIALIZED (
      SELECT ${events.seq} AS seq FROM ${events}
      WHERE ${and(...conditions)} AND ${events.occurredAt} >= ${from} AND ${events.seq} < ${lo}
      LIMIT ${SPAN_MAX + 1}
    )`;
}

/** The matches (`sm`) and the excluded words' matches (`sx`) over the late arrivals' arrival range, read once each. */
function lateReads(fts: SQL, match: SQL, exclude: SQL | null, lo: SQL | number): SQL {
  return sql`sb AS (SELECT min(seq) AS lo FROM span),
    sm AS MATERIALIZED (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${match} AND rowid >= (SELECT lo FROM sb) AND rowid < ${lo}),
    sx AS MATERIALIZED (${exclude === null ? NO_ROWIDS : sql`SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${exclude} AND rowid >= (SELECT lo FROM sb) AND rowid < ${lo}`})`;
}

/** Whether a late arrival in `span` matches (and is not excluded). */
const LATE_MATCH = sql`EXISTS (SELECT 1 FROM span WHERE seq IN (SELECT r FROM sm) AND seq NOT IN (SELECT r FROM sx))`;

async function listByWindow(db: Db, plan: Plan, scope: Scope & { match: string }, window: number): Promise<EventPage | Unproved> {
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
  const now = Date.now();
  const inside = plan.lateProof === undefined ? proofInside(plan.projectId, now) : plan.lateProof === 'inside';
  // One round trip (each read of the index costs about 0.15 ms to set up). Each read is a
  // CTE of its own: D1 allows an expression tree 100 deep, and a subquery nested in a
  // condition counts.
  // - `wr`: the window, the newest matches by arrival (rowid), read once;
  // - `keys`: the page inside the window, sorted on (time, seq) alone (sorting whole rows,
  //   with their stored event, cost more than reading them);
  // - `late`, only when the window is full and the page filled: how many late arrivals lie
  //   in the page's time span (lateSpan); none when arrival order follows time;
  // - `lateMatch`: whether one of them matches, when the proof is inside (`inside`); else
  //   NULL, and a second statement asks when `late` is not 0. The proof's reads compiled
  //   into every search cost about 1.5 ms of its statement in local D1 even when not run (D1
  //   prepares each statement anew), so they are left out unless this project has had late
  //   arrivals lately (see lateSeen);
  // - the page's rows, joined last, and one row of the window's bounds (sorted here: a
  //   sort in SQL would copy whole rows once more).
  const rows = await allRows<ListRow & { seq: number; at: number; windowN: number | null; windowLo: number | null; late: number | null; lateMatch: number | null }>(db, sql`
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
    ${lateSpan(conditions, sql`(SELECT min(at) FROM keys)`, sql`(SELECT lo FROM w)`)},${inside ? sql`
    ${lateReads(fts, match, exclude, sql`(SELECT lo FROM w)`)},` : sql``}
    proof AS (
      SELECT late, ${inside ? sql`CASE WHEN late BETWEEN 1 AND ${SPAN_MAX} THEN ${LATE_MATCH} END` : sql`NULL`} AS lateMatch
      FROM (SELECT CASE WHEN (SELECT n FROM w) < ${window} OR (SELECT count(*) FROM keys) <= ${plan.limit} THEN 0
        ELSE (SELECT count(*) FROM span) END AS late)
    )
    SELECT ${ROW_COLUMNS}, keys.seq AS seq, keys.at AS at, NULL AS windowN, NULL AS windowLo, NULL AS late, NULL AS lateMatch
    FROM keys JOIN ${events} ON ${events.seq} = keys.seq
    UNION ALL
    SELECT ${NULL_ROW_AND_KEYS}, w.n, w.lo, proof.late, proof.lateMatch FROM w JOIN proof`);
  // The bounds row (no id), then the page, in list order.
  const bounds = rows.find((r) => r.id === null);
  const found = rows.filter((r) => r.id !== null).sort((a, b) => b.at - a.at || b.seq - a.seq);
  const windowN = bounds?.windowN ?? 0;
  const lo = bounds?.windowLo ?? null;
  if (found.length === 0 && plan.after !== undefined) await checkCursor(db, plan.projectId, plan.after, 'after');
  if (lo === null) return { events: [], before: null, after: null };
  if (windowN >= window) {
    if (found.length <= plan.limit) return 'dry'; // the window ran dry before the page filled
    const late = bounds?.late ?? 0;
    if (late > 0) rememberLate(plan.projectId, now);
    if (late > SPAN_MAX) return 'late'; // too many late arrivals to check here
    if (late > 0) {
      const matched = bounds?.lateMatch ?? (await lateMatch(db, fts, conditions, match, exclude, found[found.length - 1].at, lo));
      if (matched) return 'late'; // a late arrival may belong on this page
    }
  }
  return forwardPage(found, plan.limit, plan.after);
}

/**
 * Whether a late arrival of a page (lateSpan: `from` is the oldest of the page's keys, `lo`
 * the window's oldest match) matches: the proof as a statement of its own.
 */
async function lateMatch(db: Db, fts: SQL, conditions: SQL[], match: SQL, exclude: SQL | null, from: number, lo: number): Promise<boolean> {
  const [row] = await allRows<{ late: number }>(db, sql`
    WITH ${lateSpan(conditions, from, lo)}, ${lateReads(fts, match, exclude, lo)}
    SELECT ${LATE_MATCH} AS late`);
  return Boolean(row?.late);
}
