// Fills the project-tagged search index (search_fts, migration 0003) from events stored
// before it existed, in bounded, resumable steps: each chunk recomputes the index rows of
// the next older events from their stored columns and `raw`, and moves the state row's
// `below` mark in the same D1 batch, so a step interrupted anywhere resumes where the last
// batch committed. Runs from the Worker's scheduled() handler; running it again by hand
// (any number of times) only advances it.
//
// Phases: 'backfill' (searches read events_fts, writes go to both) → 'ready' (searches
// read search_fts, the old index is no longer written) → 'done' (events_fts dropped, a
// while later, so no request that read 'backfill' can still be using it).
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../../lib/db';
import { ROW_COLUMNS, toEvent, type ListRow } from '../rows';
import { FTS_COLUMNS, indexEntry } from './fts';
import type { SearchPhase } from './index-state';

/** Events read per chunk, and the JSON bound per statement (D1: 100 KB per statement). */
export const BACKFILL_CHUNK_EVENTS = 200;
export const BACKFILL_CHUNK_BYTES = 90_000;
/** A scheduled run stops starting chunks after this long (Workers: ~30 s for waitUntil work). */
export const BACKFILL_RUN_MS = 15_000;
/** The old index is dropped this long after searches left it. */
export const DROP_OLD_INDEX_AFTER_MS = 15 * 60_000;

export interface BackfillResult {
  phase: SearchPhase;
  /** Events indexed by this run. */
  indexed: number;
  /** Every event with seq >= below is in search_fts (null: not started). */
  below: number | null;
}

type StoredRow = ListRow & { seq: number };

/** Index rows for stored events, as JSON chunks under BACKFILL_CHUNK_BYTES each. */
function chunks(rows: StoredRow[]): { json: string; lowest: number }[] {
  const out: { json: string; lowest: number }[] = [];
  let current: string[] = [];
  let size = 2;
  let lowest = Infinity;
  for (const row of rows) {
    const { row: f, terms } = indexEntry(toEvent(row));
    const one = JSON.stringify({ s: row.seq, f: FTS_COLUMNS.map((c) => f[c]), w: terms });
    if (current.length > 0 && size + one.length + 1 > BACKFILL_CHUNK_BYTES) {
      out.push({ json: `[${current.join(',')}]`, lowest });
      current = [];
      size = 2;
    }
    current.push(one);
    size += one.length + 1;
    lowest = Math.min(lowest, row.seq);
  }
  if (current.length > 0) out.push({ json: `[${current.join(',')}]`, lowest });
  return out;
}

/** One chunk: the next older events into search_fts and search_vocab, and the mark moved (0 indexed: none left). */
async function step(db: Db, below: number | null): Promise<{ indexed: number; below: number | null }> {
  const rows = await db.all<StoredRow>(sql`
    SELECT seq, ${ROW_COLUMNS}
    FROM events WHERE seq < ${below ?? Number.MAX_SAFE_INTEGER} ORDER BY seq DESC LIMIT ${BACKFILL_CHUNK_EVENTS}`);
  if (rows.length === 0) return { indexed: 0, below };
  const statements: D1PreparedStatement[] = [];
  for (const c of chunks(rows)) {
    statements.push(
      // OR REPLACE: an event the write path already indexed is indexed again to the same row.
      statement(db, sql`INSERT OR REPLACE INTO search_fts (rowid, ${sql.raw(FTS_COLUMNS.join(', '))})
        SELECT j.value ->> 's', ${sql.raw(FTS_COLUMNS.map((_, i) => `j.value ->> '$.f[${i}]'`).join(', '))} FROM json_each(${c.json}) AS j`),
      statement(db, sql`INSERT OR IGNORE INTO search_vocab (term)
        SELECT DISTINCT w.value FROM json_each(${c.json}) AS j, json_each(j.value, '$.w') AS w`),
    );
  }
  const lowest = rows[rows.length - 1].seq;
  statements.push(statement(db, sql`UPDATE search_state SET below = ${lowest} WHERE id = 1`));
  await db.$client.batch(statements);
  return { indexed: rows.length, below: lowest };
}

/**
 * Advances the move to search_fts for up to `maxMs`: backfill chunks, then the switch,
 * then (DROP_OLD_INDEX_AFTER_MS later) dropping events_fts.
 */
export async function backfillSearchIndex(
  db: Db,
  now: number,
  limits: { ms?: number; chunks?: number } = {},
): Promise<BackfillResult> {
  const maxMs = limits.ms ?? BACKFILL_RUN_MS;
  const maxChunks = limits.chunks ?? Infinity;
  const started = Date.now();
  const state = await db.get<{ phase: SearchPhase; below: number | null; readyAt: number | null } | undefined>(
    sql`SELECT phase, below, ready_at AS readyAt FROM search_state WHERE id = 1`,
  );
  if (!state) return { phase: 'ready', indexed: 0, below: null };
  let { below } = state;
  let indexed = 0;
  if (state.phase === 'backfill') {
    for (let chunk = 0; chunk < maxChunks && Date.now() - started < maxMs; chunk++) {
      const r = await step(db, below);
      if (r.indexed === 0) {
        // Every event is in search_fts: searches switch, and the old index stops being written.
        await db.run(sql`UPDATE search_state SET phase = 'ready', ready_at = ${now} WHERE id = 1 AND phase = 'backfill'`);
        return { phase: 'ready', indexed, below };
      }
      indexed += r.indexed;
      below = r.below;
    }
    return { phase: 'backfill', indexed, below };
  }
  if (state.phase === 'ready' && now - (state.readyAt ?? 0) >= DROP_OLD_INDEX_AFTER_MS) {
    // The sink's trigger names events_fts: make it a no-op before the table goes.
    await db.$client.batch([
      db.$client.prepare('DROP TRIGGER IF EXISTS events_fts_sink_insert'),
      db.$client.prepare('CREATE TRIGGER events_fts_sink_insert INSTEAD OF INSERT ON events_fts_sink BEGIN SELECT 1; END'),
      db.$client.prepare('DROP TABLE IF EXISTS events_fts'),
      db.$client.prepare(`UPDATE search_state SET phase = 'done' WHERE id = 1`),
    ]);
    return { phase: 'done', indexed, below };
  }
  return { phase: state.phase, indexed, below };
}
