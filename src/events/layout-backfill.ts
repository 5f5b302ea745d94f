// Moves events written before migration 0014 to the current row, a bounded chunk at a time,
// newest first: `raw` deflated (stored-raw.ts), `location`, `actor_type` and `targets` written
// for the filters (search/sql.ts), `data` emptied and `user_agent` NULL (rows from before 0005
// still carry those copies). Then it empties the retired `event_targets` table, a bounded
// number of rows at a time. Each chunk's rewrite and the moved `below` mark commit in one D1
// batch, so an interrupted run resumes where the last batch committed; reads handle both forms
// of a row (`targets IS NULL`: the old one), so there is no switch and no downtime. Runs from
// the Worker's scheduled() handler; running it again by hand only advances it.
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';
import { jsonChunks } from '../lib/json-chunks';
import type { EventSource } from './model';
import { rawParts } from './raw';
import { decodeRaw, encodeRaw, storedRawParam, type StoredRaw } from './stored-raw';

/** Rows read and rewritten per chunk. */
export const LAYOUT_CHUNK_EVENTS = 200;
/** JSON bound per UPDATE statement (a bound value: far inside D1's 2 MB per value). */
export const LAYOUT_CHUNK_BYTES = 256 * 1024;
/** Rows of the retired targets table deleted per chunk. */
export const LAYOUT_CHUNK_TARGETS = 2_000;
/** A scheduled run stops starting chunks after this long (Workers: ~30 s for waitUntil work). */
export const LAYOUT_RUN_MS = 10_000;

export interface LayoutBackfillResult {
  done: boolean;
  /** Rows rewritten by this run. */
  moved: number;
  /** Rows of the retired targets table deleted by this run. */
  targetsDeleted: number;
  /** Every event with seq >= below is in the current row (null: not started). */
  below: number | null;
}

interface OldRow {
  seq: number;
  source: EventSource;
  raw: StoredRaw;
  organizationId: string;
  action: string;
  actorId: string;
  actorName: string | null;
  actorEmail: string | null;
}

/** An old row in the current form, as a JSON object for the UPDATE (the same fields store.ts writes). */
function currentForm(row: OldRow): object {
  const raw = decodeRaw(row.raw);
  const parts = rawParts(row.source, raw);
  // The row's columns as they will be stored: the unchanged ones as read, the new ones as written here.
  const text = { ...row, location: parts.context.location ?? '', targets: JSON.stringify(parts.targets.map((x) => [x.id, x.name, x.type])) };
  return {
    s: row.seq,
    ...storedRawParam(encodeRaw(raw, text)),
    l: text.location,
    ty: parts.actor.type,
    t: text.targets,
  };
}

/** One chunk below the mark: the next LAYOUT_CHUNK_EVENTS older rows still in an old form rewritten, the mark moved. */
async function step(db: Db, below: number): Promise<{ moved: number; below: number }> {
  const rows = await db.all<OldRow>(sql`SELECT seq, source, raw, organization_id AS organizationId, action,
      actor_id AS actorId, actor_name AS actorName, actor_email AS actorEmail FROM events
    WHERE seq < ${below} AND targets IS NULL ORDER BY seq DESC LIMIT ${LAYOUT_CHUNK_EVENTS}`);
  if (rows.length === 0) {
    await db.run(sql`UPDATE layout_state SET below = 0 WHERE id = 1`);
    return { moved: 0, below: 0 };
  }
  const lowest = rows[rows.length - 1].seq;
  const results = await db.$client.batch([
    // `targets IS NULL` again: a row rewritten by a run beside this one is left as it is.
    ...jsonChunks(rows.map(currentForm), LAYOUT_CHUNK_BYTES).map((chunk) =>
      statement(db, sql`UPDATE events SET data = '', user_agent = NULL, location = j.value ->> 'l',
          actor_type = j.value ->> 'ty', targets = j.value ->> 't', raw = coalesce(unhex(j.value ->> 'rz'), j.value ->> 'r')
        FROM json_each(${chunk}) AS j WHERE events.seq = j.value ->> 's' AND events.targets IS NULL`),
    ),
    statement(db, sql`UPDATE layout_state SET below = ${lowest} WHERE id = 1`),
  ]);
  const moved = results.slice(0, -1).reduce((n, r) => n + (r.meta.changes ?? 0), 0);
  return { moved, below: lowest };
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

/** Advances the move to the current row for up to `maxMs` (or `chunks` chunks). */
export async function backfillLayout(db: Db, limits: { ms?: number; chunks?: number } = {}): Promise<LayoutBackfillResult> {
  const maxMs = limits.ms ?? LAYOUT_RUN_MS;
  const maxChunks = limits.chunks ?? Infinity;
  const started = Date.now();
  const state = await db.get<{ below: number | null; done: number } | undefined>(sql`SELECT below, done FROM layout_state WHERE id = 1`);
  if (!state || state.done) return { done: true, moved: 0, targetsDeleted: 0, below: state?.below ?? null };
  // Started by the first run of the code that writes current rows: every older row is below the mark.
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
