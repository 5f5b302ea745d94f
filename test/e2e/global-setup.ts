// Starts one Worker under `wrangler dev` on a free localhost port, with its own
// empty D1 and KV in a temporary folder, for the SDK and browser tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, migrateLocal, startWorker } from '../../scripts/lib/local-worker.ts';
import { E2E_VARS } from './vars.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    waymarkUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), 'waymark-e2e-'));
  migrateLocal(persistTo, true);
  // --test-scheduled: tests trigger the hourly cron through GET /__scheduled (the retention purge).
  const worker = await startWorker({ port: await freePort(), persistTo, vars: E2E_VARS, quiet: true, extraArgs: ['--test-scheduled'] });
  project.provide('waymarkUrl', worker.url);
  return async () => {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}
