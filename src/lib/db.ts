// How Waymark reaches D1, two ways only: drizzle (its query builder or its `sql` template
// through db.all/get/run) for one query, and `batch()` of `statement()`s for writes that
// belong together (drizzle's own batch loses the prepared statement of a raw `sql` query
// with parameters, so a batch goes through D1's batch() directly).
import type { SQL } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { AppError } from './errors';

export type Db = DrizzleD1Database<Record<string, never>> & { $client: D1Database };

const dialect = new SQLiteAsyncDialect();

/** A drizzle `sql` fragment as a D1 statement (for `db.$client.batch`). */
export function statement(db: Db, query: SQL): D1PreparedStatement {
  const q = dialect.sqlToQuery(query);
  return db.$client.prepare(q.sql).bind(...q.params);
}

/** How long a client is asked to wait before retrying a write the database did not confirm. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Runs statements as one D1 batch: one transaction, one round trip. A batch D1 does not
 * confirm is a 503 with Retry-After: either nothing was written (the transaction rolled
 * back) or the answer was lost after the commit, and a retry with the same
 * Idempotency-Key then gets the first answer, never a second copy.
 */
export async function batch(db: Db, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  try {
    return await db.$client.batch(statements);
  } catch (err) {
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
