// `node bench/ab-singles.ts A B [C…]`: single-event throughput of Worker bundles (or rate
// tiers) under plain Miniflare, in alternated rounds, so that a change is measured against
// its base on the same machine at the same time (docs/performance.md, issue 8's sixth pass).
//
// Each argument is `<bundle dir>[|<rate tier>]`: a folder holding wrangler's dry-run output
// (`npx wrangler deploy --dry-run --outdir <dir>` on each version; `.` stands for this
// checkout's `.wrangler/dry-run`), and the Demo project's tier (`high` by default, `off`).
// Every variant gets a fresh migrated database; rounds alternate the order.
//   ROUNDS=4 COUNT=1500 CONC=8 node bench/ab-singles.ts /tmp/base '.' '.|off'
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrateLocal, ROOT } from '../scripts/lib/local-worker.ts';
import { waymarkWorker } from './ingest.ts';
import { loadCore } from './build-core.ts';

const specs = process.argv.slice(2);
if (specs.length < 2) {
  console.error('usage: node bench/ab-singles.ts <bundle dir>[|high|off] <bundle dir>[|high|off] …');
  process.exit(2);
}
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const COUNT = Number(process.env.COUNT ?? 1500);
const CONC = Number(process.env.CONC ?? 8);
const KEY = 'sk_test_BenchDemoBenchDemoBenchDemo0002';
const VARS = {
  WAYMARK_ENV: 'development',
  ADMIN_PASSWORD: 'bench-admin-password',
  DEFAULT_PROJECT_SECRET_KEY: 'sk_test_BenchDefaultBenchDefaultBench01',
  DEMO_PROJECT_SECRET_KEY: KEY,
};

const core = await loadCore('ab-singles-core.mjs');
const { Miniflare, convertV4MiniflareOptions } = await import('miniflare');

interface Variant {
  label: string;
  url: string;
  stop(): Promise<void>;
  rates: number[];
}

async function start(spec: string): Promise<Variant> {
  const [dirArg, tier = 'high'] = spec.split('|');
  const dir = dirArg === '.' ? join(ROOT, '.wrangler', 'dry-run') : resolve(dirArg);
  if (!existsSync(join(dir, 'index.js'))) throw new Error(`${dir}/index.js: build it with wrangler deploy --dry-run --outdir`);
  if (tier !== 'high' && tier !== 'off') throw new Error(`${spec}: the tier is high or off`);
  const persistTo = mkdtempSync(join(tmpdir(), 'waymark-ab-'));
  migrateLocal(persistTo, true);
  const mf = new Miniflare(convertV4MiniflareOptions({
    resourcePersistencePath: join(persistTo, 'v3'),
    workers: [waymarkWorker(dir, { ...VARS, RATE_LIMIT_DEFAULT: tier })],
  }));
  const url = new URL('/audit_logs/events', await mf.ready).href;
  return {
    label: spec,
    url,
    rates: [],
    stop: async () => {
      await mf.dispose();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

let marker = 0;
async function post(url: string): Promise<void> {
  const body = core.benchEvent(1000, 1000, Date.UTC(2026, 10, 20)).body;
  (body.event.metadata as Record<string, unknown>).bench_seq = `ab${marker++}`;
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 300)}`);
}

async function round(url: string): Promise<{ rate: number; p50: number; p95: number }> {
  let next = 0;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      while (next < COUNT) {
        next++;
        const s = performance.now();
        await post(url);
        latencies.push(performance.now() - s);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rate: COUNT / ((performance.now() - t0) / 1000), p50: latencies[Math.floor(latencies.length / 2)], p95: latencies[Math.floor(latencies.length * 0.95)] };
}

const variants: Variant[] = [];
try {
  for (const spec of specs) variants.push(await start(spec));
  for (const v of variants) for (let i = 0; i < 100; i++) await post(v.url); // warm isolates, key cache, committer
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const x = await round(v.url);
      v.rates.push(x.rate);
      console.log(`round ${r + 1} ${v.label} c${CONC}: ${x.rate.toFixed(0)} events/s, p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms`);
    }
  }
  const median = (a: number[]) => {
    const s = [...a].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  for (const v of variants) {
    const mean = v.rates.reduce((a, b) => a + b, 0) / v.rates.length;
    console.log(`${v.label}: rounds ${v.rates.map((x) => x.toFixed(0)).join(' / ')}; median ${median(v.rates).toFixed(1)}, mean ${mean.toFixed(1)} events/s`);
  }
} finally {
  for (const v of variants) await v.stop();
}
