// `npm run dev`: the one command that sets up and runs Waymark locally.
//  1. creates .dev.vars from .dev.vars.example (random password and keys) when missing;
//  2. copies browser assets and applies D1 migrations locally;
//  3. starts `wrangler dev` (the Worker creates the Default and Demo projects);
//  4. fills the Demo project with realistic events the first time, through the public batch API;
//  5. prints the dashboard URL, the password and both keys.
// Running it again changes nothing that exists.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoEvents } from '../src/demo/generate.ts';
import { randomBase62 } from '../src/lib/crypto.ts';
import { migrateLocal, ROOT, startWorker } from './lib/local-worker.ts';

const PORT = Number(process.env.PORT ?? 8787);
const DEMO_EVENT_COUNT = 5000;

function ensureDevVars(): Record<string, string> {
  const path = join(ROOT, '.dev.vars');
  if (!existsSync(path)) {
    const filled = readFileSync(join(ROOT, '.dev.vars.example'), 'utf8').replace(/^([A-Z_]+)=$/gm, (_m, name: string) => {
      if (name === 'ADMIN_PASSWORD') return `${name}=${randomBase62(20)}`;
      if (name.endsWith('_SECRET_KEY')) return `${name}=sk_test_${randomBase62(32)}`;
      return `${name}=`;
    });
    writeFileSync(path, filled, { mode: 0o600 });
    console.log('Created .dev.vars with a fresh admin password and project keys.');
  }
  const vars: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

async function seedDemo(url: string, key: string): Promise<number> {
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const existing = await fetch(`${url}/events?limit=1`, { headers: auth });
  if (existing.status === 401 || existing.status === 403) {
    // The Demo key was revoked (or narrowed) in the dashboard: run without seeding.
    console.warn(`The Demo key in .dev.vars is not usable (${existing.status}); Demo is not filled. Create a key in the dashboard to send events.`);
    return 0;
  }
  if (!existing.ok) throw new Error(`Could not read the Demo project: ${existing.status} ${await existing.text()}`);
  if (((await existing.json()) as { data: unknown[] }).data.length > 0) return 0;
  const events = demoEvents({ count: DEMO_EVENT_COUNT, now: Date.now() });
  for (let i = 0; i < events.length; i += 1000) {
    const res = await fetch(`${url}/audit_logs/events/batch`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ events: events.slice(i, i + 1000) }),
    });
    if (!res.ok) throw new Error(`Seeding failed: ${res.status} ${await res.text()}`);
  }
  return events.length;
}

const vars = ensureDevVars();
await import('./copy-assets.ts');
console.log('Applying migrations to the local D1 database…');
migrateLocal();
const verbose = process.argv.includes('--verbose');
let worker: Awaited<ReturnType<typeof startWorker>>;
try {
  // wrangler's per-request log would push the banner off screen: on only with --verbose.
  worker = await startWorker({ port: PORT, extraArgs: verbose ? [] : ['--log-level', 'warn'] });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
const shutdown = () => worker.stop().then(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
try {
  const seeded = await seedDemo(worker.url, vars.DEMO_PROJECT_SECRET_KEY);
  if (seeded > 0) console.log(`Filled the Demo project with ${seeded} events.`);
} catch (err) {
  console.error(err);
  await worker.stop();
  process.exit(1);
}
const host = `http://localhost:${PORT}`;
console.log(`
  Waymark is running.

  Dashboard      ${host}/          (owner: leave the email blank; password: ${vars.ADMIN_PASSWORD})
  Default key    ${vars.DEFAULT_PROJECT_SECRET_KEY}
  Demo key       ${vars.DEMO_PROJECT_SECRET_KEY}

  Try:  curl -H "Authorization: Bearer ${vars.DEMO_PROJECT_SECRET_KEY}" "${host}/events?search=clarence"

  Press Ctrl+C to stop.
`);
