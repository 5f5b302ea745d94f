// Event storage in D1: the atomic write (events + search index rows and vocabulary +
// idempotency claim in one batch), and reading one event back. Lists and search: list.ts.
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';
import { EVENT_ID_PATTERN, newId } from '../lib/ids';
import type { AuditEvent, NewEvent } from './model';
import { claimStatement, settleClaim, type IdempotencyClaim, type StoredResponse, type WriteResult } from './claims';
import { listColumns, toEvent } from './rows';
import { events } from './schema';
import { encodeRaw, storedRawParam } from './stored-raw';
import { FTS_COLUMNS, indexEntry, legacyProjectToken, projectTag } from './search/fts';
import { notePhase, oldIndexMayBeWritten } from './search/index-state';

export type { Db, IdempotencyClaim, StoredResponse, WriteResult };

/** A bound JSON parameter stays well under D1's 2 MB value limit. */
export const CHUNK_BYTES = 512 * 1024;

interface PreparedRow {
  id: string;
  /** The events row's fields as JSON. */
  json: string;
  /** The search index row's columns (FTS_COLUMNS order) as a JSON array. */
  fts: string;
  /** The vocabulary keys of the row's words. */
  terms: string[];
  organizationId: string;
  action: string;
}

function prepareRow(e: NewEvent, id: string, projectId: string, receivedAt: number): PreparedRow {
  const full: AuditEvent = { ...e, id, projectId, receivedAt };
  const { row: f, terms } = indexEntry(full);
  // The columns as stored, which format 2 of stored-raw.ts deflates `raw` against (`t`: the targets column's text).
  const text = {
    organizationId: e.organizationId,
    action: e.action,
    actorId: e.actor.id,
    actorName: e.actor.name,
    actorEmail: e.actor.email,
    location: e.context.location ?? '',
    targets: JSON.stringify(e.targets.map((x) => [x.id, x.name, x.type])),
  };
  const row = {
    id,
    o: e.organizationId,
    a: e.action,
    at: e.actionType,
    ai: e.actor.id,
    an: e.actor.name,
    ae: e.actor.email,
    oc: e.occurredAt,
    v: e.version,
    s: e.source,
    ...storedRawParam(encodeRaw(e.raw, text)),
    // What filters compare, beside the deflated raw (search/sql.ts): location, actor type, targets.
    l: text.location,
    ty: e.actor.type,
    t: text.targets,
  };
  return { id, json: JSON.stringify(row), fts: JSON.stringify(FTS_COLUMNS.map((col) => f[col])), terms, organizationId: e.organizationId, action: e.action };
}

/**
 * A chunk of prepared rows as the JSON parameters its statements read, each only what its
 * statement needs: SQLite parses a `json_each` element again for every statement that reads
 * it (≈ 6 µs for a 1.3 KB event), so the rows, their index rows, the chunk's distinct
 * vocabulary keys and its catalog counts travel apart (the last two deduplicated here).
 */
export interface RowChunk {
  /** The events rows, a JSON array of objects. */
  rows: string;
  /** The search index rows, in the same order, a JSON array of arrays. */
  fts: string;
  /** The distinct vocabulary keys of the chunk, a JSON array. */
  vocab: string;
  /** The chunk's events per action and per organization, a JSON array of [kind, value, count]. */
  catalog: string;
  /** The id of the first row (its seq is the base of the index rows' rowids). */
  firstId: string;
}

/** The bytes a chunk binds. */
export const chunkBytes = (c: RowChunk): number => c.rows.length + c.fts.length + c.vocab.length + c.catalog.length;

function toChunk(rows: PreparedRow[]): RowChunk {
  const vocab = new Set<string>();
  const counts = new Map<string, [string, string, number]>();
  const count = (kind: string, value: string) => {
    const k = `${kind}\u0000${value}`;
    const c = counts.get(k);
    if (c) c[2]++;
    else counts.set(k, [kind, value, 1]);
  };
  for (const r of rows) {
    for (const t of r.terms) vocab.add(t);
    count('action', r.action);
    count('organization', r.organizationId);
  }
  return {
    rows: `[${rows.map((r) => r.json).join(',')}]`,
    fts: `[${rows.map((r) => r.fts).join(',')}]`,
    vocab: JSON.stringify([...vocab]),
    catalog: JSON.stringify([...counts.values()]),
    firstId: rows[0].id,
  };
}

