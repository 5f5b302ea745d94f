// Starting an export: the record (with any writes that belong to it, in one D1 batch), then the
// job on the Queue. If the Queue refuses the message, the export is marked `error` at once (never
// a `pending` that nothing will build).
import { batch, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import type { AuditExport } from './model';
import type { ExportJob } from './queue';
import { finishExport, planExport, type NewExport } from './store';

export async function startExport(
  db: Db,
  jobs: Queue<ExportJob>,
  input: NewExport,
  /** Statements stored in the same batch as the record (the viewer's `audit_log.exported` event): both or neither. */
  withRecord?: (e: AuditExport) => D1PreparedStatement[],
): Promise<AuditExport> {
  const { record: e, insert } = planExport(db, input);
  if (withRecord) await batch(db, [insert, ...withRecord(e)]);
  else await insert.run();
  try {
    await jobs.send({ projectId: e.projectId, exportId: e.id });
  } catch (err) {
    console.error(`export ${e.id}: the job could not be queued`, err);
    await finishExport(db, e, 'error', 'The export job could not be queued; create the export again.', input.now);
    throw new AppError('service_unavailable', 'The export could not be started; retry in a moment.', { headers: { 'Retry-After': '5' } });
  }
  return e;
}
