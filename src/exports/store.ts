// Export records in D1. Every read is by (project, id) or the project's newest: an id of
// another project is simply not found.
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';
import { newId } from '../lib/ids';
import type { AuditExport, ExportFormat, ExportQuery, ExportState, UploadedPart } from './model';

interface Row {
  id: string;
  project_id: string;
  organization_id: string | null;
  state: ExportState;
  format: ExportFormat;
  query: string;
  rows_written: number;
  upload_id: string | null;
  parts: string;
  cursor: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
  viewer_session_id: string | null;
}

const fromRow = (r: Row): AuditExport => ({
  id: r.id,
  projectId: r.project_id,
  organizationId: r.organization_id,
  state: r.state,
  format: r.format,
  query: JSON.parse(r.query) as ExportQuery,
  rowsWritten: r.rows_written,
  uploadId: r.upload_id,
  parts: JSON.parse(r.parts) as UploadedPart[],
  cursor: r.cursor,
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  viewerSessionId: r.viewer_session_id,
});

export interface NewExport {
  projectId: string;
  organizationId: string | null;
  format: ExportFormat;
  query: ExportQuery;
  now: number;
  /** The customer viewer's session that asked for it (portal/viewer), else absent. */
  viewerSessionId?: string | null;
}

/** A new export record (pending, nothing written yet) and the statement that stores it, for a batch with other writes. */
export function planExport(db: Db, input: NewExport): { record: AuditExport; insert: D1PreparedStatement } {
  const id = newId('export', input.now);
  const record: AuditExport = {
    id,
    projectId: input.projectId,
    organizationId: input.organizationId,
    state: 'pending',
    format: input.format,
    query: input.query,
    rowsWritten: 0,
    uploadId: null,
    parts: [],
    cursor: null,
    error: null,
    createdAt: input.now,
    updatedAt: input.now,
    viewerSessionId: input.viewerSessionId ?? null,
  };
  const insert = statement(
    db,
    sql`INSERT INTO exports (id, project_id, organization_id, format, query, created_at, updated_at, viewer_session_id)
    VALUES (${id}, ${input.projectId}, ${input.organizationId}, ${input.format}, ${JSON.stringify(input.query)}, ${input.now}, ${input.now}, ${record.viewerSessionId})`,
  );
  return { record, insert };
}

export async function createExport(db: Db, input: NewExport): Promise<AuditExport> {
  const { record, insert } = planExport(db, input);
  await insert.run();
  return record;
}

export async function getExport(db: Db, projectId: string, id: string): Promise<AuditExport | null> {
  const [row] = await db.all<Row>(sql`SELECT * FROM exports WHERE id = ${id} AND project_id = ${projectId} LIMIT 1`);
  return row ? fromRow(row) : null;
}

/** The project's newest exports (the dashboard's list). */
export async function recentExports(db: Db, projectId: string, limit = 10): Promise<AuditExport[]> {
  const rows = await db.all<Row>(sql`SELECT * FROM exports WHERE project_id = ${projectId} ORDER BY created_at DESC LIMIT ${limit}`);
  return rows.map(fromRow);
}

/**
 * The customer viewer's exports of one organization (made from any viewer session of it), newest
 * first; never the team's or the API's. The partial index exports_viewer serves it.
 */
export async function viewerExports(db: Db, projectId: string, organizationId: string, limit = 10): Promise<AuditExport[]> {
  const rows = await db.all<Row>(sql`SELECT * FROM exports
    WHERE project_id = ${projectId} AND organization_id = ${organizationId} AND viewer_session_id IS NOT NULL
    ORDER BY created_at DESC LIMIT ${limit}`);
  return rows.map(fromRow);
}

/** One of the viewer's exports of that organization, or null (another organization's, the team's, another project's). */
export async function getViewerExport(db: Db, projectId: string, organizationId: string, id: string): Promise<AuditExport | null> {
  const e = await getExport(db, projectId, id);
  return e && e.organizationId === organizationId && e.viewerSessionId !== null ? e : null;
}

/** A part is uploaded: remember it, where the next one starts, and the rows written so far. */
export async function savePart(db: Db, e: AuditExport, part: UploadedPart, cursor: string | null, rows: number, now: number): Promise<void> {
  const parts = [...e.parts.filter((p) => p.partNumber !== part.partNumber), part];
  await db.run(sql`UPDATE exports SET parts = ${JSON.stringify(parts)}, cursor = ${cursor}, rows_written = ${rows}, updated_at = ${now}
    WHERE id = ${e.id} AND project_id = ${e.projectId} AND state = 'pending'`);
}

export async function saveUploadId(db: Db, e: AuditExport, uploadId: string, now: number): Promise<void> {
  await db.run(sql`UPDATE exports SET upload_id = ${uploadId}, updated_at = ${now} WHERE id = ${e.id} AND project_id = ${e.projectId} AND upload_id IS NULL`);
}

export async function finishExport(db: Db, e: AuditExport, state: 'ready' | 'error', error: string | null, now: number): Promise<void> {
  await db.run(sql`UPDATE exports SET state = ${state}, error = ${error}, updated_at = ${now} WHERE id = ${e.id} AND project_id = ${e.projectId} AND state = 'pending'`);
}
