// Deleting expired events with everything that refers to them: their search index rows
// (search_fts is contentless with contentless_delete: a row goes by its rowid), their target
// rows, the vocabulary words no remaining event has, and (by trigger, migration 0007) their
// catalog counts. One chunk is one D1 batch, so an event is gone with all of it or not at all.
// Every deletion is guarded by "the organization is not on legal hold", checked inside the
// same transaction, so a hold set while a purge runs stops it. Which organizations expire
// and when is organizations/expiry.ts.
import { sql, type SQL } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';
import { jsonChunks } from '../lib/json-chunks';
import { ROW_COLUMNS, toEvent, type ListRow } from './rows';
import { indexEntry, isStemKey, PRIMARY_COLUMNS, VOCAB_PRIMARY } from './search/fts';

/** Events per chunk: a chunk's reads and its batch stay far inside D1's 30 s and 100 KB per statement. */
export const PURGE_CHUNK_EVENTS = 200;
/** JSON bound per statement (D1: 100 KB per statement). */
const MAX_BOUND_JSON = 90_000;

export interface PurgeChunkInput {
  projectId: string;
  organizationId: string;
  /** Events that occurred before this (ms) are expired. */
  cutoff: number;
  /** When the scheduled run started (groups the chunks of one run in `purges`). */
  run: number;
  now: number;
  max?: number;
}

export interface PurgeChunkResult {
  /** Events removed (0: nothing expired, or the organization is on hold). */
  events: number;
  targets: number;
  /** Vocabulary words removed because no remaining event has them. */
  words: number;
  /** True when the chunk was full: more may be expired. */
  more: boolean;
}

type StoredRow = ListRow & { seq: number };

/**
 * Deletes up to `max` of the organization's oldest events that occurred before `cutoff`,
 * with their index rows, targets and vocabulary, and records what went in `purges`.
 */
export async function purgeChunk(db: Db, input: PurgeChunkInput): Promise<PurgeChunkResult> {
  const { projectId, organizationId, cutoff, run, now } = input;
  const max = input.max ?? PURGE_CHUNK_EVENTS;
  const rows = await db.all<StoredRow>(sql`
    SELECT seq, ${ROW_COLUMNS}
    FROM events WHERE project_id = ${projectId} AND organization_id = ${organizationId} AND occurred_at < ${cutoff}
    ORDER BY occurred_at LIMIT ${max}`);
  if (rows.length === 0) return { events: 0, targets: 0, words: 0, more: false };

  const seqs = JSON.stringify(rows.map((r) => r.seq));
  const words = new Set<string>();
  const targets: [string, number][] = [];
  for (const row of rows) {
    const event = toEvent(row);
    for (const w of indexEntry(event).terms) if (!isStemKey(w)) words.add(w);
    for (const t of event.targets) targets.push([t.id, row.seq]);
  }

  const notHeld: SQL = sql`NOT EXISTS (SELECT 1 FROM organization_settings AS h
    WHERE h.project_id = ${projectId} AND h.organization_id = ${organizationId} AND h.legal_hold = 1)`;
  // The chunk's events that are still there (a purge running beside this one may have taken some).
  // The unary `+` keeps SQLite on the rowid lookups (the organization's index would walk all its events).
  const present: SQL = sql`SELECT seq FROM events WHERE seq IN (SELECT CAST(value AS INTEGER) FROM json_each(${seqs}))
    AND +project_id = ${projectId} AND +organization_id = ${organizationId}`;
  const targetChunks = jsonChunks(targets, MAX_BOUND_JSON);
  const targetRows = (chunk: string): SQL => sql`SELECT t.value ->> '$[0]' AS target_id, CAST(t.value ->> '$[1]' AS INTEGER) AS event_seq
    FROM json_each(${chunk}) AS t WHERE CAST(t.value ->> '$[1]' AS INTEGER) IN (${present})`;

  const statements: D1PreparedStatement[] = [
    // What this chunk removes, counted before anything goes (nothing is written when held).
    statement(db, sql`INSERT INTO purges (run, project_id, organization_id, at, cutoff, events, targets, oldest, newest)
      SELECT ${run}, ${projectId}, ${organizationId}, ${now}, ${cutoff}, count(*), ${targets.length}, min(occurred_at), max(occurred_at)
      FROM events WHERE seq IN (${present}) AND ${notHeld} HAVING count(*) > 0 RETURNING events`),
    statement(db, sql`DELETE FROM search_fts WHERE rowid IN (${present}) AND ${notHeld}`),
    ...targetChunks.map((chunk) =>
      statement(db, sql`DELETE FROM event_targets WHERE project_id = ${projectId} AND (target_id, event_seq) IN (${targetRows(chunk)}) AND ${notHeld}`),
    ),
    statement(db, sql`DELETE FROM events WHERE seq IN (${present}) AND ${notHeld}`),
    // Words no remaining event has in the columns their key stands for (p: the primary columns, m: meta).
    ...jsonChunks([...words], MAX_BOUND_JSON).map((chunk) =>
      statement(db, sql`DELETE FROM search_vocab WHERE term IN (SELECT value FROM json_each(${chunk}))
        AND NOT EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH
          (CASE WHEN substr(term, 1, 1) = ${VOCAB_PRIMARY} THEN ${PRIMARY_COLUMNS + ' : "'} ELSE 'meta : "' END) || substr(term, 2) || '"' LIMIT 1)`),
    ),
  ];
  const results = await batch(db, statements);
  // The record's count: D1's `changes` of the events delete also counts the catalog trigger's updates.
  const removed = (results[0].results[0] as { events: number } | undefined)?.events ?? 0;
  const targetsRemoved = results.slice(2, 2 + targetChunks.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  const wordsRemoved = results.slice(3 + targetChunks.length).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  return { events: removed, targets: targetsRemoved, words: wordsRemoved, more: rows.length === max && removed > 0 };
}
