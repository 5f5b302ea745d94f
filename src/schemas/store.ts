// Action schemas in D1: create (the next version, and the action into the catalog, in one
// batch), read one version (remembered by the isolate: schemas never change), list an
// action's versions, and list the project's actions with their latest schema.
import { sql } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';
import type { ActionSchema, ActionSchemaBody } from './model';

export interface SchemaPage<T> {
  data: T[];
  before: string | null;
  after: string | null;
}

export interface PageQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
}

interface SchemaRow {
  action: string;
  version: number;
  body: string;
  createdAt: number;
}

const toSchema = (r: SchemaRow): ActionSchema => ({ action: r.action, version: r.version, createdAt: r.createdAt, ...(JSON.parse(r.body) as ActionSchemaBody) });

/** Creates the next version of an action's schema (and the action, if new). */
export async function createSchema(db: Db, input: { projectId: string; action: string; body: ActionSchemaBody; now: number }): Promise<ActionSchema> {
  const { projectId, action, body, now } = input;
  const [, inserted] = await batch(db, [
    statement(db, sql`INSERT OR IGNORE INTO catalog (project_id, kind, value) VALUES (${projectId}, 'action', ${action})`),
    statement(
      db,
      sql`INSERT INTO action_schemas (project_id, action, version, body, created_at)
        SELECT ${projectId}, ${action}, coalesce(max(version), 0) + 1, ${JSON.stringify(body)}, ${now}
        FROM action_schemas WHERE project_id = ${projectId} AND action = ${action}
        RETURNING version`,
    ),
  ]);
  const version = (inserted.results[0] as { version: number }).version;
  return { action, version, createdAt: now, ...body };
}

const MAX_REMEMBERED = 500;
const remembered = new Map<string, ActionSchema>();

/** One version of an action's schema, or null. Immutable, so an isolate keeps what it read. */
export async function getSchema(db: Db, projectId: string, action: string, version: number): Promise<ActionSchema | null> {
  const key = `${projectId}\u0000${action}\u0000${version}`;
  const hit = remembered.get(key);
  if (hit) return hit;
  const row = await db.get<SchemaRow | undefined>(
    sql`SELECT action, version, body, created_at AS createdAt FROM action_schemas WHERE project_id = ${projectId} AND action = ${action} AND version = ${version}`,
  );
  if (!row) return null;
  const schema = toSchema(row);
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
  remembered.set(key, schema);
  return schema;
}

/** The action's newest schema, or null (not remembered: a newer one may come). */
export async function latestSchema(db: Db, projectId: string, action: string): Promise<ActionSchema | null> {
  const row = await db.get<SchemaRow | undefined>(sql`SELECT action, version, body, created_at AS createdAt FROM action_schemas
    WHERE project_id = ${projectId} AND action = ${action} ORDER BY version DESC LIMIT 1`);
  return row ? toSchema(row) : null;
}

/** True when the action has at least one schema in the project. */
export async function hasSchemas(db: Db, projectId: string, action: string): Promise<boolean> {
  const row = await db.get<{ x: number } | undefined>(sql`SELECT 1 AS x FROM action_schemas WHERE project_id = ${projectId} AND action = ${action} LIMIT 1`);
  return row !== undefined;
}

/** Keyset paging over one ordered key: `after` continues in list order, `before` walks back. */
function page<T>(rows: T[], q: PageQuery, keyOf: (row: T) => string): SchemaPage<T> {
  const backwards = q.after === undefined && q.before !== undefined;
  const more = rows.length > q.limit;
  const data = rows.slice(0, q.limit);
  if (backwards) data.reverse();
  const first = data[0] ? keyOf(data[0]) : null;
  const last = data.length > 0 ? keyOf(data[data.length - 1]) : null;
  if (backwards) return { data, before: more ? first : null, after: last };
  return { data, before: q.after !== undefined ? first : null, after: more ? last : null };
}

/** An action's schema versions, newest first by default; cursors are version numbers. */
export async function listSchemas(db: Db, projectId: string, action: string, q: PageQuery): Promise<SchemaPage<ActionSchema>> {
  const backwards = q.after === undefined && q.before !== undefined;
  const desc = (q.order === 'desc') !== backwards;
  const cursor = Number(q.after ?? q.before);
  const keyset = q.after === undefined && q.before === undefined ? sql`` : desc ? sql`AND version < ${cursor}` : sql`AND version > ${cursor}`;
  const rows = await db.all<SchemaRow>(sql`SELECT action, version, body, created_at AS createdAt FROM action_schemas
    WHERE project_id = ${projectId} AND action = ${action} ${keyset}
    ORDER BY version ${sql.raw(desc ? 'DESC' : 'ASC')} LIMIT ${q.limit + 1}`);
  return page(rows.map(toSchema), q, (s) => String(s.version));
}

export interface ActionSummary {
  name: string;
  /** The latest schema, or null when the action has none. */
  schema: ActionSchema | null;
  /** When its first schema was made (null for an action known only from events). */
  createdAt: number | null;
  /** When its latest schema was made. */
  updatedAt: number | null;
}

/** The project's actions (seen in events or given a schema), by name; cursors are names. */
export async function listActions(db: Db, projectId: string, q: PageQuery): Promise<SchemaPage<ActionSummary>> {
  const backwards = q.after === undefined && q.before !== undefined;
  const desc = (q.order === 'desc') !== backwards;
  const cursor = q.after ?? q.before;
  const keyset = cursor === undefined ? sql`` : desc ? sql`AND c.value < ${cursor}` : sql`AND c.value > ${cursor}`;
  const rows = await db.all<{ name: string; version: number | null; body: string | null; createdAt: number | null; firstAt: number | null }>(sql`
    SELECT c.value AS name, s.version AS version, s.body AS body, s.created_at AS createdAt,
      (SELECT min(f.created_at) FROM action_schemas AS f WHERE f.project_id = c.project_id AND f.action = c.value) AS firstAt
    FROM catalog AS c
    LEFT JOIN action_schemas AS s ON s.project_id = c.project_id AND s.action = c.value
      AND s.version = (SELECT max(m.version) FROM action_schemas AS m WHERE m.project_id = c.project_id AND m.action = c.value)
    WHERE c.project_id = ${projectId} AND c.kind = 'action' ${keyset}
    ORDER BY c.value ${sql.raw(desc ? 'DESC' : 'ASC')} LIMIT ${q.limit + 1}`);
  const actions = rows.map(
    (r): ActionSummary => ({
      name: r.name,
      schema: r.version === null ? null : toSchema({ action: r.name, version: r.version, body: r.body!, createdAt: r.createdAt! }),
      createdAt: r.firstAt,
      updatedAt: r.createdAt,
    }),
  );
  return page(actions, q, (a) => a.name);
}

/** Every schema of a project (for the dashboard's Actions page), bounded. */
export async function projectSchemas(db: Db, projectId: string, max = 2_000): Promise<ActionSchema[]> {
  const rows = await db.all<SchemaRow>(sql`SELECT action, version, body, created_at AS createdAt FROM action_schemas
    WHERE project_id = ${projectId} ORDER BY action, version LIMIT ${max}`);
  return rows.map(toSchema);
}
