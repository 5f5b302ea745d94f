// Event counts over time for a list's search and filters (the viewer's timeline histogram),
// in one statement, bounded: it counts the newest TIMELINE_CAP matches and no more. When more
// events match, the counts are exact from the oldest counted event onwards and the answer says
// so ("more than 10,000"), instead of reading a million rows.
import { and, sql, type SQL } from 'drizzle-orm';
import { allRows, type Db } from '../lib/db';
import { planFor, type EventQuery } from './list';
import { events } from './schema';
import { conditionsBesideMatch, ftsTable, matchValue, scopeConditions } from './search/sql';
import type { Scope } from './search/plan';

export const TIMELINE_CAP = 10_000;
const YEAR_MS = 365 * 86_400_000;
/** Bucket widths, smallest first: the first that fits the range in MAX_BUCKETS is used. */
const STEPS_MS = [60_000, 5 * 60_000, 15 * 60_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 7 * 86_400_000, 30 * 86_400_000, YEAR_MS, 2 * YEAR_MS, 5 * YEAR_MS, 10 * YEAR_MS];
export const MAX_BUCKETS = 60;
/**
 * The span a timeline can draw: no event occurs before 1970 (occurred_at is refused before it) or more than a day
 * ahead of its arrival, so From/To beyond 1970–2200 are clamped to it. 230 years fit 60 bars of 5 years, and every
 * bar's label is an ordinary four-digit-year date.
 */
export const TIMELINE_MIN = 0;
export const TIMELINE_MAX = Date.UTC(2200, 0, 1);

/** The number of bars from `from` to `to` with buckets of `step` aligned to multiples of it since 1970. */
const barsFor = (from: number, to: number, step: number) => Math.floor((to - 1) / step) - Math.floor(from / step) + 1;

export interface Timeline {
  /** Bucket start times (epoch ms), `step` apart; counts[i] is the events in [starts[i], starts[i] + step). */
  starts: number[];
  counts: number[];
  step: number;
  /** Events counted: all that match when `complete`, else the cap (TIMELINE_CAP). */
  total: number;
  /** False when more events match than the cap: counts before `countedFrom` are missing. */
  complete: boolean;
  /** The oldest event counted (when not complete, buckets before it are unknown, not empty). */
  countedFrom: number | null;
}

/** The bucket width for a range: the smallest step that keeps it within MAX_BUCKETS. */
export function bucketStep(from: number, to: number): number {
  return STEPS_MS.find((s) => barsFor(from, Math.max(from + 1, to), s) <= MAX_BUCKETS) ?? fallbackStep(from, to);
}

/** A width for a span no listed step fits (none within TIMELINE_MIN–MAX): at most MAX_BUCKETS bars still. */
const fallbackStep = (from: number, to: number) => Math.max(1, Math.ceil((to - from) / (MAX_BUCKETS - 1)));

/**
 * The newest matches' times, at most CAP + 1 of them: through the time-ordered indexes for
 * filters alone, through the newest matches of the words (by arrival) for a search, so a rare
 * word never walks the whole project. `considered` is how many candidates were read.
 */
function newestMatches(projectId: string, scope: Scope, cap: number): SQL {
  if (scope.match === null) {
    return sql`SELECT ${events.occurredAt} AS t FROM ${events} WHERE ${and(...scopeConditions(projectId, scope))}
      ORDER BY ${events.occurredAt} DESC, ${events.seq} DESC LIMIT ${cap + 1}`;
  }
  const fts = ftsTable(scope.index);
  return sql`SELECT ${events.occurredAt} AS t FROM (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${matchValue(scope.match, scope.slots)} ORDER BY rowid DESC LIMIT ${cap + 1}) AS f
    JOIN ${events} ON ${events.seq} = f.r WHERE ${and(...conditionsBesideMatch(projectId, scope))}`;
}

interface Row {
  n: number;
  oldest: number | null;
  step: number | null;
  k: number | null;
  c: number;
}

/**
 * One statement: the newest matches (at most CAP + 1), their count and extremes, the bucket width
 * that fits the range (asked for, else the matches' own) in MAX_BUCKETS aligned bars, and the count per
 * bucket. Buckets are aligned to multiples of their width since 1970 (UTC); `from` and `to` are within
 * TIMELINE_MIN–MAX, and cast to integers (D1 binds numbers as reals), so integer division is a floor. Both CTEs are MATERIALIZED: the matches are
 * read once, and the width is worked out once (inlined, SQLite would redo it for every row: 3.5x slower).
 */
async function count(db: Db, projectId: string, scope: Scope, from: number | null, to: number | null, cap: number): Promise<Timeline> {
  const rows = await allRows<Row>(db, sql`WITH m AS MATERIALIZED (${newestMatches(projectId, scope, cap)}),
    x AS (SELECT count(*) AS n, min(t) AS lo, max(t) AS hi FROM m),
    s AS (SELECT n, lo, CAST(coalesce(${from}, lo, 0) AS INTEGER) AS a, CAST(coalesce(${to}, hi + 1, 1) AS INTEGER) AS z FROM x),
    w AS MATERIALIZED (SELECT n, lo, a, z, coalesce((SELECT value FROM json_each(${JSON.stringify(STEPS_MS)}) WHERE (z - 1) / value - a / value < ${MAX_BUCKETS} ORDER BY value LIMIT 1), max(1, (z - a + ${MAX_BUCKETS - 2}) / ${MAX_BUCKETS - 1})) AS step FROM s)
    SELECT w.n AS n, w.lo AS oldest, w.step AS step, m.t / w.step AS k, count(m.t) AS c
    FROM w LEFT JOIN m ON m.t >= w.a AND m.t < w.z GROUP BY k ORDER BY k`);
  const head = rows[0];
  const total = head?.n ?? 0;
  const complete = total <= cap;
  const oldest = head?.oldest ?? null;
  const start = from ?? oldest ?? 0;
  const end = to ?? (rows.length > 0 ? Math.max(...rows.map((r) => (r.k ?? 0) + 1)) * (head?.step ?? 1) : start + 1);
  const step = head?.step ?? bucketStep(start, end);
  const first = Math.floor(start / step);
  const last = Math.max(first, Math.floor((end - 1) / step));
  const counts = Array.from({ length: last - first + 1 }, () => 0);
  for (const r of rows) if (r.k !== null && r.k >= first && r.k <= last) counts[r.k - first] += r.c;
  return {
    starts: counts.map((_, i) => (first + i) * step),
    counts,
    step,
    total: Math.min(total, cap),
    complete,
    countedFrom: complete ? null : oldest,
  };
}

/**
 * Counts over time for a list query (its filters, words and time range; cursors and order are
 * ignored). The scope is the list's own: names and the rest first, metadata when those find nothing.
 */
export async function timeline(db: Db, query: EventQuery, cap = TIMELINE_CAP): Promise<Timeline> {
  const plan = await planFor(db, { ...query, after: undefined, before: undefined, order: 'desc' });
  const range = query.occurredAt ?? {};
  const clamp = (ms: number | null) => (ms === null ? null : Math.min(TIMELINE_MAX, Math.max(TIMELINE_MIN, ms)));
  const from = clamp(range.gte ?? (range.gt !== undefined ? range.gt + 1 : null));
  const to = clamp(range.lt ?? (range.lte !== undefined ? range.lte + 1 : null));
  const primary = await count(db, plan.projectId, plan.primary, from, to, cap);
  if (primary.total > 0 || plan.fallback === null) return primary;
  return count(db, plan.projectId, plan.fallback, from, to, cap);
}
