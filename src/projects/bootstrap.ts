// Every deployment has a Default and a Demo project. They are created on the first
// request an isolate serves (ids are fixed, so racing isolates write the same thing),
// and the keys configured as secrets are registered for them.
import type { Env } from '../env';
import { createProject, getProject, importKey } from './store';

export const DEFAULT_PROJECT = { id: 'proj_default', name: 'Default' } as const;
export const DEMO_PROJECT = { id: 'proj_demo', name: 'Demo' } as const;

let done: Promise<void> | null = null;

async function run(env: Env, now: number): Promise<void> {
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
