// API usage counters and the log of recent failures. Counters are atomic upserts, so
// concurrent requests never lose a count; buffer.ts batches them off the request path.
import { sql } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';

/** Failures kept per project; older ones are deleted by the hourly job. */
export const MAX_FAILURES_KEPT = 200;
export const USAGE_DAYS = 30;

export interface UsageHit {
  projectId: string;
  at: number;
  endpoint: string;
  status: number;
  events: number;
  /** The API key the request used (also for revoked and expired keys), when it named one. */
  keyId?: string | null;
}

export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const statusClass = (status: number) => (status >= 500 ? '5xx' : status >= 400 ? '4xx' : '2xx');

/**
 * Usage is not counted for a project being deleted: a request answered just before the
 * deletion records its usage afterwards (waitUntil), and would leave rows behind the
 * deletion's cleanup (projects/delete.ts).
 */
const notDeleted = (projectId: string) => sql`NOT EXISTS (SELECT 1 FROM project_deletions WHERE project_id = ${projectId})`;

/** The counter upsert: adds `requests` requests and the hit's events to its day's row. */
export function usageStatement(db: Db, hit: UsageHit, requests = 1): D1PreparedStatement {
  return statement(
    db,
    sql`INSERT INTO usage_daily (project_id, day, endpoint, status_class, requests, events)
      SELECT ${hit.projectId}, ${utcDay(hit.at)}, ${hit.endpoint}, ${statusClass(hit.status)}, ${Math.max(1, Math.floor(requests))}, ${hit.events}
      WHERE ${notDeleted(hit.projectId)}
      ON CONFLICT (project_id, day, endpoint, status_class)
      DO UPDATE SET requests = requests + excluded.requests, events = events + excluded.events`,
  );
}

/** A key's counter: `requests` more requests, last used at `lastUsedAt` (never moves back). */
export function keyUsageStatement(db: Db, projectId: string, keyId: string, requests: number, lastUsedAt: number): D1PreparedStatement {
  return statement(
    db,
    sql`INSERT INTO usage_keys (project_id, key_id, requests, last_used_at)
      SELECT ${projectId}, ${keyId}, ${requests}, ${lastUsedAt} WHERE ${notDeleted(projectId)}
      ON CONFLICT (project_id, key_id)
      DO UPDATE SET requests = requests + excluded.requests, last_used_at = max(last_used_at, excluded.last_used_at)`,
  );
}

export interface KeyUsage {
  keyId: string;
  requests: number;
  lastUsedAt: number;
}

/** Every key's counter of one project (one row per key the project ever had, so bounded by its keys). */
export async function keyUsage(db: Db, projectId: string): Promise<Map<string, KeyUsage>> {
  const rows = await db.all<KeyUsage>(sql`SELECT key_id AS keyId, requests, last_used_at AS lastUsedAt
    FROM usage_keys WHERE project_id = ${projectId} LIMIT 10000`);
  return new Map(rows.map((r) => [r.keyId, r]));
}

export interface FailureRecord {
  projectId: string;
  at: number;
  method: string;
  path: string;
  status: number;
  code: string | null;
  message: string | null;
  requestId: string;
}

export function failureStatement(db: Db, f: FailureRecord): D1PreparedStatement {
  return statement(
    db,
    sql`INSERT INTO usage_failures (project_id, at, method, path, status, code, message, request_id)
      VALUES (${f.projectId}, ${f.at}, ${f.method}, ${f.path.slice(0, 512)}, ${f.status}, ${f.code}, ${f.message?.slice(0, 1000) ?? null}, ${f.requestId})`,
  );
}

export interface UsageDay {
  day: string;
  endpoint: string;
  statusClass: string;
  requests: number;
  events: number;
}

export async function usageSince(db: Db, projectId: string, now: number, days = USAGE_DAYS): Promise<UsageDay[]> {
  const from = utcDay(now - (days - 1) * 86_400_000);
  return db.all<UsageDay>(sql`SELECT day, endpoint, status_class AS statusClass, requests, events
    FROM usage_daily WHERE project_id = ${projectId} AND day >= ${from} ORDER BY day LIMIT 5000`);
}

export async function recentFailures(db: Db, projectId: string, limit = 25): Promise<FailureRecord[]> {
  return db.all<FailureRecord>(sql`SELECT project_id AS projectId, at, method, path, status, code, message, request_id AS requestId
    FROM usage_failures WHERE project_id = ${projectId} ORDER BY at DESC LIMIT ${limit}`);
}

/** Keeps the failure log bounded: the newest MAX_FAILURES_KEPT per project, nothing older than 30 days. */
export async function pruneFailures(db: Db, now: number): Promise<void> {
  await batch(db, [
    statement(db, sql`DELETE FROM usage_failures WHERE at < ${now - USAGE_DAYS * 86_400_000}`),
    statement(
      db,
      sql`DELETE FROM usage_failures WHERE id IN (
         SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY at DESC) AS n FROM usage_failures)
         WHERE n > ${MAX_FAILURES_KEPT})`,
    ),
  ]);
}
