// The one way Waymark reaches D1: drizzle for typed queries, and `statement()` to turn a
// drizzle `sql` fragment into a D1 prepared statement for `batch()` (drizzle's own batch
// loses the prepared statement of a raw `sql` query with parameters).
import type { SQL } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';

export type Db = DrizzleD1Database<Record<string, never>> & { $client: D1Database };

const dialect = new SQLiteAsyncDialect();

/** A drizzle `sql` fragment as a D1 statement (for `db.$client.batch`). */
export function statement(db: Db, query: SQL): D1PreparedStatement {
  const q = dialect.sqlToQuery(query);
  return db.$client.prepare(q.sql).bind(...q.params);
}

/** The SQL text and parameters of a fragment (for EXPLAIN QUERY PLAN and the benchmark). */
export function toQuery(query: SQL): { sql: string; params: unknown[] } {
  return dialect.sqlToQuery(query);
}
