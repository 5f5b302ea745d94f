// What a project has seen: its actions and organizations (kept at ingest by a trigger,
// so the dashboard's filter pickers never scan events), whether it has any events at
// all, and which search words are exactly one of its actions.
import { sql } from 'drizzle-orm';
import type { Db } from '../lib/db';

export type CatalogKind = 'action' | 'organization';

/** Distinct actions or organizations seen in a project (for filter pickers), bounded. */
export async function catalogValues(db: Db, projectId: string, kind: CatalogKind, max = 500): Promise<string[]> {
  const rows = await db.all<{ value: string }>(
    sql`SELECT value FROM catalog WHERE project_id = ${projectId} AND kind = ${kind} ORDER BY value LIMIT ${max}`,
  );
  return rows.map((r) => r.value);
}

/** True once the project holds at least one event. */
export async function hasEvents(db: Db, projectId: string): Promise<boolean> {
  const row = await db.get<{ x: number } | undefined>(sql`SELECT 1 AS x FROM events WHERE project_id = ${projectId} LIMIT 1`);
  return row !== undefined;
}

/**
 * Each project's actions, remembered by the isolate for ACTION_CACHE_TTL_MS so that
 * recognising an action name in a search costs no round trip. A new action is
 * recognised within that time; until then it is searched as text (same results, slower).
 */
export const ACTION_CACHE_TTL_MS = 30_000;
const MAX_CACHED_ACTIONS = 2_000;
const actionCache = new Map<string, { actions: Set<string>; complete: boolean; until: number }>();

/** Which of `candidates` are exactly the name of an action this project has seen. */
export async function knownActions(db: Db, projectId: string, candidates: string[], now: number): Promise<string[]> {
  if (candidates.length === 0) return [];
  let known = actionCache.get(projectId);
  if (!known || known.until <= now) {
    const rows = await db.all<{ value: string }>(
      sql`SELECT value FROM catalog WHERE project_id = ${projectId} AND kind = 'action' LIMIT ${MAX_CACHED_ACTIONS + 1}`,
    );
    known = { actions: new Set(rows.map((r) => r.value)), complete: rows.length <= MAX_CACHED_ACTIONS, until: now + ACTION_CACHE_TTL_MS };
    actionCache.set(projectId, known);
  }
  if (known.complete) return candidates.filter((a) => known.actions.has(a));
  const rows = await db.all<{ value: string }>(
    sql`SELECT value FROM catalog WHERE project_id = ${projectId} AND kind = 'action' AND value IN ${candidates}`,
  );
  return rows.map((r) => r.value);
}
