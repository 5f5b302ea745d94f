// A project's settings (rate-limit tier, "require a schema", managed organizations, default retention): changing them, and reading
// them on the API path, remembered by the isolate so no request pays a KV read for them.
import { AppError } from '../lib/errors';
import { DEFAULT_RATE_TIER, isRateTier, RATE_TIERS, type RateTier } from './rate-limits';
import { checkTrailRetention } from '../organizations/retention';
import { getProject, saveProject, WAYMARK_PROJECT_ID, type Project } from './store';

/** Changes a project's settings (the project record and its listing entry). */
async function updateProject(kv: KVNamespace, projectId: string, change: Partial<Pick<Project, 'rate_limit' | 'require_schema' | 'portal' | 'managed_organizations' | 'retention_days'>>): Promise<Project> {
  const project = await getProject(kv, projectId);
  if (!project) throw new AppError('not_found', 'No such project.');
  const updated: Project = { ...project, ...change };
  await saveProject(kv, updated);
  projectMemory.delete(project.id);
  return updated;
}

/** Sets a project's rate-limit tier. */
export async function setProjectRateLimit(kv: KVNamespace, input: { projectId: string; tier: string }): Promise<Project> {
  if (!isRateTier(input.tier)) {
    throw new AppError('validation_failed', `Unknown rate-limit tier; choose one of ${Object.keys(RATE_TIERS).join(', ')}.`, {
      problems: [{ path: ['rate_limit'], kind: 'invalid', message: `rate_limit must be one of ${Object.keys(RATE_TIERS).join(', ')}` }],
    });
  }
  return updateProject(kv, input.projectId, { rate_limit: input.tier });
}

/** Turns "every Audit Logs event must match a schema of its action" on or off. */
/** The dashboard's own trail is written by Waymark itself: settings that would refuse its events are fixed. */
function refuseForTrail(projectId: string, setting: string): void {
  if (projectId === WAYMARK_PROJECT_ID) throw new AppError('forbidden', `The Waymark trail's ${setting} is fixed: it would refuse the dashboard's own events.`);
}

export async function setProjectRequireSchema(kv: KVNamespace, input: { projectId: string; required: boolean }): Promise<Project> {
  refuseForTrail(input.projectId, '"require a schema" setting');
  return updateProject(kv, input.projectId, { require_schema: input.required });
}

/** Sets the customer-facing viewer's branding and allowed framers (validated by portal/branding.ts). */
export async function setProjectPortal(kv: KVNamespace, input: { projectId: string; portal: import('../portal/branding').PortalSettings }): Promise<Project> {
  return updateProject(kv, input.projectId, { portal: input.portal });
}

/** Turns "events must name an organization created through the API" on or off. */
export async function setProjectManagedOrganizations(kv: KVNamespace, input: { projectId: string; managed: boolean }): Promise<Project> {
  refuseForTrail(input.projectId, 'managed organizations setting');
  return updateProject(kv, input.projectId, { managed_organizations: input.managed });
}

/** Sets the project's default retention in days (null: keep forever); see organizations/retention.ts for the checks. */
export async function setProjectRetention(kv: KVNamespace, input: { projectId: string; days: number | null }): Promise<Project> {
  checkTrailRetention(input.projectId, input.days, 'days');
  return updateProject(kv, input.projectId, { retention_days: input.days });
}

/** What the API needs of a project on every request. */
export interface ProjectSettings {
  rateTier: RateTier;
  requireSchema: boolean;
  managedOrganizations: boolean;
  /** The default retention in days, or null (forever). */
  retentionDays: number | null;
}

/**
 * A project's settings, remembered by the isolate for PROJECT_MEMORY_TTL_MS (a KV read per
 * API request would cost more than what it guards). A change applies within that time;
 * while KV is unavailable the remembered (or default) settings apply.
 */
export const PROJECT_MEMORY_TTL_MS = 30_000;
const projectMemory = new Map<string, { settings: ProjectSettings; until: number }>();

export async function projectSettings(kv: KVNamespace, projectId: string, now: number, fallbackTier: RateTier = DEFAULT_RATE_TIER): Promise<ProjectSettings> {
  const hit = projectMemory.get(projectId);
  if (hit && hit.until > now) return hit.settings;
  let settings: ProjectSettings = hit?.settings ?? { rateTier: fallbackTier, requireSchema: false, managedOrganizations: false, retentionDays: null };
  try {
    const project = await getProject(kv, projectId);
    settings = {
      rateTier: project?.rate_limit ?? fallbackTier,
      requireSchema: project?.require_schema === true,
      managedOrganizations: project?.managed_organizations === true,
      retentionDays: project?.retention_days ?? null,
    };
  } catch (err) {
    console.error('KV unavailable for a project read', err);
  }
  if (projectMemory.size >= 1000) projectMemory.delete(projectMemory.keys().next().value!);
  projectMemory.set(projectId, { settings, until: now + PROJECT_MEMORY_TTL_MS });
  return settings;
}
