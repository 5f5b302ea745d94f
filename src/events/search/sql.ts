// A plan's filters and FTS expressions as SQL conditions on `events`. Every executor
// builds its WHERE clause here, so each filter has one rendering.
import { and, eq, gt, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { events } from '../schema';
import { completionsSql } from './index-state';
import type { PrefixSlot } from './language';
import type { EventField, Filter, Scope, SearchTable, TargetField } from './plan';

/**
 * A row written before migration 0014: `raw` is TEXT and the only place of its location,
 * actor type and targets. Newer rows keep those in columns (`raw` is a deflated BLOB that
 * SQL cannot read; stored-raw.ts). A CASE evaluates only its chosen branch, so no JSON
 * function ever sees a BLOB.
 */
const OLD_ROW = sql`${events.targets} IS NULL`;

/**
 * What each filter compares with. The actor type and the location: columns, or for an old
 * row its `raw` (legacy events have no actor type; their location is top-level, an Audit
 * Logs event's is in `context`). No index serves them, the project/time index bounds the scan.
 */
const COLUMN = {
  organizationId: events.organizationId,
  action: events.action,
  actionType: events.actionType,
  actorId: events.actorId,
  actorName: events.actorName,
  actorEmail: events.actorEmail,
  actorType: sql`(CASE WHEN ${OLD_ROW} THEN ${events.raw} ->> '$.actor.type' ELSE ${events.actorType} END)`,
  location: sql`(CASE WHEN ${OLD_ROW} THEN coalesce(${events.raw} ->> '$.context.location', ${events.raw} ->> '$.location') ELSE ${events.location} END)`,
  id: events.id,
} satisfies Record<EventField, unknown>;

/**
 * Where a target field is: its position in each `[id, name, type]` of the `targets` column,
 * or in an old row's `raw`, its key in each of an Audit Logs event's `targets` or a legacy
 * event's own field.
 */
const TARGET_FIELD: Record<TargetField, { index: string; key: string; legacy: string | null }> = {
  targetId: { index: '$[0]', key: 'id', legacy: 'target_id' },
  targetName: { index: '$[1]', key: 'name', legacy: 'target_name' },
  targetType: { index: '$[2]', key: 'type', legacy: null },
};

/** The smallest string greater than every string that starts with `prefix` (actions are ASCII). */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * A list of values as one bound parameter (a JSON array read by json_each), so any
 * number of filter values stays inside D1's 100 bound parameters per statement. A
 * single value stays a plain parameter.
 */
function valueList(values: string[]): SQL {
  if (values.length === 1) return sql`(${values[0]})`;
  return sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** Some target's field is one of the values, exactly, as the event was sent. */
function targetCondition(scope: Pick<Scope, 'index' | 'slots'>, f: Extract<Filter, { kind: 'target' }>): SQL {
  const { index, key, legacy } = TARGET_FIELD[f.field];
  const inColumn = sql`EXISTS (SELECT 1 FROM json_each(${events.targets}) AS t WHERE t.value ->> ${index} IN ${valueList(f.values)})`;
  const inRaw = sql`EXISTS (SELECT 1 FROM json_each(${events.raw}, '$.targets') AS t WHERE t.value ->> ${key} IN ${valueList(f.values)})`;
  const inOldRow = legacy === null ? inRaw : sql`(${inRaw} OR ${events.raw} ->> ${legacy} IN ${valueList(f.values)})`;
  const exact = sql`(CASE WHEN ${OLD_ROW} THEN ${inOldRow} ELSE ${inColumn} END)`;
  return f.match === null ? exact : sql`(${matchCondition(scope, f.match)} AND ${exact})`;
}

function filterCondition(scope: Pick<Scope, 'index' | 'slots'>, f: Filter): SQL {
  switch (f.kind) {
    case 'in':
      return sql`${COLUMN[f.field]} IN ${valueList(f.values)}`;
    case 'notIn':
      return sql`${COLUMN[f.field]} NOT IN ${valueList(f.values)}`;
    case 'target':
      return targetCondition(scope, f);
    case 'actor': {
      const exact = sql`${COLUMN[f.field]} IN ${valueList(f.values)}`;
      return f.match === null ? exact : sql`(${matchCondition(scope, f.match)} AND ${exact})`;
    }
    case 'prefix':
      return or(...f.prefixes.map((p) => and(gte(events.action, p), lt(events.action, prefixEnd(p)))))!;
    case 'time': {
      const op = { eq, gt, gte, lt, lte }[f.op];
      return op(events.occurredAt, f.at);
    }
  }
}

/** The project and every filter of a scope (not its words). */
export function filterConditions(projectId: string, scope: Scope): SQL[] {
  return [projectCondition(projectId, scope), ...scope.filters.map((f) => filterCondition(scope, f))];
}

/**
 * The project condition. With a filter whose candidates come from the search index (an actor
 * or a target), the candidates drive the query (`seq IN (…)`, bounded by that actor's or
 * target's events) and the project is only checked: written `+project_id` so that SQLite,
 * without statistics (D1 has no ANALYZE by default), does not walk the project's whole time
 * index hoping to meet a rare actor's events. Plans checked in search.test.ts.
 */
function projectCondition(projectId: string, scope: Scope): SQL {
  const driven = scope.filters.some((f) => (f.kind === 'actor' || f.kind === 'target') && f.match !== null);
  return driven ? sql`+${events.projectId} = ${projectId}` : eq(events.projectId, projectId);
}

/** The FTS5 table as an SQL identifier (one of two fixed names, never user input). */
export const ftsTable = (table: SearchTable): SQL => sql.raw(table === 'events_fts' ? 'events_fts' : 'search_fts');

/** A slot's mark as an SQL literal (it holds control characters and the slot's number only). */
function markSql(mark: string): string {
  if (!/^\u0001\d+\u0001$/.test(mark)) throw new Error('not a prefix slot mark');
  return `char(1) || '${mark.slice(1, -1)}' || char(1)`;
}

/**
 * An FTS expression as the MATCH operand: bound as is, or with each prefix slot it holds
 * replaced by its completions, read from search_vocab inside the same statement.
 */
export function matchValue(expression: string, slots: readonly PrefixSlot[]): SQL {
  let value = sql`${expression}`;
  // The mark is `\u0001<n>\u0001` (language.ts slotMark): written as SQL, not bound.
  for (const slot of slots) if (expression.includes(slot.mark)) value = sql`replace(${value}, ${sql.raw(markSql(slot.mark))}, ${completionsSql(slot)})`;
  return value;
}

/** "Matches this FTS expression", as a condition on `events`. */
export const matchCondition = (scope: Pick<Scope, 'index' | 'slots'>, expression: string): SQL =>
  sql`${events.seq} IN (SELECT rowid FROM ${ftsTable(scope.index)} WHERE ${ftsTable(scope.index)} MATCH ${matchValue(expression, scope.slots)})`;

/** Everything a scope requires of an event: filters, words, and excluded words. */
export function scopeConditions(projectId: string, scope: Scope): SQL[] {
  const c = filterConditions(projectId, scope);
  const fts = ftsTable(scope.index);
  if (scope.match !== null) c.push(matchCondition(scope, scope.match));
  if (scope.exclude !== null) c.push(sql`${events.seq} NOT IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${matchValue(scope.exclude, scope.slots)})`);
  return c;
}

/** Filters and excluded words, without the required words (executors that join the FTS index themselves). */
export function conditionsBesideMatch(projectId: string, scope: Scope): SQL[] {
  return scopeConditions(projectId, { ...scope, match: null });
}

/** A CTE body with no rowids: what a read of excluded words is when there are none. */
export const NO_ROWIDS = sql`SELECT NULL AS r WHERE 0`;
