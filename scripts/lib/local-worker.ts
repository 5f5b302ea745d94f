// Starts and stops the Worker under `wrangler dev` on localhost, for the local set-up,
// the end-to-end tests and the benchmark. Servers are stopped by their process group id.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

/** Runs wrangler with this Node (the project pins Node 22 through the `node` package). */
export function wranglerSync(args: string[], options: { quiet?: boolean } = {}): void {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], {
    cwd: ROOT,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(' ')} failed (${result.status}):\n${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
}

/** Applies migrations/ to the local D1 database (optionally in another persistence folder). */
export function migrateLocal(persistTo?: string, quiet = false): void {
  wranglerSync(['d1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])], { quiet });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when nothing listens on 127.0.0.1:port. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface RunningWorker {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startWorker(options: {
  port: number;
  persistTo?: string;
  vars?: Record<string, string>;
  quiet?: boolean;
  extraArgs?: string[];
}): Promise<RunningWorker> {
  if (!(await portIsFree(options.port))) {
    throw new Error(
      `Port ${options.port} on 127.0.0.1 is already in use. An earlier Waymark may still be running ` +
        `(see \`ss -ltnp 'sport = :${options.port}'\` and stop its process group), or choose another port with PORT=…`,
    );
  }
  // A random name for this run: the readiness check accepts only a server that says it.
  const instance = randomUUID();
  const args = [WRANGLER, 'dev', '--ip', '127.0.0.1', '--port', String(options.port), '--show-interactive-dev-session=false'];
  if (options.persistTo) args.push('--persist-to', options.persistTo);
  for (const [k, v] of Object.entries({ ...options.vars, WAYMARK_INSTANCE: instance })) args.push('--var', `${k}:${v}`);
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  // wrangler and workerd run in their own process group (so stop() ends them all); the
  // watchdog ends that group if this process dies without calling stop().
  if (child.pid !== undefined) {
    spawn(process.execPath, [join(ROOT, 'scripts', 'lib', 'watchdog.ts'), String(process.pid), String(child.pid)], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  }
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-20_000)));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    await exited;
    // wrangler can exit before its workerd does: wait for the whole group, so that a runtime
    // started next on the same files (the benchmark's Miniflare) never shares them with this one.
    const pid = child.pid;
    const groupAlive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && groupAlive(); i++) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    let live: Response | null = null;
    try {
      live = await fetch(`${url}/livez`);
    } catch {
      /* not listening yet */
    }
    if (live?.ok && live.headers.get('waymark-instance') !== instance) {
      await stop();
      throw new Error(`Another server answers on ${url}: it is not the Waymark this command started.`);
    }
    if (live?.ok && (await fetch(`${url}/healthz`).catch(() => null))?.ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer on ${url} within 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, child, stop };
}
