// Executor: a page in time order (newest or oldest first) through the filters' indexes.
// Also the exact reading of any search: every match of the words is a candidate.
import { and, asc, desc, sql, type SQL } from 'drizzle-orm';
import { allRows, type Db } from '../../lib/db';
import { listColumns, NULL_ROW_AND_KEYS, ROW_COLUMNS, toEvent, type ListRow } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape, keysetAfter } from './cursor';
import type { EventPage } from './page';
import type { Plan, Scope } from './plan';
import { ftsTable, matchValue, scopeConditions } from './sql';

/**
 * Excluded words (`-word`) are checked against this many candidates in list order at first,
 * then EXCLUDE_CANDIDATES_MAX; past that, against every match of the excluded words.
 */
export const EXCLUDE_CANDIDATES = 4;
export const EXCLUDE_CANDIDATES_MAX = 2_000;

/** The page query in one direction, `limit` rows, with the given conditions. */
export function timeQuery(db: Db, conditions: SQL[], newestFirst: boolean, limit: number) {
  const dir = newestFirst ? desc : asc;
  return db
    .select(listColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(dir(events.occurredAt), dir(events.seq))
    .limit(limit);
}

/**
 * `limit` rows in list order that pass `conditions` and do not match `exclude`, read from the
 * first `candidates` rows that pass `conditions`: the excluded words are looked up only over
 * those candidates' arrival range (one bounded read of the index), where `seq NOT IN (every
 * match)` reads every match of a common word first. Null when the candidates ran out before
 * the page filled while more may follow (the caller tries more, or every match).
 */
async function withoutExcluded(db: Db, conditions: SQL[], scope: Scope & { exclude: string }, newestFirst: boolean, limit: number, candidates: number): Promise<ListRow[] | null> {
  const fts = ftsTable(scope.index);
  const dir = sql.raw(newestFirst ? 'DESC' : 'ASC');
  const rows = await allRows<ListRow & { seq: number; at: number; candidates: number | null }>(db, sql`
    WITH cand AS MATERIALIZED (
      SELECT ${events.seq} AS seq, ${events.occurredAt} AS at FROM ${events}
      WHERE ${and(...conditions)}
      ORDER BY ${events.occurredAt} ${dir}, ${events.seq} ${dir} LIMIT ${candidates}
    ),
    ex AS MATERIALIZED (
      SELECT rowid AS r FROM ${fts} WHERE ${fts} MATCH ${matchValue(scope.exclude, scope.slots)}
        AND rowid >= coalesce((SELECT min(seq) FROM cand), 0) AND rowid <= coalesce((SELECT max(seq) FROM cand), -1)
    ),
    keys AS MATERIALIZED (SELECT seq, at FROM cand WHERE seq NOT IN (SELECT r FROM ex) ORDER BY at ${dir}, seq ${dir} LIMIT ${limit})
    SELECT ${ROW_COLUMNS}, keys.seq AS seq, keys.at AS at, NULL AS candidates FROM keys JOIN ${events} ON ${events.seq} = keys.seq
    UNION ALL
    SELECT ${NULL_ROW_AND_KEYS}, (SELECT count(*) FROM cand)`);
  // The count row (no id), then the page in list order (sorted here: a sort in SQL would copy whole rows once more).
  const sign = newestFirst ? -1 : 1;
  const found = rows.filter((r) => r.id !== null).sort((a, b) => sign * (a.at - b.at || a.seq - b.seq));
  const counted = rows.find((r) => r.id === null)?.candidates ?? 0;
  if (found.length < limit && counted >= candidates) return null;
  return found;
}

/** The rows of a page in scan order: excluded words through bounded candidates where that suffices, else every match. */
async function pageRows(db: Db, plan: Plan, scope: Scope, cursor: SQL | null, scanDesc: boolean): Promise<ListRow[]> {
  const limit = plan.limit + 1;
  const extra = cursor ? [cursor] : [];
  const { exclude } = scope;
  if (exclude !== null) {
    const conditions = [...scopeConditions(plan.projectId, { ...scope, exclude: null }), ...extra];
    for (const n of [EXCLUDE_CANDIDATES * limit, EXCLUDE_CANDIDATES_MAX]) {
      const rows = await withoutExcluded(db, conditions, { ...scope, exclude }, scanDesc, limit, Math.max(n, limit));
      if (rows) return rows;
    }
  }
  return timeQuery(db, [...scopeConditions(plan.projectId, scope), ...extra], scanDesc, limit);
}

export async function listByTime(db: Db, plan: Plan, scope: Scope): Promise<EventPage> {
  const cursorId = plan.after ?? plan.before;
  const backwards = plan.after === undefined && plan.before !== undefined;
  // Walking backwards from a `before` cursor reads in the opposite direction, then flips the page.
  const scanDesc = (plan.order === 'desc') !== backwards;
  const field = plan.after !== undefined ? 'after' : 'before';
  let cursor: SQL | null = null;
  if (cursorId !== undefined) {
    await checkCursorShape(db, plan.projectId, cursorId, field);
    cursor = keysetAfter(plan.projectId, cursorId, scanDesc);
  }
  const rows = await pageRows(db, plan, scope, cursor, scanDesc);
  if (rows.length === 0 && cursorId !== undefined) await checkCursor(db, plan.projectId, cursorId, field);
  const more = rows.length > plan.limit;
  const page = rows.slice(0, plan.limit);
  if (backwards) page.reverse();
  const list = page.map(toEvent);
  const first = list[0]?.id ?? null;
  const last = list[list.length - 1]?.id ?? null;
  if (backwards) return { events: list, before: more ? first : null, after: last };
  return { events: list, before: cursorId !== undefined ? first : null, after: more ? last : null };
}
