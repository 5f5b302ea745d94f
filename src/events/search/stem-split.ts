// Moves identifier stems written before migration 0016 to their column group: a vocabulary key
// `i<tag>_<stem>` whose stem no identifier in a primary column has becomes `j<tag>_<stem>`
// (see VOCAB_STEM in fts.ts). Bounded, resumable chunks from the hourly cron, each one D1
// batch (one transaction): the chunk's end, the keys to move (one FTS5 prefix read per key,
// at most 1 entry), the move, the mark. A concurrent write that adds the stem to a primary
// column either commits first (the check sees it and keeps `i`) or after (its own
// `INSERT OR IGNORE` puts `i` back): D1 runs one transaction at a time.
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../../lib/db';
import { PRIMARY_COLUMNS, VOCAB_META_STEM } from './fts';

/** Keys checked per chunk: ≈ 10 ms of SQLite time at p50, 24 ms at p95 on the bench's 1,000,000 events (docs/performance.md). */
export const STEM_SPLIT_CHUNK = 500;
/** A scheduled run stops starting chunks after this long. */
export const STEM_SPLIT_RUN_MS = 10_000;

export interface StemSplitResult {
  /** Keys moved to `j` by this run. */
  moved: number;
  /** Every key is checked (the state row is gone). */
  done: boolean;
}

/** One chunk: its keys checked, the ones to move moved, the mark advanced (or the row deleted when none was left). */
async function step(db: Db, chunk: number): Promise<{ moved: number; done: boolean }> {
  const [, , found] = await db.$client.batch<{ moved: number | null; upto: string | null }>([
    statement(db, sql`UPDATE stem_split_state SET upto = (
      SELECT max(term) FROM (SELECT term FROM search_vocab
        WHERE term > (SELECT after FROM stem_split_state WHERE id = 1) AND term < ${VOCAB_META_STEM} ORDER BY term LIMIT ${chunk})) WHERE id = 1`),
    // A stem of one character (a word that starts with a digit) stays: nearly every project has
    // such identifiers in a primary column (event ids), and checking one reads a doclist as long
    // as the project's events.
    statement(db, sql`UPDATE stem_split_state SET moving = (
      SELECT json_group_array(v.term) FROM search_vocab AS v
      WHERE v.term > stem_split_state.after AND v.term <= stem_split_state.upto AND length(v.term) - instr(v.term, '_') > 1
        AND NOT EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH (${PRIMARY_COLUMNS} || ' : "' || substr(v.term, 2) || '" *'))) WHERE id = 1`),
    statement(db, sql`SELECT json_array_length(moving) AS moved, upto FROM stem_split_state WHERE id = 1`),
    statement(db, sql`INSERT OR IGNORE INTO search_vocab (term)
      SELECT ${VOCAB_META_STEM} || substr(value, 2) FROM json_each((SELECT moving FROM stem_split_state WHERE id = 1))`),
    statement(db, sql`DELETE FROM search_vocab WHERE term IN (SELECT value FROM json_each((SELECT moving FROM stem_split_state WHERE id = 1)))`),
    statement(db, sql`DELETE FROM stem_split_state WHERE id = 1 AND upto IS NULL`),
    statement(db, sql`UPDATE stem_split_state SET after = upto, upto = NULL, moving = NULL WHERE id = 1`),
  ]);
  const row = found.results[0];
  return { moved: row?.moved ?? 0, done: !row || row.upto === null };
}

/** Checks `i` keys for up to `ms` (or `chunks` chunks); what it moved, and whether every key is checked. */
export async function splitVocabularyStems(db: Db, limits: { ms?: number; chunks?: number; chunk?: number } = {}): Promise<StemSplitResult> {
  const started = Date.now();
  const maxChunks = limits.chunks ?? Infinity;
  const pending = await db.get<{ after: string } | undefined>(sql`SELECT after FROM stem_split_state WHERE id = 1`);
  if (!pending) return { moved: 0, done: true };
  let moved = 0;
  for (let n = 0; n < maxChunks && Date.now() - started < (limits.ms ?? STEM_SPLIT_RUN_MS); n++) {
    let r: { moved: number; done: boolean };
    try {
      r = await step(db, limits.chunk ?? STEM_SPLIT_CHUNK);
    } catch (error) {
      // The chunk's batch rolled back (nothing moved, the mark unchanged): searches stay exact
      // on `i` keys, and the next run tries the chunk again. Said once, where it happened.
      console.error(`stem split: a chunk failed, the next run retries it: ${error instanceof Error ? error.message : String(error)}`);
      return { moved, done: false };
    }
    moved += r.moved;
    if (r.done) return { moved, done: true };
  }
  return { moved, done: false };
}
