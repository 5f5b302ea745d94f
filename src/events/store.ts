// Event storage in D1: the atomic write (events + FTS rows + targets + idempotency
// claim in one batch), reading one event, and keyset-paginated lists.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { DrizzleD1Database } from 'drizzle-orm/d1';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import { AppError } from '../lib/errors';
import { EVENT_ID_PATTERN, newId } from '../lib/ids';
import { IDEMPOTENCY_TTL_MS } from './limits';
import type { ActionType, AuditEvent, NewEvent } from './model';
import { events } from './schema';
import { ftsRow, PRIMARY_COLUMNS, toMatchExpression } from './search';

export type Db = DrizzleD1Database<Record<string, never>> & { $client: D1Database };

const dialect = new SQLiteAsyncDialect();

/**
 * A drizzle `sql` fragment as a D1 statement. drizzle's own batch() cannot take raw
 * `sql` queries with parameters (it loses their prepared statement), so writes that
 * need one transaction go through D1's batch() directly.
 */
function statement(db: Db, query: SQL): D1PreparedStatement {
  const q = dialect.sqlToQuery(query);
  return db.$client.prepare(q.sql).bind(...q.params);
}

/** A bound JSON parameter stays well under D1's 2 MB value limit. */
const CHUNK_BYTES = 512 * 1024;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyClaim {
  /** sha256 of what identifies the request (key, and for Audit Logs the content too). */
  keyHash: string;
  /** sha256 of the canonical request body: a reused key with another body is refused. */
  fingerprint: string;
}

export type WriteResult =
  | { replayed: false; ids: string[]; response: StoredResponse }
  | { replayed: true; sameRequest: boolean; response: StoredResponse };

interface PreparedRow {
  id: string;
  json: string;
}

function prepareRow(e: NewEvent, id: string, projectId: string, receivedAt: number): PreparedRow {
  const full: AuditEvent = { ...e, id, projectId, receivedAt };
  const f = ftsRow(full);
  const data = { actor: e.actor, targets: e.targets, context: e.context, metadata: e.metadata };
  const row = {
    id,
    o: e.organizationId,
    a: e.action,
    at: e.actionType,
    ai: e.actor.id,
    an: e.actor.name,
    aty: e.actor.type,
    ae: e.actor.email,
    l: e.context.location,
    ua: e.context.userAgent,
    oc: e.occurredAt,
    v: e.version,
    s: e.source,
    d: JSON.stringify(data),
    r: e.raw,
    fi: f.ids,
    fe: f.email,
    fn: f.names,
    fa: f.action,
    fp: f.place,
    fm: f.meta,
    t: e.targets.map((t) => ({ id: t.id, type: t.type, name: t.name })),
  };
  return { id, json: JSON.stringify(row) };
}

