// A stored event row and the internal event it holds: the columns every read selects,
// and the conversion from a row to an AuditEvent (the actor, targets, context and
// metadata are read from `raw`, the one stored copy of the event: see raw.ts).
import { sql } from 'drizzle-orm';
import type { ActionType, AuditEvent } from './model';
import { rawParts } from './raw';
import { events } from './schema';
import { decodeRaw, hexBytes, type RowText } from './stored-raw';

/**
 * `raw` is read as text: a TEXT `raw` as it is, a deflated BLOB as `hex()` in `rawHex`. D1
 * hands a BLOB to the Worker as a JSON array of numbers (≈ 3.6 characters a byte, each parsed
 * into a number, then copied into bytes); hex is 2 characters a byte, parsed as one string and
 * decoded natively. In local D1 a 51-row page's statement cost 3.8–4.7 ms with the BLOB and
 * 2.5–3.5 with hex, as without the column (bench/statements.ts; docs/performance.md, issue 8's
 * seventh pass).
 */
const RAW_TEXT = sql<string | null>`CASE WHEN typeof(${events.raw}) = 'blob' THEN NULL ELSE ${events.raw} END`;
const RAW_HEX = sql<string | null>`CASE WHEN typeof(${events.raw}) = 'blob' THEN hex(${events.raw}) END`;

/** The columns every read selects (the actor, location and targets columns: format 2 of stored-raw.ts reads them). */
export const listColumns = {
  id: events.id,
  projectId: events.projectId,
  organizationId: events.organizationId,
  action: events.action,
  actionType: events.actionType,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  version: events.version,
  source: events.source,
  raw: RAW_TEXT,
  rawHex: RAW_HEX,
  actorId: events.actorId,
  actorName: events.actorName,
  actorEmail: events.actorEmail,
  location: events.location,
  targets: events.targets,
};

/** The same columns for raw `sql` queries, aliased to ListRow's names. */
export const ROW_COLUMNS = sql`${events.id} AS id, ${events.projectId} AS projectId, ${events.organizationId} AS organizationId,
  ${events.action} AS action, ${events.actionType} AS actionType, ${events.occurredAt} AS occurredAt,
  ${events.receivedAt} AS receivedAt, ${events.version} AS version, ${events.source} AS source,
  ${RAW_TEXT} AS raw, ${RAW_HEX} AS rawHex,
  ${events.actorId} AS actorId, ${events.actorName} AS actorName, ${events.actorEmail} AS actorEmail,
  ${events.location} AS location, ${events.targets} AS targets`;

/**
 * NULL for each of ROW_COLUMNS and for the two sort keys the executors select beside them:
 * the padding of the one extra row (window bounds, a count) they send back with a page by UNION ALL.
 */
export const NULL_ROW_AND_KEYS = sql.raw(Array(Object.keys(listColumns).length + 2).fill('NULL').join(', '));

/** A row as reads select it (every column of `listColumns`). */
export interface ListRow extends RowText {
  id: string;
  projectId: string;
  action: string;
  actionType: string | null;
  occurredAt: number;
  receivedAt: number;
  version: number | null;
  source: string;
  /** A TEXT `raw` as stored; null when it is a deflated BLOB, read as `rawHex`. */
  raw: string | null;
  rawHex: string | null;
}

export function toEvent(row: ListRow): AuditEvent {
  const source = row.source as AuditEvent['source'];
  const raw = decodeRaw(typeof row.rawHex === 'string' ? hexBytes(row.rawHex) : (row.raw as string), row);
  return {
    id: row.id,
    projectId: row.projectId,
    organizationId: row.organizationId,
    action: row.action,
    actionType: (row.actionType as ActionType | null) ?? null,
    version: row.version ?? null,
    occurredAt: row.occurredAt,
    receivedAt: row.receivedAt,
    source,
    raw,
    ...rawParts(source, raw),
  };
}
