// Export files do not outlive their purpose: an export is kept EXPORT_KEEP_DAYS after it was
// asked for, then the hourly cron deletes its file in R2 (and any upload or carried bytes left by
// a job that never finished) and its record; GET then answers 404. Without this, events removed
// by a retention purge would stay downloadable from an old export for ever. A project being
// deleted loses its exports on the next run, whatever their age.
import { sql } from 'drizzle-orm';
import type { Db } from '../lib/db';
import { objectKey, type ExportFormat } from './model';
import { carryKey } from './run';

export const EXPORT_KEEP_DAYS = 7;
const DAY_MS = 86_400_000;
/** Exports removed per cron run (each costs one R2 delete and one D1 delete). */
const PER_RUN = 200;

interface Row {
  id: string;
  project_id: string;
  format: ExportFormat;
  upload_id: string | null;
  parts: string;
}

/** Deletes exports older than EXPORT_KEEP_DAYS, and those of deleted projects; returns how many. */
export async function sweepExports(db: Db, bucket: R2Bucket, now: number): Promise<number> {
  const cutoff = now - EXPORT_KEEP_DAYS * DAY_MS;
  const rows = await db.all<Row>(sql`SELECT id, project_id, format, upload_id, parts FROM exports WHERE created_at < ${cutoff}
    UNION SELECT id, project_id, format, upload_id, parts FROM exports WHERE project_id IN (SELECT project_id FROM project_deletions)
    LIMIT ${PER_RUN}`);
  for (const r of rows) {
    const key = objectKey({ projectId: r.project_id, id: r.id, format: r.format });
    if (r.upload_id) await bucket.resumeMultipartUpload(key, r.upload_id).abort().catch(() => undefined);
    const carried = (JSON.parse(r.parts) as unknown[]).length + 1;
    await bucket.delete([key, ...Array.from({ length: carried }, (_, i) => carryKey(key, i + 1))]);
    await db.run(sql`DELETE FROM exports WHERE id = ${r.id} AND project_id = ${r.project_id}`);
  }
  return rows.length;
}
