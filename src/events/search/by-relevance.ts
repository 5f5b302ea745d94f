// Executor: best match first (bm25 with column weights; lower is better), ties newest
// first, among the newest RELEVANCE_WINDOW matches: bm25 over every match of a common
// word would cost more than a person waits for. The `after` cursor is still an event
// id: its score is recomputed for the same search, inside the page's statement.
import { and, sql, type SQL } from 'drizzle-orm';
import { allRows, type Db } from '../../lib/db';
import { AppError } from '../../lib/errors';
import { NULL_ROW_AND_KEYS, ROW_COLUMNS, type ListRow } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape } from './cursor';
import { BM25_WEIGHTS } from './fts';
import { forwardPage, type EventPage } from './page';
import type { Plan, Scope } from './plan';
import { filterConditions, ftsTable, matchValue, NO_ROWIDS } from './sql';

/** Relevance ranks the newest this-many matches of a search (documented in the README). */
export const RELEVANCE_WINDOW = 2_000;


export async function listByRelevance(db: Db, plan: Plan, scope: Scope & { match: string }): Promise<EventPage> {
  if (plan.before !== undefined) {
    throw new AppError('validation_failed', 'before is not supported with order=relevance; page forward with after.', {
      problems: [{ path: ['before'], kind: 'invalid', message: 'before is not supported with order=relevance' }],
    });
  }
  if (plan.after !== undefined) await checkCursorShape(db, plan.projectId, plan.after, 'after');
  // Without filters the window's matches are this project's already (tokens carry the
  // project's tag): rank them without reading their rows. The rows joined at the end are
  // checked for the project all the same; should one fail, rank again reading every row.
  let rows = await rankedPage(db, plan, scope, scope.filters.length === 0);
  if (rows === null) rows = (await rankedPage(db, plan, scope, false))!;
  // An empty page after a cursor: a 422 when it is not an event here (else the search ended).
  if (rows.length === 0 && plan.after !== undefined) await checkCursor(db, plan.projectId, plan.after, 'after');
  return forwardPage(rows, plan.limit, plan.after);
}

/** The page's rows in rank order; null when ranked without rows and a ranked event was not this project's. */
async function rankedPage(db: Db, plan: Plan, scope: Scope & { match: string }, withoutRows: boolean): Promise<ListRow[] | null> {
  const match = matchValue(scope.match, scope.slots);
  const fts = ftsTable(scope.index);
  const BM25 = sql`bm25(${fts}, ${sql.raw(BM25_WEIGHTS.join(', '))})`;
  let keyset: SQL = sql`1 = 1`;
  // The cursor's score for the same search, read once inside the page's statement (one round
  // trip; its expression's parameters bound once: D1 allows 100 per statement). No cursor row
  // (not an event of this project): no page, then a 422 below.
  let cursor: SQL = sql`SELECT NULL AS score, NULL AS seq WHERE 0`;
  if (plan.after !== undefined) {
    const seq = sql`(SELECT c.seq FROM events AS c WHERE c.id = ${plan.after} AND c.project_id = ${plan.projectId})`;
    cursor = sql`SELECT ${BM25} AS score, rowid AS seq FROM ${fts} WHERE ${fts} MATCH ${match} AND rowid = ${seq}`;
    keyset = sql`(f.score > (SELECT score FROM cur) OR (f.score = (SELECT score FROM cur) AND f.r < (SELECT seq FROM cur)))`;
  }
  // Excluded words are looked up over the window's arrival range only.
  const excluded =
    scope.exclude === null
      ? NO_ROWIDS
      : sql`SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${matchValue(scope.exclude, scope.slots)} AND rowid >= (SELECT min(r) FROM f)`;
  const ranked = withoutRows
    ? sql`SELECT f.r AS seq, f.score AS score FROM f WHERE f.r NOT IN (SELECT r FROM fx) AND ${keyset}`
    : sql`SELECT f.r AS seq, f.score AS score FROM f JOIN ${events} ON ${events.seq} = f.r
        WHERE ${and(...filterConditions(plan.projectId, scope))} AND f.r NOT IN (SELECT r FROM fx) AND ${keyset}`;
  // The window and its scores in one read of the index; the page sorted on (score, seq) alone,
  // its rows joined last (sorting whole rows, with their stored event, cost more), with a
  // last row counting the ranked keys.
  const rows = await allRows<ListRow & { score: number; seq: number; ranked: number | null }>(db, sql`
    WITH f AS MATERIALIZED (SELECT rowid AS r, ${BM25} AS score FROM ${fts} WHERE ${fts} MATCH ${match} ORDER BY rowid DESC LIMIT ${RELEVANCE_WINDOW}),
    fx AS MATERIALIZED (${excluded}),
    cur AS MATERIALIZED (${cursor}),
    keys AS MATERIALIZED (${ranked} ORDER BY f.score, f.r DESC LIMIT ${plan.limit + 1})
    SELECT ${ROW_COLUMNS}, keys.score AS score, keys.seq AS seq, NULL AS ranked
    FROM keys JOIN ${events} ON ${events.seq} = keys.seq WHERE ${events.projectId} = ${plan.projectId}
    UNION ALL
    SELECT ${NULL_ROW_AND_KEYS}, (SELECT count(*) FROM keys)`);
  const found = rows.filter((r) => r.id !== null).sort((a, b) => a.score - b.score || b.seq - a.seq);
  const keys = rows.find((r) => r.id === null)?.ranked ?? 0;
  return found.length < keys ? null : found;
}
