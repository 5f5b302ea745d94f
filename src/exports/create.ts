// Starting an export: the record (with any writes that belong to it, in one D1 batch), then the
// job on the Queue. If the Queue refuses the message, the export is marked `error` at once (never
// a `pending` that nothing will build). The database refuses an export past the cap on exports in
// progress (migration 0017: 3 per organization, 10 per project), and with it the batch's other
// writes; that is a 429 here.
import { batch, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import type { AuditExport } from './model';
import type { ExportJob } from './queue';
import { finishExport, planExport, type NewExport } from './store';

/** Exports in progress at once (migration 0017's triggers hold the same numbers). */
export const EXPORTS_IN_PROGRESS = { organization: 3, project: 10 } as const;

/** The 429 for an insert the cap refused (its trigger's message), else null. */
function capError(err: unknown): AppError | null {
  const message = err instanceof Error ? err.message : String(err);
  const scope = message.includes('waymark_export_cap_organization') ? 'organization' : message.includes('waymark_export_cap_project') ? 'project' : null;
  if (scope === null) return null;
  return new AppError(
    'rate_limit_exceeded',
    `Too many exports in progress for this ${scope} (at most ${EXPORTS_IN_PROGRESS[scope]} at once); retry when one has finished.`,
    { headers: { 'Retry-After': '30' } },
  );
}

export async function startExport(
  db: Db,
  jobs: Queue<ExportJob>,
  input: NewExport,
  /** Statements stored in the same batch as the record (the viewer's `audit_log.exported` event): both or neither. */
  withRecord?: (e: AuditExport) => D1PreparedStatement[],
): Promise<AuditExport> {
  const { record: e, insert } = planExport(db, input);
  if (withRecord) await batch(db, [insert, ...withRecord(e)], capError);
  else {
    try {
      await insert.run();
    } catch (err) {
      throw capError(err) ?? err;
    }
  }
  try {
    await jobs.send({ projectId: e.projectId, exportId: e.id });
  } catch (err) {
    console.error(`export ${e.id}: the job could not be queued`, err);
    await finishExport(db, e, 'error', 'The export job could not be queued; create the export again.', input.now);
    throw new AppError('service_unavailable', 'The export could not be started; retry in a moment.', { headers: { 'Retry-After': '5' } });
  }
  return e;
}
