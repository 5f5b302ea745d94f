// The export job runs from a Cloudflare Queue (at-least-once): a message names one export; its
// consumer runs one step and, when the export is not finished, sends the message again. A step
// that throws is retried by the Queue (with a delay); after the last attempt the export is put in
// `error` with the reason, so nobody waits on it forever.
import { database } from '../lib/db';
import { failExport, runExportStep } from './run';

export interface ExportJob {
  projectId: string;
  exportId: string;
}

export interface ExportQueueEnv {
  DB: D1Database;
  EXPORTS: R2Bucket;
  EXPORT_JOBS: Queue<ExportJob>;
}

/** Attempts before an export is given up (the Queue's max_retries in wrangler.toml is one less). */
export const MAX_ATTEMPTS = 4;

export async function consumeExportJobs(batch: MessageBatch<ExportJob>, env: ExportQueueEnv): Promise<void> {
  const db = database(env.DB);
  for (const message of batch.messages) {
    const { projectId, exportId } = message.body;
    try {
      const result = await runExportStep(db, env.EXPORTS, projectId, exportId, { now: Date.now });
      if (result === 'more') await env.EXPORT_JOBS.send({ projectId, exportId });
      message.ack();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      console.error(`export ${exportId}: step failed (attempt ${message.attempts})`, err);
      if (message.attempts >= MAX_ATTEMPTS) {
        await failExport(db, env.EXPORTS, projectId, exportId, `The export failed after ${message.attempts} attempts: ${reason}`, Date.now()).catch(
          (e) => console.error(`export ${exportId}: could not record the failure`, e),
        );
        message.ack();
      } else message.retry({ delaySeconds: 2 ** message.attempts });
    }
  }
}
