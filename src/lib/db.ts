// How Waymark reaches D1, two ways only: drizzle (its query builder or its `sql` template
// through db.all/get/run) for one query, and `batch()` of `statement()`s for writes that
// belong together (drizzle's own batch loses the prepared statement of a raw `sql` query
// with parameters, so a batch goes through D1's batch() directly).
import type { SQL } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { AppError } from './errors';

export type Db = DrizzleD1Database<Record<string, never>> & { $client: D1Database };

const dialect = new SQLiteAsyncDialect();

const databases = new WeakMap<D1Database, Db>();

/**
 * The drizzle handle of a D1 binding, made once per binding object and reused (it holds no
 * per-request state; making one per request showed in the single-event profile).
 */
export function database(d1: D1Database): Db {
  let db = databases.get(d1);
  if (!db) {
    db = drizzle(d1) as Db;
    databases.set(d1, db);
  }
  return db;
}

/** A drizzle `sql` fragment as a D1 statement (for `db.$client.batch`). */
export function statement(db: Db, query: SQL): D1PreparedStatement {
  const q = dialect.sqlToQuery(query);
  return db.$client.prepare(q.sql).bind(...q.params);
}

/**
 * The rows of one read, each distinct bound value bound once. A page's statement repeats its
 * project, filters and cursor in every copy of its conditions (the page and the proof's span,
 * each prefix's completions per read of the index), and D1 allows 100 parameters per
 * statement: every `?` becomes SQLite's numbered `?N`, N the first place its value was bound.
 */
export async function allRows<T>(db: Db, query: SQL): Promise<T[]> {
  const q = dialect.sqlToQuery(query);
  const { text, values } = numberParameters(q.sql, q.params);
  return (await db.$client.prepare(text).bind(...values).all<T>()).results;
}

/** The end of a quoted run starting at `from` (SQL doubles the quote inside): the index after it. */
function quoteEnd(text: string, from: number, quote: string): number {
  let i = from + 1;
  for (;;) {
    const k = text.indexOf(quote, i);
    if (k < 0) return text.length;
    if (text[k + 1] !== quote) return k + 1;
    i = k + 2;
  }
}

/** What makes two bound values the same one (text and numbers only; bytes are never shared). */
const valueKey = (v: unknown): string | null => (typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${v}` : v === null ? 'null' : null);

/** `?` placeholders as `?N`, one N per distinct value, outside quoted text (see allRows). */
export function numberParameters(text: string, params: readonly unknown[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const seen = new Map<string, number>();
  let out = '';
  let next = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(text, i, c);
      out += text.slice(i, end);
      i = end;
    } else if (c === '?') {
      if (/[0-9]/.test(text[i + 1] ?? '')) throw new Error('a query with numbered parameters');
      const value = params[next++];
      const key = valueKey(value);
      let n = key === null ? undefined : seen.get(key);
      if (n === undefined) {
        values.push(value);
        n = values.length;
        if (key !== null) seen.set(key, n);
      }
      out += `?${n}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (next !== params.length) throw new Error(`${params.length} values for ${next} parameters`);
  return { text: out, values };
}

/** How long a client is asked to wait before retrying a write the database did not confirm. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Runs statements as one D1 batch: one transaction, one round trip. A batch D1 does not
 * confirm is a 503 with Retry-After: either nothing was written (the transaction rolled
 * back) or the answer was lost after the commit, and a retry with the same
 * Idempotency-Key then gets the first answer, never a second copy.
 */
export async function batch(
  db: Db,
  statements: D1PreparedStatement[],
  /** The error for a batch the database refused on purpose (a trigger's RAISE), else null. */
  refusal?: (err: unknown) => AppError | null,
): Promise<D1Result[]> {
  try {
    return await db.$client.batch(statements);
  } catch (err) {
    const refused = refusal?.(err);
    if (refused) throw refused;
    console.error('D1 batch failed', err);
    throw writeNotConfirmed();
  }
}

/** The 503 for a write D1 did not confirm (see batch()). */
export function writeNotConfirmed(): AppError {
  return new AppError('service_unavailable', 'The database did not confirm the write. Retry it with the same Idempotency-Key: a retry never stores an event twice.', {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  });
}

/** The plan SQLite picks for a query (tests and the benchmark assert that lists use their indexes). */
export async function explain(db: Db, query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string[]> {
  const built = query.toSQL();
  const rows = await db.$client.prepare(`EXPLAIN QUERY PLAN ${built.sql}`).bind(...built.params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}
