// The hourly retention purge: for every project, each organization whose oldest event is
// older than its retention (its own, else the project's default) and that is not on legal
// hold loses its expired events, chunk by chunk (events/purge.ts: one D1 batch per chunk).
// A run stops starting chunks after its time budget and records where it stopped
// (`purge_state`), so the next run resumes with that organization; a run that reaches the
// end starts over at the first project next time.
import { sql } from 'drizzle-orm';
import type { Db } from '../lib/db';
import { purgeChunk } from '../events/purge';
import { searchPhase } from '../events/search/index-state';
import { listProjects, WAYMARK_PROJECT_ID } from '../projects/store';
import { DAY_MS, WAYMARK_MIN_RETENTION_DAYS } from './retention';

/** A scheduled run stops starting chunks after this long (Workers: about 30 s for waitUntil work). */
export const PURGE_RUN_MS = 10_000;
/** Organizations read per query while looking for expired ones. */
const ORGS_PER_PAGE = 200;

export interface PurgeRunResult {
  /** Events removed by this run. */
  events: number;
  chunks: number;
  /** True when every project was visited to the end (the next run starts over). */
  complete: boolean;
  /** Why nothing ran, when nothing did. */
  skipped?: 'search-backfill';
}

interface OrgRow {
  organizationId: string;
  oldest: number | null;
  retentionSet: number | null;
  retentionDays: number | null;
  legalHold: number | null;
}

/** The organization's retention cutoff (ms), or null when its events are kept (forever, or on hold). */
export function cutoffOf(row: Pick<OrgRow, 'legalHold' | 'retentionSet' | 'retentionDays'>, projectDays: number | null, now: number, projectId = ''): number | null {
  if (row.legalHold === 1) return null;
  const asked = row.retentionSet === 1 ? row.retentionDays : projectDays;
  const days = asked !== null && projectId === WAYMARK_PROJECT_ID ? Math.max(asked, WAYMARK_MIN_RETENTION_DAYS) : asked;
  return days === null ? null : now - days * DAY_MS;
}

export async function purgeExpiredEvents(db: Db, kv: KVNamespace, now: number, limits: { ms?: number; chunkEvents?: number } = {}): Promise<PurgeRunResult> {
  const maxMs = limits.ms ?? PURGE_RUN_MS;
  const started = Date.now();
  const result: PurgeRunResult = { events: 0, chunks: 0, complete: false };
  // While the search index is being backfilled, the old index is still read: purges wait for the switch.
  if ((await searchPhase(db)) === 'backfill') return { ...result, skipped: 'search-backfill' };
  const state = await db.get<{ projectId: string | null; afterOrg: string | null }>(sql`SELECT project_id AS projectId, after_org AS afterOrg FROM purge_state WHERE id = 1`);
  const projects = (await listProjects(kv)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const save = (projectId: string | null, afterOrg: string | null) =>
    db.run(sql`UPDATE purge_state SET project_id = ${projectId}, after_org = ${afterOrg} WHERE id = 1`);
  const outOfTime = () => Date.now() - started >= maxMs;

  for (const project of projects) {
    if (state?.projectId && project.id < state.projectId) continue;
    const projectDays = project.retention_days ?? null;
    let after = state?.projectId === project.id ? state.afterOrg : null;
    // A project with no retention anywhere has nothing to purge: one indexed probe, not a walk over its organizations.
    if (projectDays === null) {
      const any = await db.get<{ x: number } | undefined>(sql`SELECT 1 AS x FROM organization_settings
        WHERE project_id = ${project.id} AND retention_set = 1 AND retention_days IS NOT NULL LIMIT 1`);
      if (!any) continue;
    }
    for (;;) {
      if (outOfTime()) {
        await save(project.id, after);
        return result;
      }
      const orgs = await db.all<OrgRow>(sql`
        SELECT c.value AS organizationId,
          (SELECT min(e.occurred_at) FROM events AS e WHERE e.project_id = c.project_id AND e.organization_id = c.value) AS oldest,
          s.retention_set AS retentionSet, s.retention_days AS retentionDays, s.legal_hold AS legalHold
        FROM catalog AS c
        LEFT JOIN organization_settings AS s ON s.project_id = c.project_id AND s.organization_id = c.value
        WHERE c.project_id = ${project.id} AND c.kind = 'organization' AND c.events > 0 AND c.value > ${after ?? ''}
        ORDER BY c.value LIMIT ${ORGS_PER_PAGE}`);
      for (const org of orgs) {
        const cutoff = cutoffOf(org, projectDays, now, project.id);
        if (cutoff !== null && org.oldest !== null && org.oldest < cutoff) {
          for (;;) {
            if (outOfTime()) {
              // Resume with this organization: `after` is the one before it.
              await save(project.id, after);
              return result;
            }
            const chunk = await purgeChunk(db, { projectId: project.id, organizationId: org.organizationId, cutoff, run: now, now, max: limits.chunkEvents });
            result.events += chunk.events;
            if (chunk.events > 0) result.chunks++;
            if (!chunk.more) break;
          }
        }
        after = org.organizationId;
      }
      if (orgs.length < ORGS_PER_PAGE) break;
    }
  }
  await save(null, null);
  return { ...result, complete: true };
}
