// The statements of a committer's group (events/committer.ts) merged: several single-event
// writes of one project in one statement per table instead of five statements each. Per
// statement, local D1 and the D1 client pay a fixed cost (preparing it, its result object, its
// trace span), and one D1 database runs one statement at a time; a group of seven single
// events goes from 35 statements to 5.
//
// Each write still stands alone inside the shared statements: its claim is taken or not
// (`RETURNING` says which), its event row is written only under the claim it holds, and its
// catalog counts, search row and vocabulary only when its event row was written. So a replay,
// or a second claim of a key inside the same statement, writes nothing, as it would alone.
import { sql, type SQL } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';
import { FTS_COLUMNS } from './search/fts';
import { oldIndexMayBeWritten } from './search/index-state';
import { claimStatement } from './claims';
import { CHUNK_BYTES, chunkBytes, ftsValues, insertEvents, type WritePlan } from './store';

/**
 * Whether a group's writes can share statements: more than one, each a single event (what the
 * committer receives), and not while the old search index may still be written (its sink rows
 * keep the per-write statements).
 */
export function canMerge(plans: readonly WritePlan[]): boolean {
  return plans.length > 1 && !oldIndexMayBeWritten() && plans.every((p) => p.ids.length === 1 && p.chunks.length === 1);
}

/** A single-element JSON array's element, as text (a single-event chunk's row, index row). */
function only(array: string): string {
  return array.slice(1, -1);
}

/**
 * The merged statements: every claim in one statement (first), then per run of writes under
 * CHUNK_BYTES the events, catalog counts, search rows and vocabulary, one statement each.
 */
export function groupStatements(db: Db, plans: readonly WritePlan[]): D1PreparedStatement[] {
  const projectId = plans[0].projectId;
  const statements: D1PreparedStatement[] = [];
  if (plans.some((p) => p.idempotency !== undefined)) statements.push(statement(db, claimStatement(projectId, plans)));
  let run: WritePlan[] = [];
  let bytes = 0;
  for (const p of plans) {
    // Its bound bytes, with its claim, clock and id added to its row, catalog counts and vocabulary.
    const size = chunkBytes(p.chunks[0]) + 200 + (p.ids[0].length + 4) * (p.chunks[0].vocab.split(',').length + 3);
    if (run.length > 0 && bytes + size > CHUNK_BYTES) {
      statements.push(...runStatements(db, projectId, run));
      run = [];
      bytes = 0;
    }
    run.push(p);
    bytes += size;
  }
  statements.push(...runStatements(db, projectId, run));
  return statements;
}

/** The four statements of a run of single-event writes. */
function runStatements(db: Db, projectId: string, run: readonly WritePlan[]): D1PreparedStatement[] {
  // Each event row with its write's clock and claim (`rn`, `kh`, `rq`: keys a row never has).
  const rows = `[${run
    .map((p) => `{"rn":${p.now},"kh":${JSON.stringify(p.idempotency?.keyHash ?? null)},"rq":${JSON.stringify(p.requestId)},${only(p.chunks[0].rows).slice(1)}`)
    .join(',')}]`;
  const holdsClaim = sql` WHERE j.value ->> 'kh' IS NULL OR EXISTS (SELECT 1 FROM idempotency_keys
    WHERE project_id = ${projectId} AND key_hash = j.value ->> 'kh' AND owner = j.value ->> 'rq')`;
  // The ids of this run's events; `written` keeps those whose row is there.
  const ids = JSON.stringify(run.map((p) => p.ids[0]));
  const written = sql`written AS MATERIALIZED (SELECT e.seq AS seq, e.id AS id FROM json_each(${ids}) AS w CROSS JOIN events AS e ON e.id = w.value)`;
  const catalog = JSON.stringify(run.flatMap((p) => (JSON.parse(p.chunks[0].catalog) as unknown[][]).map((c) => [...c, p.ids[0]])));
  const search = `[${run.map((p) => `[${JSON.stringify(p.ids[0])},${only(p.chunks[0].fts)}]`).join(',')}]`;
  const vocab = JSON.stringify(run.flatMap((p) => (JSON.parse(p.chunks[0].vocab) as string[]).map((t) => [t, p.ids[0]])));
  return [
    statement(db, insertEvents(projectId, rows, sql`j.value ->> 'rn'`, holdsClaim)),
    statement(db, sql`WITH ${written} INSERT INTO catalog (project_id, kind, value, events)
      SELECT ${projectId}, c.value ->> '$[0]', c.value ->> '$[1]', c.value ->> '$[2]' FROM json_each(${catalog}) AS c
      WHERE c.value ->> '$[3]' IN (SELECT id FROM written)
      ON CONFLICT (project_id, kind, value) DO UPDATE SET events = events + excluded.events`),
    statement(db, sql`WITH ${written} INSERT INTO search_fts (rowid, ${sql.raw(FTS_COLUMNS.join(', '))})
      SELECT w.seq, ${ftsValues('$[1]')} FROM json_each(${search}) AS f CROSS JOIN written AS w ON w.id = f.value ->> '$[0]'`),
    statement(db, sql`WITH ${written} INSERT OR IGNORE INTO search_vocab (term)
      SELECT v.value ->> '$[0]' FROM json_each(${vocab}) AS v WHERE v.value ->> '$[1]' IN (SELECT id FROM written)`),
  ];
}

/**
 * Whether each write of a merged group holds its claim (no claim: written), from the claim statement's answer: a
 * returned (key, owner) is held by that owner. Only one write per key can be returned: a claim taken in this
 * statement is fresh, so the expiry rule refuses a second taking of it in the same statement.
 */
export function claimsHeld(plans: readonly WritePlan[], results: readonly D1Result[]): boolean[] {
  if (!plans.some((p) => p.idempotency !== undefined)) return plans.map(() => true);
  const taken = new Set((results[0].results as { keyHash: string; owner: string }[]).map((r) => `${r.keyHash}\u0000${r.owner}`));
  return plans.map((p) => p.idempotency === undefined || taken.has(`${p.idempotency.keyHash}\u0000${p.requestId}`));
}
