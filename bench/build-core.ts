// The benchmark's tools run the Worker's own modules in Node: bench/core.ts, bundled by
// esbuild into bench/.build (one file per tool that may run beside another, so a bundle is
// never rewritten under a running benchmark).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/lib/local-worker.ts';

export async function loadCore(file = 'core.mjs'): Promise<typeof import('./core.ts')> {
  const buildDir = join(ROOT, 'bench', '.build');
  mkdirSync(buildDir, { recursive: true });
  const outfile = join(buildDir, file);
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(ROOT, 'bench', 'core.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile,
    external: ['node:*'],
    logLevel: 'warning',
  });
  return (await import(outfile)) as typeof import('./core.ts');
}