function chunkRows(rows: PreparedRow[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const r of rows) {
    if (current.length > 0 && size + r.json.length + 1 > CHUNK_BYTES) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      size = 2;
    }
    current.push(r.json);
    size += r.json.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(',')}]`);
  return chunks;
}

/**
 * Writes events atomically. With an idempotency claim, the claim and the events go
 * in one batch and the events are written only if this request owns the claim, so
 * concurrent retries with one key write exactly one copy; the loser gets the
 * winner's stored response.
 */
export async function writeEvents(
  db: Db,
  input: {
    projectId: string;
    events: NewEvent[];
    now: number;
    requestId: string;
    idempotency?: IdempotencyClaim;
    respond: (ids: string[]) => StoredResponse;
    /** Statements that must commit with the events (the usage counter). */
    alongside?: D1PreparedStatement[];
  },
): Promise<WriteResult> {
  const { projectId, now, requestId, idempotency } = input;
  const rows = input.events.map((e) => prepareRow(e, newId('event', now), projectId, now));
  const ids = rows.map((r) => r.id);
  const response = input.respond(ids);

  const owns = idempotency
    ? sql` WHERE EXISTS (SELECT 1 FROM idempotency_keys WHERE project_id = ${projectId} AND key_hash = ${idempotency.keyHash} AND owner = ${requestId})`
    : sql``;

  const statements: D1PreparedStatement[] = [];
  if (idempotency) {
    statements.push(
      statement(db, sql`INSERT INTO idempotency_keys (project_id, key_hash, fingerprint, owner, status, response, created_at)
        VALUES (${projectId}, ${idempotency.keyHash}, ${idempotency.fingerprint}, ${requestId}, ${response.status}, ${JSON.stringify(response.body)}, ${now})
        ON CONFLICT (project_id, key_hash) DO UPDATE SET
          fingerprint = excluded.fingerprint, owner = excluded.owner, status = excluded.status,
          response = excluded.response, created_at = excluded.created_at
        WHERE idempotency_keys.created_at <= ${now - IDEMPOTENCY_TTL_MS}`),
    );
  }
  for (const chunk of chunkRows(rows)) {
    statements.push(
      statement(db, sql`INSERT INTO events (id, project_id, organization_id, action, action_type, actor_id, actor_name,
          actor_type, actor_email, location, user_agent, occurred_at, received_at, version, source, data, raw)
        SELECT j.value ->> 'id', ${projectId}, j.value ->> 'o', j.value ->> 'a', j.value ->> 'at', j.value ->> 'ai',
          j.value ->> 'an', j.value ->> 'aty', j.value ->> 'ae', j.value ->> 'l', j.value ->> 'ua', j.value ->> 'oc',
          ${now}, j.value ->> 'v', j.value ->> 's', j.value ->> 'd', j.value ->> 'r'
        FROM json_each(${chunk}) AS j${owns}`),
      statement(db, sql`INSERT INTO events_fts (rowid, ids, email, names, action, place, meta)
        SELECT e.seq, j.value ->> 'fi', j.value ->> 'fe', j.value ->> 'fn', j.value ->> 'fa', j.value ->> 'fp', j.value ->> 'fm'
        FROM json_each(${chunk}) AS j JOIN events AS e ON e.id = j.value ->> 'id'`),
      statement(db, sql`INSERT INTO event_targets (project_id, target_id, target_type, target_name, event_seq, position)
        SELECT ${projectId}, t.value ->> 'id', t.value ->> 'type', t.value ->> 'name', e.seq, t.key
        FROM json_each(${chunk}) AS j JOIN events AS e ON e.id = j.value ->> 'id', json_each(j.value, '$.t') AS t`),
      statement(db, sql`INSERT OR IGNORE INTO catalog (project_id, kind, value)
        SELECT DISTINCT ${projectId}, 'action', j.value ->> 'a' FROM json_each(${chunk}) AS j
        UNION SELECT DISTINCT ${projectId}, 'organization', j.value ->> 'o' FROM json_each(${chunk}) AS j`),
    );
  }
  statements.push(...(input.alongside ?? []));
  if (!idempotency) {
    await db.$client.batch(statements);
    return { replayed: false, ids, response };
  }
  statements.push(
    statement(db, sql`SELECT owner, fingerprint, status, response FROM idempotency_keys
        WHERE project_id = ${projectId} AND key_hash = ${idempotency.keyHash}`),
  );
  const results = await db.$client.batch<{ owner: string; fingerprint: string; status: number; response: string }>(statements);
  const holder = results[results.length - 1].results[0];
  if (holder && holder.owner === requestId) return { replayed: false, ids, response };
  return {
    replayed: true,
    sameRequest: holder?.fingerprint === idempotency.fingerprint,
    response: holder ? { status: holder.status, body: JSON.parse(holder.response) } : response,
  };
}

/** Deletes idempotency records older than their 24-hour life, a bounded number at a time. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: number, max = 5000): Promise<number> {
  // WITHOUT ROWID table: select the primary keys of the oldest records, bounded.
  const result = await statement(
    db,
    sql`DELETE FROM idempotency_keys WHERE (project_id, key_hash) IN (
      SELECT project_id, key_hash FROM idempotency_keys WHERE created_at <= ${now - IDEMPOTENCY_TTL_MS} LIMIT ${max})`,
  ).run();
  return result.meta.changes ?? 0;
}

type EventRow = typeof events.$inferSelect;

const listColumns = {
  id: events.id,
  projectId: events.projectId,
  organizationId: events.organizationId,
  action: events.action,
  actionType: events.actionType,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  version: events.version,
  source: events.source,
  data: events.data,
};

function toEvent(row: Omit<EventRow, 'seq' | 'raw' | 'actorId' | 'actorName' | 'actorType' | 'actorEmail' | 'location' | 'userAgent'> & { raw?: string }): AuditEvent {
  const data = JSON.parse(row.data) as Pick<AuditEvent, 'actor' | 'targets' | 'context' | 'metadata'>;
  return {
    id: row.id,
    projectId: row.projectId,
    organizationId: row.organizationId,
    action: row.action,
    actionType: (row.actionType as ActionType | null) ?? null,
    version: row.version ?? null,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    source: row.source as AuditEvent['source'],
    raw: row.raw ?? '',
    ...data,
  };
}

/** Distinct actions or organizations seen in a project (for filter pickers), bounded. */
export async function catalogValues(db: Db, projectId: string, kind: 'action' | 'organization', max = 500): Promise<string[]> {
  const rows = await db.all<{ value: string }>(
    sql`SELECT value FROM catalog WHERE project_id = ${projectId} AND kind = ${kind} ORDER BY value LIMIT ${max}`,
  );
  return rows.map((r) => r.value);
}

export async function getEvent(db: Db, projectId: string, id: string): Promise<AuditEvent | null> {
  if (!EVENT_ID_PATTERN.test(id)) return null;
  const [row] = await db
    .select({ ...listColumns, raw: events.raw })
    .from(events)
    .where(and(eq(events.id, id), eq(events.projectId, projectId)))
    .limit(1);
  return row ? toEvent(row) : null;
}

export interface TimeRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

/** What a list may filter on. Arrays mean "any of"; absent or empty means "no filter". */
export interface EventQuery {
  projectId: string;
  organizationIds?: string[];
  actions?: string[];
  actionTypes?: ActionType[];
  actorIds?: string[];
  actorNames?: string[];
  actorEmails?: string[];
  actorTypes?: string[];
  targetIds?: string[];
  targetNames?: string[];
  targetTypes?: string[];
  locations?: string[];
  occurredAt?: TimeRange;
  search?: string;
  order: 'asc' | 'desc';
  limit: number;
  /** Event id: the page after this event, in list order. */
  after?: string;
  /** Event id: the page before this event, in list order. */
  before?: string;
}

export interface EventPage {
  events: AuditEvent[];
  before: string | null;
  after: string | null;
}

const has = <T>(a: T[] | undefined): a is T[] => Array.isArray(a) && a.length > 0;

/** Which FTS columns a search looks in: the primary ones, or every column (the fallback). */
type SearchScope = 'primary' | 'all';

function filterConditions(q: EventQuery, scope: SearchScope = 'primary'): SQL[] {
  const c: SQL[] = [eq(events.projectId, q.projectId)];
  if (has(q.organizationIds)) c.push(inArray(events.organizationId, q.organizationIds));
  if (has(q.actions)) c.push(inArray(events.action, q.actions));
  if (has(q.actionTypes)) c.push(inArray(events.actionType, q.actionTypes));
  if (has(q.actorIds)) c.push(inArray(events.actorId, q.actorIds));
  if (has(q.actorNames)) c.push(inArray(events.actorName, q.actorNames));
  if (has(q.actorEmails)) c.push(inArray(events.actorEmail, q.actorEmails.map((e) => e.toLowerCase())));
  if (has(q.actorTypes)) c.push(inArray(events.actorType, q.actorTypes));
  if (has(q.locations)) c.push(inArray(events.location, q.locations));
  const targetFilter = (column: 'target_id' | 'target_name' | 'target_type', values: string[]) =>
    sql`${events.seq} IN (SELECT event_seq FROM event_targets WHERE project_id = ${q.projectId} AND ${sql.raw(column)} IN ${values})`;
  if (has(q.targetIds)) c.push(targetFilter('target_id', q.targetIds));
  if (has(q.targetNames)) c.push(targetFilter('target_name', q.targetNames));
  if (has(q.targetTypes)) c.push(targetFilter('target_type', q.targetTypes));
  const t = q.occurredAt ?? {};
  if (t.eq !== undefined) c.push(eq(events.occurredAt, t.eq));
  if (t.gt !== undefined) c.push(gt(events.occurredAt, t.gt));
  if (t.gte !== undefined) c.push(gte(events.occurredAt, t.gte));
  if (t.lt !== undefined) c.push(lt(events.occurredAt, t.lt));
  if (t.lte !== undefined) c.push(lte(events.occurredAt, t.lte));
  if (q.search !== undefined) {
    const text = q.search.trim();
    if (EVENT_ID_PATTERN.test(text)) {
      c.push(eq(events.id, text.slice(0, 4).toLowerCase() + text.slice(4).toUpperCase()));
    } else {
      const match = toMatchExpression(q.search);
      if (match !== null) {
        const expr = scope === 'primary' ? `${PRIMARY_COLUMNS} : (${match})` : match;
        c.push(sql`${events.seq} IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ${expr})`);
      }
    }
  }
  return c;
}

async function cursorPosition(db: Db, projectId: string, id: string, field: string) {
  const [row] = EVENT_ID_PATTERN.test(id)
    ? await db
        .select({ occurredAt: events.occurredAt, seq: events.seq })
        .from(events)
        .where(and(eq(events.id, id), eq(events.projectId, projectId)))
        .limit(1)
    : [];
  if (!row) {
    throw new AppError('validation_failed', `${field} must be the id of an event in this project.`, {
      errors: [{ field, code: `${field} must be the id of an event in this project` }],
    });
  }
  return row;
}

/**
 * One page of events in (occurred_at, seq) order, newest first by default. Cursors
 * are event ids turned into keyset positions: no OFFSET, so every page costs the same.
 */
export async function listEvents(db: Db, q: EventQuery): Promise<EventPage> {
  const page = await listEventsIn(db, q, 'primary');
  // Nothing in names, emails, ids, actions or places: look in metadata too. A cursor
  // that came from such a page carries on there (the first scope has nothing to page).
  if (page.events.length === 0 && q.search !== undefined && q.search.trim() !== '') return listEventsIn(db, q, 'all');
  return page;
}

async function listEventsIn(db: Db, q: EventQuery, scope: SearchScope): Promise<EventPage> {
  const conditions = filterConditions(q, scope);
  const cursorId = q.after ?? q.before;
  const backwards = q.after === undefined && q.before !== undefined;
  // Walking backwards from a `before` cursor reads in the opposite direction, then flips the page.
  const scanDesc = (q.order === 'desc') !== backwards;
  if (cursorId !== undefined) {
    const field = q.after !== undefined ? 'after' : 'before';
    const pos = await cursorPosition(db, q.projectId, cursorId, field);
    conditions.push(
      scanDesc
        ? and(lte(events.occurredAt, pos.occurredAt), or(lt(events.occurredAt, pos.occurredAt), lt(events.seq, pos.seq)))!
        : and(gte(events.occurredAt, pos.occurredAt), or(gt(events.occurredAt, pos.occurredAt), gt(events.seq, pos.seq)))!,
    );
  }
  const dir = scanDesc ? desc : asc;
  const rows = await db
    .select(listColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(dir(events.occurredAt), dir(events.seq))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  if (backwards) page.reverse();
  const list = page.map(toEvent);
  const first = list[0]?.id ?? null;
  const last = list[list.length - 1]?.id ?? null;
  if (backwards) return { events: list, before: more ? first : null, after: last };
  return { events: list, before: cursorId !== undefined ? first : null, after: more ? last : null };
}
