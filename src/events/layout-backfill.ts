// Moves events written before migration 0005 to the lean row: empties their `data`,
// `location`, `actor_type` and `user_agent` (all read from `raw` now, see rows.ts), a
// bounded chunk at a time, newest first; then empties `event_targets` (target filters read
// the index and `raw` now, see search/sql.ts), a bounded number of rows at a time. Each chunk and the moved `below` mark commit in
// one D1 batch, so an interrupted run resumes where the last batch committed; reads never
// depend on a row's progress, so there is no switch and no downtime. Runs from the
// Worker's scheduled() handler; running it again by hand only advances it.
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';

/** Rows rewritten per chunk: one UPDATE of this many small rows is far inside D1's limits. */
export const LAYOUT_CHUNK_EVENTS = 500;
/** Rows of the retired targets table deleted per chunk. */
export const LAYOUT_CHUNK_TARGETS = 2_000;
/** A scheduled run stops starting chunks after this long (Workers: ~30 s for waitUntil work). */
export const LAYOUT_RUN_MS = 10_000;

export interface LayoutBackfillResult {
  done: boolean;
  /** Rows made lean by this run. */
  moved: number;
  /** Rows of the retired targets table deleted by this run. */
  targetsDeleted: number;
  /** Every event with seq >= below is lean (null: not started). */
  below: number | null;
}

/** One chunk below the mark: the next LAYOUT_CHUNK_EVENTS older events emptied, the mark moved. */
async function step(db: Db, below: number): Promise<{ moved: number; below: number }> {
  const lowest = sql`(SELECT min(seq) FROM (SELECT seq FROM events WHERE seq < ${below} ORDER BY seq DESC LIMIT ${LAYOUT_CHUNK_EVENTS}))`;
  const [moved, mark] = await db.$client.batch<{ below: number }>([
    statement(db, sql`UPDATE events SET data = '', location = '', actor_type = NULL, user_agent = NULL
      WHERE seq >= ${lowest} AND seq < ${below} AND (data <> '' OR location <> '' OR actor_type IS NOT NULL OR user_agent IS NOT NULL)`),
    statement(db, sql`UPDATE layout_state SET below = coalesce(${lowest}, 0) WHERE id = 1 RETURNING below`),
  ]);
  return { moved: moved.meta.changes ?? 0, below: mark.results[0]?.below ?? 0 };
}

/** One chunk of the retired targets table deleted (0: it is empty). */
async function dropTargets(db: Db): Promise<number> {
  const r = await statement(
    db,
    sql`DELETE FROM event_targets WHERE (project_id, target_id, event_seq, position) IN (
      SELECT project_id, target_id, event_seq, position FROM event_targets LIMIT ${LAYOUT_CHUNK_TARGETS})`,
  ).run();
  return r.meta.changes ?? 0;
}

/** Advances the move to the lean row for up to `maxMs` (or `chunks` chunks). */
export async function backfillLayout(db: Db, limits: { ms?: number; chunks?: number } = {}): Promise<LayoutBackfillResult> {
  const maxMs = limits.ms ?? LAYOUT_RUN_MS;
  const maxChunks = limits.chunks ?? Infinity;
  const started = Date.now();
  const state = await db.get<{ below: number | null; done: number } | undefined>(sql`SELECT below, done FROM layout_state WHERE id = 1`);
  if (!state || state.done) return { done: true, moved: 0, targetsDeleted: 0, below: state?.below ?? null };
  // Started by the first run of the code that writes lean rows: every older row is below the mark.
  let below = state.below ?? ((await db.get<{ top: number | null }>(sql`SELECT max(seq) AS top FROM events`))?.top ?? 0) + 1;
  let moved = 0;
  let targetsDeleted = 0;
  for (let chunk = 0; chunk < maxChunks && Date.now() - started < maxMs; chunk++) {
    if (below > 1) {
      const r = await step(db, below);
      moved += r.moved;
      below = r.below;
      continue;
    }
    const deleted = await dropTargets(db);
    targetsDeleted += deleted;
    if (deleted === 0) {
      await db.run(sql`UPDATE layout_state SET done = 1, below = 0 WHERE id = 1`);
      return { done: true, moved, targetsDeleted, below: 0 };
    }
  }
  return { done: false, moved, targetsDeleted, below };
}