function chunkRows(rows: PreparedRow[]): RowChunk[] {
  const chunks: RowChunk[] = [];
  let current: PreparedRow[] = [];
  let size = 2;
  for (const r of rows) {
    const bytes = r.json.length + r.fts.length + 2;
    if (current.length > 0 && size + bytes > CHUNK_BYTES) {
      chunks.push(toChunk(current));
      current = [];
      size = 2;
    }
    current.push(r);
    size += bytes;
  }
  if (current.length > 0) chunks.push(toChunk(current));
  return chunks;
}

export interface WriteInput {
  projectId: string;
  events: NewEvent[];
  now: number;
  requestId: string;
  idempotency?: IdempotencyClaim;
  respond: (ids: string[]) => StoredResponse;
}

/**
 * Everything a write needs, as plain data (it can cross to a Durable Object over RPC):
 * the events' ids and prepared rows, the answer to store with an idempotency claim.
 */
export interface WritePlan {
  /** The plan's shape (WRITE_PLAN_FORMAT): a committer refuses a plan of another shape. */
  format: number;
  projectId: string;
  now: number;
  requestId: string;
  idempotency?: IdempotencyClaim;
  ids: string[];
  /** The prepared rows in chunks, each under CHUNK_BYTES. */
  chunks: RowChunk[];
  response: StoredResponse;
}

/**
 * The shape of a WritePlan. Plans cross Durable Object RPC, and during a deploy a Worker of one
 * version may reach a committer of another: a plan of another shape is refused (a retryable
 * 503), never read as this one (a missing JSON parameter reads as zero rows and would commit
 * nothing). 2: chunks bind rows, index rows, vocabulary and catalog apart.
 */
export const WRITE_PLAN_FORMAT = 2;

/** Validated events → a write plan: ids assigned, rows prepared. No I/O. */
export function planWrite(input: WriteInput): WritePlan {
  const { projectId, now, requestId, idempotency } = input;
  const rows = input.events.map((e) => prepareRow(e, newId('event', now), projectId, now));
  const ids = rows.map((r) => r.id);
  return { format: WRITE_PLAN_FORMAT, projectId, now, requestId, idempotency, ids, chunks: chunkRows(rows), response: input.respond(ids) };
}

/**
 * The INSERT of events rows: `rows` a JSON array of prepareRow's objects (`j`), `receivedAt` an
 * SQL value, `guard` a WHERE clause over `j` (or nothing).
 */
export function insertEvents(projectId: string, rows: string, receivedAt: SQL, guard: SQL): SQL {
  return sql`INSERT INTO events (id, project_id, organization_id, action, action_type, actor_id, actor_name,
      actor_email, actor_type, location, targets, occurred_at, received_at, version, source, data, raw)
    SELECT j.value ->> 'id', ${projectId}, j.value ->> 'o', j.value ->> 'a', j.value ->> 'at', j.value ->> 'ai',
      j.value ->> 'an', j.value ->> 'ae', j.value ->> 'ty', j.value ->> 'l', j.value ->> 't', j.value ->> 'oc', ${receivedAt},
      j.value ->> 'v', j.value ->> 's', '', coalesce(unhex(j.value ->> 'rz'), j.value ->> 'r')
    FROM json_each(${rows}) AS j${guard}`;
}

/** The search index columns of `f.value ->> <path>[i]`, in FTS_COLUMNS order (`path`: '$' for a row array). */
export const ftsValues = (path: string): SQL => sql.raw(FTS_COLUMNS.map((_, i) => `f.value ->> '${path}[${i}]'`).join(', '));

/**
 * The statements of one write, to run inside one D1 batch (alone, or after other
 * writes' statements: a group commit). With an idempotency claim the claim comes first
 * and every event statement is guarded by "this request owns the claim", so concurrent
 * retries with one key write exactly one copy.
 */
