// The local start-up (scripts/lib/local-worker.ts, used by `npm run dev`, these tests and
// the benchmark): it stops what it started even when killed with SIGKILL, and never
// mistakes another server for its own.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, portIsFree, ROOT, startWorker } from '../../scripts/lib/local-worker.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => Promise<boolean> | boolean, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return check();
}

describe('local start-up', () => {
  it('refuses a port another server holds, instead of taking that server for its own', async () => {
    const port = await freePort();
    const other = createServer((s) => s.end('HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{"ok":true}')).listen(port, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    try {
      await expect(startWorker({ port, quiet: true })).rejects.toThrow(/already in use/);
    } finally {
      other.close();
    }
  });

  it('leaves nothing running after the starting process is killed with SIGKILL', async () => {
    const port = await freePort();
    const persistTo = mkdtempSync(join(tmpdir(), 'waymark-kill-'));
    const starter = spawn(process.execPath, [join(ROOT, 'test', 'e2e', 'fixtures', 'start-worker.ts'), String(port), persistTo], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const group = await new Promise<number>((resolve, reject) => {
        let out = '';
        starter.stdout!.on('data', (d) => {
          out += d;
          const m = /READY (\d+)/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        starter.once('exit', (code) => reject(new Error(`the starter exited (${code}) before it was ready`)));
      });
      expect((await fetch(`http://127.0.0.1:${port}/livez`)).ok).toBe(true);
      starter.kill('SIGKILL');
      expect(await until(() => !alive(-group), 15)).toBe(true);
      expect(await until(() => portIsFree(port), 5)).toBe(true);
    } finally {
      if (starter.exitCode === null) starter.kill('SIGKILL');
      rmSync(persistTo, { recursive: true, force: true });
    }
  }, 120_000);
});
