// Starting an export: the record, then the job on the Queue. If the Queue refuses the message, the
// export is marked `error` at once (never a `pending` that nothing will build).
import type { Db } from '../lib/db';
import { AppError } from '../lib/errors';
import type { AuditExport, ExportFormat, ExportQuery } from './model';
import type { ExportJob } from './queue';
import { createExport, finishExport } from './store';

export async function startExport(
  db: Db,
  jobs: Queue<ExportJob>,
  input: { projectId: string; organizationId: string | null; format: ExportFormat; query: ExportQuery; now: number },
): Promise<AuditExport> {
  const e = await createExport(db, input);
  try {
    await jobs.send({ projectId: e.projectId, exportId: e.id });
  } catch (err) {
    console.error(`export ${e.id}: the job could not be queued`, err);
    await finishExport(db, e, 'error', 'The export job could not be queued; create the export again.', input.now);
    throw new AppError('service_unavailable', 'The export could not be started; retry in a moment.', { headers: { 'Retry-After': '5' } });
  }
  return e;
}
