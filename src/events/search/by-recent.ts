// Executor: newest first through the project's newest events by time (the filters' index),
// each checked against the words over those events' own arrival range. Exact by
// construction, whatever the order events arrived in: any match not among the candidates
// is older than all of them. It serves the case the window cannot prove: the newest
// arrivals dated in the past (an import of history beside live traffic), where the newest
// matches by arrival are not the newest by time. It pays when the words match a fair share
// of the newest events (a common word); a rare word finds too few among the candidates and
// returns null (the caller goes on to the full window).
import { and, sql, type SQL } from 'drizzle-orm';
import { allRows, type Db } from '../../lib/db';
import { NULL_ROW_AND_KEYS, ROW_COLUMNS, type ListRow } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape, keysetAfter } from './cursor';
import { forwardPage, type EventPage } from './page';
import type { Plan, Scope } from './plan';
import { filterConditions, ftsTable, matchValue, NO_ROWIDS } from './sql';

/** How many of the newest events by time are checked against the words. */
export const RECENT_CANDIDATES = 2_000;

/**
 * The index is read over the candidates' arrival range only when it spans at most this many
 * arrivals (rowids, which every project shares): one candidate that arrived long ago (an event
 * dated far ahead) would otherwise make the read cover every match of a common word. Past it
 * nothing is read and the page is not provable here (a project with a small share of the
 * database's arrivals meets this sooner; the statement then costs the candidates' index read).
 */
export const RECENT_ARRIVALS_MAX = 100_000;

/**
 * The page from the newest `candidates` events by time that pass the filters (cursor
 * included): the words (and excluded words) are read from the index over the candidates'
 * arrival range only (when it spans at most `arrivalsMax` rowids; else nothing is read), one
 * bounded read each. Null when the candidates ran out before the page filled while older
 * events remain, or their arrival range is wider than that (not provable here).
 */
export async function listByRecent(
  db: Db,
  plan: Plan,
  scope: Scope & { match: string },
  candidates = RECENT_CANDIDATES,
  arrivalsMax = RECENT_ARRIVALS_MAX,
): Promise<EventPage | null> {
  const fts = ftsTable(scope.index);
  const conditions: SQL[] = filterConditions(plan.projectId, scope);
  if (plan.after !== undefined) {
    await checkCursorShape(db, plan.projectId, plan.after, 'after');
    conditions.push(keysetAfter(plan.projectId, plan.after, true));
  }
  const range = sql`rowid >= (SELECT lo FROM cb) AND rowid <= (SELECT hi FROM cb)`;
  const rows = await allRows<ListRow & { seq: number; at: number; candidates: number | null; wide: number | null }>(db, sql`
    WITH cand AS MATERIALIZED (
      SELECT ${events.seq} AS seq, ${events.occurredAt} AS at FROM ${events}
      WHERE ${and(...conditions)}
      ORDER BY ${events.occurredAt} DESC, ${events.seq} DESC LIMIT ${candidates}
    ),
    cb AS MATERIALIZED (
      SELECT CASE WHEN wide THEN hi + 1 ELSE lo END AS lo, hi, wide, n FROM (
        SELECT coalesce(min(seq), 0) AS lo, coalesce(max(seq), -1) AS hi, coalesce(min(seq) < max(seq) - ${arrivalsMax}, 0) AS wide, count(*) AS n FROM cand
      )
    ),
    m AS MATERIALIZED (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${matchValue(scope.match, scope.slots)} AND ${range}),
    x AS MATERIALIZED (${scope.exclude === null ? NO_ROWIDS : sql`SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${matchValue(scope.exclude, scope.slots)} AND ${range}`}),
    keys AS MATERIALIZED (
      SELECT seq, at FROM cand WHERE seq IN (SELECT r FROM m) AND seq NOT IN (SELECT r FROM x)
      ORDER BY at DESC, seq DESC LIMIT ${plan.limit + 1}
    )
    SELECT ${ROW_COLUMNS}, keys.seq AS seq, keys.at AS at, NULL AS candidates, NULL AS wide FROM keys JOIN ${events} ON ${events.seq} = keys.seq
    UNION ALL
    SELECT ${NULL_ROW_AND_KEYS}, cb.n, cb.wide FROM cb`);
  // The bounds row (no id), then the page in list order (sorted here: a sort in SQL would copy whole rows once more).
  const found = rows.filter((r) => r.id !== null).sort((a, b) => b.at - a.at || b.seq - a.seq);
  const bounds = rows.find((r) => r.id === null);
  if (bounds?.wide) return null; // some candidates' words were not read
  if (found.length <= plan.limit && (bounds?.candidates ?? 0) >= candidates) return null;
  if (found.length === 0 && plan.after !== undefined) await checkCursor(db, plan.projectId, plan.after, 'after');
  return forwardPage(found, plan.limit, plan.after);
}
