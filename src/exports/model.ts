// An export as Waymark keeps it: what to export (a list query without paging), in which
// format, and how far the background job has got.
import type { EventQuery } from '../events/list';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type ExportState = 'pending' | 'ready' | 'error';

/** What an export covers: a list query's filters and search (no project, paging or order). */
export type ExportQuery = Omit<EventQuery, 'projectId' | 'order' | 'limit' | 'after' | 'before' | 'now' | 'matchStrategy' | 'windowSize' | 'lateProof' | 'recentCandidates'>;

export interface UploadedPart {
  partNumber: number;
  etag: string;
}

export interface AuditExport {
  id: string;
  projectId: string;
  /** Null for a project-wide export (the dashboard's; the API asks for an organization as WorkOS does). */
  organizationId: string | null;
  state: ExportState;
  format: ExportFormat;
  query: ExportQuery;
  rowsWritten: number;
  uploadId: string | null;
  parts: UploadedPart[];
  /** The last event id written into an uploaded part (the next part starts after it). */
  cursor: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  /** The customer viewer session that created it (`vs_...`); null for the team's and the API's exports. */
  viewerSessionId: string | null;
}

/** The R2 key of an export's file. */
export const objectKey = (e: Pick<AuditExport, 'projectId' | 'id' | 'format'>) => `exports/${e.projectId}/${e.id}.${e.format === 'csv' ? 'csv' : 'ndjson'}`;
