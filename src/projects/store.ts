// Projects, kept in KV: one record per project and a listing entry carrying it as metadata.
// Their keys are projects/keys-store.ts.
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { RateTier } from './rate-limits';
export const MAX_PROJECT_NAME = 64;
/** The dashboard's own audit trail (projects/bootstrap.ts): no API key can ever be made for it. */
export const WAYMARK_PROJECT_ID = 'proj_waymark';

const kvProject = (id: string) => `project:${id}`;

export interface Project {
  id: string;
  name: string;
  created_at: number;
  /** The project's rate-limit tier; absent means DEFAULT_RATE_TIER. */
  rate_limit?: RateTier;
  /** When true, every Audit Logs event must match a schema of its action (off by default). */
  require_schema?: boolean;
  /** The customer-facing viewer's branding and allowed framers (portal/branding.ts). */
  portal?: import('../portal/branding').PortalSettings;
  /** When true, Audit Logs events (and exports) must name an organization created through the API (off by default). */
  managed_organizations?: boolean;
  /** Days an organization's events are kept when it has no retention of its own; absent or null: forever. */
  retention_days?: number | null;
}

/** Writes a project record and its listing entry (the listing carries it as metadata). */
export async function saveProject(kv: KVNamespace, project: Project): Promise<void> {
  await kv.put(kvProject(project.id), JSON.stringify(project), { metadata: project });
}

export async function getProject(kv: KVNamespace, id: string): Promise<Project | null> {
  return kv.get<Project>(kvProject(id), 'json');
}

export async function listProjects(kv: KVNamespace): Promise<Project[]> {
  const out: Project[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list<Project>({ prefix: 'project:', cursor });
    for (const k of page.keys) if (k.metadata) out.push(k.metadata);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out.sort((a, b) => a.created_at - b.created_at || a.name.localeCompare(b.name));
}

export function validateProjectName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (trimmed.length < 1 || trimmed.length > MAX_PROJECT_NAME) {
    throw new AppError('validation_failed', `A project name is 1 to ${MAX_PROJECT_NAME} characters.`, {
      problems: [{ path: ['name'], kind: 'invalid', message: `name must be 1 to ${MAX_PROJECT_NAME} characters` }],
    });
  }
  return trimmed;
}

/** Refuses a name another project has (compared without case or surrounding spaces). */
async function refuseDuplicateName(kv: KVNamespace, name: string, exceptId?: string): Promise<void> {
  const folded = name.toLowerCase();
  const taken = (await listProjects(kv)).some((p) => p.id !== exceptId && p.name.trim().toLowerCase() === folded);
  if (taken) {
    throw new AppError('validation_failed', `A project named “${name}” already exists.`, {
      problems: [{ path: ['name'], kind: 'invalid', message: 'another project has this name' }],
    });
  }
}

/** Renames a project; the Waymark project keeps its name. */
export async function renameProject(kv: KVNamespace, input: { id: string; name: unknown }): Promise<{ before: string; project: Project }> {
  const project = await getProject(kv, input.id);
  if (!project) throw new AppError('not_found', 'No such project.');
  if (project.id === WAYMARK_PROJECT_ID) throw new AppError('forbidden', 'The Waymark project cannot be renamed.');
  const name = validateProjectName(input.name);
  await refuseDuplicateName(kv, name, project.id);
  const before = project.name;
  const renamed = { ...project, name };
  await saveProject(kv, renamed);
  return { before, project: renamed };
}

/** Removes a project's record and listing entry (its events and keys go first: projects/delete.ts). */
export async function removeProjectRecord(kv: KVNamespace, id: string): Promise<void> {
  await kv.delete(kvProject(id));
}

export async function createProject(
  kv: KVNamespace,
  input: { name: string; now: number; id?: string; uniqueName?: boolean },
): Promise<Project> {
  const project: Project = {
    id: input.id ?? newId('project', input.now),
    name: validateProjectName(input.name),
    created_at: input.now,
  };
  // A person's new project (the dashboard asks for uniqueName) must not repeat another's name.
  if (input.uniqueName) await refuseDuplicateName(kv, project.name);
  await saveProject(kv, project);
  return project;
}
