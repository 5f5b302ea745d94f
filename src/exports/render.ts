// An export's lines. CSV: the columns one WorkOS client parser expects (action, occurred_at,
// actor_id, actor_type, actor_name, actor_metadata, context_location, context_user_agent,
// metadata), then Waymark's id and organization_id, then the first CSV_TARGETS targets as
// target_id_N, target_type_N, target_name_N, target_metadata_N, and `targets` holding every target
// as JSON when an event has more (no data is dropped). NDJSON: one Audit Logs read object per line.
import type { AuditEvent } from '../events/model';
import { toAuditLogEvent } from '../api/wire/audit-logs';
import type { ExportFormat } from './model';

export const CSV_TARGETS = 5;

const BASE_COLUMNS = ['action', 'occurred_at', 'actor_id', 'actor_type', 'actor_name', 'actor_metadata', 'context_location', 'context_user_agent', 'metadata', 'id', 'organization_id'];
const TARGET_COLUMNS = Array.from({ length: CSV_TARGETS }, (_, i) => [`target_id_${i + 1}`, `target_type_${i + 1}`, `target_name_${i + 1}`, `target_metadata_${i + 1}`]).flat();
export const CSV_COLUMNS = [...BASE_COLUMNS, ...TARGET_COLUMNS, 'targets'];

/** RFC 4180: quoted when needed, quotes doubled. A leading = + - @ is prefixed with ' (no formula injection in spreadsheets). */
function cell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const json = (v: unknown) => (v && typeof v === 'object' && Object.keys(v).length > 0 ? JSON.stringify(v) : '');

function csvLine(e: AuditEvent): string {
  const values: (string | null)[] = [
    e.action,
    new Date(e.occurredAt).toISOString(),
    e.actor.id,
    e.actor.type,
    e.actor.name,
    json(e.actor.metadata),
    e.context.location,
    e.context.userAgent,
    json(e.metadata),
    e.id,
    e.organizationId,
  ];
  for (let i = 0; i < CSV_TARGETS; i++) {
    const t = e.targets[i];
    values.push(t?.id ?? null, t?.type ?? null, t?.name ?? null, t ? json(t.metadata) : null);
  }
  values.push(e.targets.length > CSV_TARGETS ? JSON.stringify(e.targets.map((t) => ({ id: t.id, type: t.type, name: t.name, metadata: t.metadata }))) : null);
  return `${values.map(cell).join(',')}\r\n`;
}

export function header(format: ExportFormat): string {
  return format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
}

export function line(format: ExportFormat, e: AuditEvent): string {
  return format === 'csv' ? csvLine(e) : `${JSON.stringify(toAuditLogEvent(e))}\n`;
}

export const contentType = (format: ExportFormat) => (format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