export function writeStatements(db: Db, plan: WritePlan): D1PreparedStatement[] {
  const { projectId, now, requestId, idempotency } = plan;
  const ownsClaim = idempotency
    ? sql`EXISTS (SELECT 1 FROM idempotency_keys WHERE project_id = ${projectId} AND key_hash = ${idempotency.keyHash} AND owner = ${requestId})`
    : null;
  const owns = ownsClaim ? sql` WHERE ${ownsClaim}` : sql``;

  const statements: D1PreparedStatement[] = [];
  if (idempotency) statements.push(statement(db, claimStatement(projectId, [plan])));
  const sink = oldIndexMayBeWritten();
  const ftsColumns = ftsValues('$');
  for (const { rows, fts, vocab, catalog, firstId } of plan.chunks) {
    // The chunk's first seq: no row (so nothing below is written) when the events were not (a replayed claim).
    const base = sql`(SELECT seq AS base FROM events WHERE id = ${firstId}) AS b`;
    statements.push(
      statement(db, insertEvents(projectId, rows, sql`${now}`, owns)),
      statement(db, sql`INSERT INTO catalog (project_id, kind, value, events)
        SELECT ${projectId}, c.value ->> '$[0]', c.value ->> '$[1]', c.value ->> '$[2]' FROM ${base}, json_each(${catalog}) AS c
        WHERE true ON CONFLICT (project_id, kind, value) DO UPDATE SET events = events + excluded.events`),
      statement(db, sql`INSERT INTO search_fts (rowid, ${sql.raw(FTS_COLUMNS.join(', '))})
        SELECT b.base + f.key, ${ftsColumns} FROM ${base}, json_each(${fts}) AS f`),
      statement(db, sql`INSERT OR IGNORE INTO search_vocab (term) SELECT v.value FROM ${base}, json_each(${vocab}) AS v`),
    );
    if (sink) {
      statements.push(
        statement(db, sql`INSERT INTO events_fts_sink (seq, tag, project_token, ${sql.raw(FTS_COLUMNS.join(', '))})
          SELECT b.base + f.key, ${`${projectTag(projectId)}_`}, ${legacyProjectToken(projectId)}, ${ftsColumns}
          FROM ${base}, json_each(${fts}) AS f
          WHERE (SELECT phase FROM search_state WHERE id = 1) = 'backfill'`),
      );
    }
  }
  if (sink) statements.push(statement(db, sql`SELECT phase AS searchPhase FROM search_state WHERE id = 1`));
  return statements;
}

/** How many statements writeStatements gives a plan (the committer counts them without building them). */
export function statementCount(plan: WritePlan): number {
  const sink = oldIndexMayBeWritten();
  return (plan.idempotency ? 1 : 0) + plan.chunks.length * (sink ? 5 : 4) + (sink ? 1 : 0);
}

/**
 * What a write's batch results mean: written, or a replay of an earlier request with
 * the same idempotency claim (then its stored answer is read back).
 */
export async function settleWrite(db: Db, plan: WritePlan, results: D1Result[]): Promise<WriteResult> {
  notePhase((results[results.length - 1]?.results[0] as { searchPhase?: string } | undefined)?.searchPhase);
  // The claim statement returns a row only when this request inserted (or took over) the claim.
  return settleClaim(db, plan, plan.idempotency === undefined || results[0].results.length > 0);
}

/** Writes events atomically in one D1 batch (see writeStatements). */
export async function writeEvents(db: Db, input: WriteInput): Promise<WriteResult> {
  const plan = planWrite(input);
  return settleWrite(db, plan, await batch(db, writeStatements(db, plan)));
}

export async function getEvent(db: Db, projectId: string, id: string): Promise<AuditEvent | null> {
  if (!EVENT_ID_PATTERN.test(id)) return null;
  const [row] = await db
    .select(listColumns)
    .from(events)
    .where(and(eq(events.id, id), eq(events.projectId, projectId)))
    .limit(1);
  return row ? toEvent(row) : null;
}
