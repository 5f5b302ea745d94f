// Deleting a project: at once its keys are revoked, it leaves the project list, its customer
// viewer links and sessions end and its exports stop being served; its events go in bounded
// chunks (one D1 batch each: the events, their targets and their search-index rows together),
// as many as a request's budget allows, and the cron finishes what a request did not, then
// removes the project's other rows (organizations, usage, purges); export files go with the
// cron's export sweep (exports/expiry.ts). Built-in projects cannot be deleted.
import { sql } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import { BUILT_IN_PROJECT_IDS } from './bootstrap';
import { getProject, removeProjectRecord, type Project } from './store';
import { listKeys, revokeKey } from './keys-store';

/** Events deleted per batch: one batch stays well inside D1's statement time. */
export const DELETE_CHUNK = 500;
/** Chunks one request (or one cron run) deletes before leaving the rest for later. */
export const CHUNKS_PER_RUN = 20;

export async function startProjectDeletion(
  db: Db,
  kv: KVNamespace,
  input: { id: string; confirmation: unknown; now: number },
): Promise<Project> {
  const project = await getProject(kv, input.id);
  if (!project) throw new AppError('not_found', 'No such project.');
  if (BUILT_IN_PROJECT_IDS.includes(project.id)) throw new AppError('forbidden', `The ${project.name} project is built in and cannot be deleted.`);
  if (typeof input.confirmation !== 'string' || input.confirmation.trim() !== project.name) {
    throw new AppError('validation_failed', `Type the project's name, “${project.name}”, to delete it.`, {
      problems: [{ path: ['confirm'], kind: 'invalid', message: 'type the project name to confirm' }],
    });
  }
  await batch(db, [
    statement(db, sql`INSERT OR IGNORE INTO project_deletions (project_id, requested_at) VALUES (${project.id}, ${input.now})`),
    statement(db, sql`DELETE FROM portal_sessions WHERE project_id = ${project.id}`),
    statement(db, sql`DELETE FROM portal_links WHERE project_id = ${project.id}`),
    statement(db, sql`UPDATE exports SET state = 'error', error = 'The project was deleted.', updated_at = ${input.now} WHERE project_id = ${project.id}`),
  ]);
  for (const key of await listKeys(kv, project.id)) {
    if (key.revoked_at === null) await revokeKey(kv, { projectId: project.id, keyId: key.id, now: input.now });
  }
  await removeProjectRecord(kv, project.id);
  return project;
}

/** Deletes up to `chunks` chunks of the project's events; true when none are left (then its other rows go too). */
export async function deleteProjectEvents(db: Db, projectId: string, now: number, chunks = CHUNKS_PER_RUN): Promise<boolean> {
  const state = await db.get<{ phase: string }>(sql`SELECT phase FROM search_state WHERE id = 1`);
  const oldIndex = state?.phase !== 'done';
  const chunk = sql`SELECT seq FROM events WHERE project_id = ${projectId} ORDER BY occurred_at LIMIT ${DELETE_CHUNK}`;
  for (let i = 0; i < chunks; i++) {
    const results = await batch(db, [
      statement(db, sql`DELETE FROM search_fts WHERE rowid IN (${chunk})`),
      ...(oldIndex ? [statement(db, sql`DELETE FROM events_fts WHERE rowid IN (${chunk})`)] : []),
      statement(db, sql`DELETE FROM event_targets WHERE project_id = ${projectId} AND event_seq IN (${chunk})`),
      statement(db, sql`DELETE FROM events WHERE seq IN (${chunk})`),
    ]);
    const deleted = results[results.length - 1].meta.changes ?? 0;
    if (deleted < DELETE_CHUNK) {
      await batch(db, [
        statement(db, sql`DELETE FROM catalog WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM action_schemas WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM idempotency_keys WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM organization_domains WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM organization_settings WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM organizations WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM purges WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM usage_daily WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM usage_failures WHERE project_id = ${projectId}`),
        statement(db, sql`DELETE FROM usage_keys WHERE project_id = ${projectId}`),
        statement(db, sql`UPDATE project_deletions SET finished_at = ${now} WHERE project_id = ${projectId}`),
      ]);
      return true;
    }
  }
  return false;
}

/** The cron's share: continues every unfinished deletion (a bounded number of chunks each). */
export async function continueProjectDeletions(db: Db, now: number): Promise<void> {
  const pending = await db.all<{ project_id: string }>(
    sql`SELECT project_id FROM project_deletions WHERE finished_at IS NULL ORDER BY requested_at LIMIT 5`,
  );
  for (const p of pending) await deleteProjectEvents(db, p.project_id, now);
}
