// Executor: best match first (bm25 with column weights; lower is better), ties newest
// first, among the newest RELEVANCE_WINDOW matches: bm25 over every match of a common
// word would cost more than a person waits for. The `after` cursor is still an event
// id: its score is recomputed for the same search.
import { and, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { AppError } from '../../lib/errors';
import type { ListRow } from '../rows';
import { events } from '../schema';
import { cursorPosition } from './cursor';
import { BM25_WEIGHTS } from './fts';
import { forwardPage, PAGE_COLUMNS, type EventPage } from './page';
import type { Plan, Scope } from './plan';
import { conditionsBesideMatch, ftsTable } from './sql';

/** Relevance ranks the newest this-many matches of a search (documented in the README). */
export const RELEVANCE_WINDOW = 2_000;


export async function listByRelevance(db: Db, plan: Plan, scope: Scope & { match: string }): Promise<EventPage> {
  if (plan.before !== undefined) {
    throw new AppError('validation_failed', 'before is not supported with order=relevance; page forward with after.', {
      problems: [{ path: ['before'], kind: 'invalid', message: 'before is not supported with order=relevance' }],
    });
  }
  const { match } = scope;
  const fts = ftsTable(scope.index);
  const BM25 = sql`bm25(${fts}, ${sql.raw(BM25_WEIGHTS.join(', '))})`;
  const window = sql`(SELECT min(r) FROM (SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${match} ORDER BY rowid DESC LIMIT ${RELEVANCE_WINDOW}))`;
  let keyset: SQL = sql`1 = 1`;
  if (plan.after !== undefined) {
    const pos = await cursorPosition(db, plan.projectId, plan.after, 'after');
    const row = await db.get<{ score: number } | undefined>(
      // D1 binds JS numbers as REAL, and FTS5 ignores a REAL rowid constraint: cast it.
      sql`SELECT ${BM25} AS score FROM ${fts} WHERE ${fts} MATCH ${match} AND rowid = CAST(${pos.seq} AS INTEGER)`,
    );
    if (!row) return { events: [], before: plan.after, after: null };
    keyset = sql`(f.score > ${row.score} OR (f.score = ${row.score} AND ${events.seq} < ${pos.seq}))`;
  }
  const rows = await db.all<ListRow>(sql`
    SELECT ${PAGE_COLUMNS}
    FROM (SELECT rowid AS r, ${BM25} AS score FROM ${fts} WHERE ${fts} MATCH ${match} AND rowid >= ${window}) AS f
    JOIN ${events} ON ${events.seq} = f.r
    WHERE ${and(...conditionsBesideMatch(plan.projectId, scope))} AND ${keyset}
    ORDER BY f.score, ${events.seq} DESC
    LIMIT ${plan.limit + 1}`);
  return forwardPage(rows, plan.limit, plan.after);
}
