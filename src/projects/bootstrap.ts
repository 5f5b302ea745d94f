// Every deployment has a Default, a Demo and the Waymark project (the dashboard's own trail). They are created on the first
// request an isolate serves (ids are fixed, so racing isolates write the same thing),
// and the keys configured as secrets are registered for them.
import type { Env } from '../env';
import { WAYMARK_PROJECT_ID, createProject, getProject } from './store';
import { importKey } from './keys-store';

export const DEFAULT_PROJECT = { id: 'proj_default', name: 'Default' } as const;
export const DEMO_PROJECT = { id: 'proj_demo', name: 'Demo' } as const;
/** The dashboard's own audit trail (team/audit.ts): no API key, no writes but the dashboard's, never deleted. */
export const WAYMARK_PROJECT = { id: WAYMARK_PROJECT_ID, name: 'Waymark' } as const;
/** Projects every deployment has; they cannot be deleted (Waymark cannot be renamed either). */
export const BUILT_IN_PROJECT_IDS: readonly string[] = [DEFAULT_PROJECT.id, DEMO_PROJECT.id, WAYMARK_PROJECT.id];

let done: Promise<void> | null = null;

async function run(env: Env, now: number): Promise<void> {
  if (!(await getProject(env.KV, WAYMARK_PROJECT.id))) {
    await createProject(env.KV, { id: WAYMARK_PROJECT.id, name: WAYMARK_PROJECT.name, now });
  }
  for (const [project, key] of [
    [DEFAULT_PROJECT, env.DEFAULT_PROJECT_SECRET_KEY],
    [DEMO_PROJECT, env.DEMO_PROJECT_SECRET_KEY],
  ] as const) {
    if (!(await getProject(env.KV, project.id))) {
      await createProject(env.KV, { id: project.id, name: project.name, now });
    }
    if (key) await importKey(env.KV, { projectId: project.id, plain: key, name: 'Configured secret key', now });
  }
}

/** Runs the bootstrap once per isolate; a failure is retried by the next request. */
export function ensureBootstrap(env: Env, now: number): Promise<void> {
  if (!done) {
    done = run(env, now).catch((err) => {
      done = null;
      throw err;
    });
  }
  return done;
}
