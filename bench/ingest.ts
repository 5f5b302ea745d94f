// The single-event ingest part of `npm run bench`: Waymark against a naive Worker (one D1
// insert per request, no auth, no validation; bench/naive/) under the same load, in the
// same run, first under `wrangler dev`, then under plain Miniflare (one workerd, no dev
// proxy). Also counts D1 write transactions per acknowledged single event: every single-
// event answer names the committer batch that carried it (`Waymark-Commit:
// <incarnation>.<sequence>`, the sequence counting every D1 batch that committer sent,
// failed ones included), so the transactions of a phase are the span of sequences seen.
//
// Logging is equal on both sides: the same wrangler flags and `[observability]` setting
// under wrangler dev; Miniflare's default (no request logs) for both.
import { RATE_TIERS } from '../src/projects/rate-limits.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startWorker, freePort, wranglerSync } from '../scripts/lib/local-worker.ts';
import { NAIVE_SCHEMA } from './naive/schema.ts';

type Load = (
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
  maxSeconds?: number,
) => Promise<{ p50: number; p95: number; p99: number; rate: number; done: number; failures: number; seconds: number }>;

export interface SingleRow {
  runner: 'wrangler dev' | 'miniflare';
  /**
   * The Demo project's rate-limit tier: `high` asks the Rate Limiting binding on every request
   * (locally a write to a SQLite-backed Durable Object each time; in production an in-memory
   * counter of the location); `off` (a tier a project can choose) does not ask it.
   */
  rate_tier: 'high' | 'off';
  concurrency: number;
  waymark: { events_per_s: number; p50: number; p95: number; failures: number };
  naive: { events_per_s: number; p50: number; p95: number; failures: number };
  /** Waymark's rate over the naive Worker's. */
  ratio: number;
  /** D1 write transactions per acknowledged Waymark event (the naive Worker: 1 by construction). */
  transactions_per_event: number;
}

/** Counts the D1 transactions behind a set of answers from their `Waymark-Commit` headers. */
export class CommitCount {
  private spans = new Map<string, { min: number; max: number }>();
  acknowledged = 0;
  unlabelled = 0;

  add(header: string | null): void {
    this.acknowledged++;
    const m = header ? /^([^.]+)\.(\d+)$/.exec(header) : null;
    if (!m) {
      this.unlabelled++;
      return;
    }
    const seq = Number(m[2]);
    const span = this.spans.get(m[1]);
    if (!span) this.spans.set(m[1], { min: seq, max: seq });
    else {
      span.min = Math.min(span.min, seq);
      span.max = Math.max(span.max, seq);
    }
  }

  /** Every batch sent between the first and last one seen, per committer incarnation; an unlabelled answer counts as one. */
  get transactions(): number {
    let n = this.unlabelled;
    for (const { min, max } of this.spans.values()) n += max - min + 1;
    return n;
  }
}

interface Target {
  url: string;
  headers: Record<string, string>;
  stop(): Promise<void>;
}

const LEVELS = [
  [1, 1000],
  [8, 3000],
  [32, 5000],
] as const;

/**
 * Measures Waymark (already running at `waymark.url`) and the naive Worker alternately at
 * c1, c8 and c32. Returns the rows and how many Waymark events were acknowledged.
 */
async function compare(
  runner: SingleRow['runner'],
  rateTier: SingleRow['rate_tier'],
  waymark: Omit<Target, 'stop'>,
  naive: Omit<Target, 'stop'>,
  body: () => unknown,
  load: Load,
  log: (...m: unknown[]) => void,
): Promise<{ rows: SingleRow[]; acknowledged: number }> {
  const rows: SingleRow[] = [];
  let acknowledged = 0;
  const poster = (t: Omit<Target, 'stop'>, commits?: CommitCount) => async () => {
    const res = await fetch(t.url, { method: 'POST', headers: t.headers, body: JSON.stringify(body()) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${t.url}: ${res.status} ${text.slice(0, 300)}`);
    commits?.add(res.headers.get('waymark-commit'));
  };
  // Warm both isolates (and Waymark's key cache and committer).
  for (let i = 0; i < 50; i++) {
    await poster(waymark)();
    await poster(naive)();
  }
  acknowledged += 50;
  for (const [conc, count] of LEVELS) {
    const commits = new CommitCount();
    const w = await load(count, conc, poster(waymark, commits));
    const n = await load(count, conc, poster(naive));
    acknowledged += commits.acknowledged;
    const row: SingleRow = {
      runner,
      rate_tier: rateTier,
      concurrency: conc,
      waymark: { events_per_s: w.rate, p50: w.p50, p95: w.p95, failures: w.failures },
      naive: { events_per_s: n.rate, p50: n.p50, p95: n.p95, failures: n.failures },
      ratio: w.rate / n.rate,
      transactions_per_event: commits.transactions / Math.max(1, commits.acknowledged),
    };
    rows.push(row);
    log(
      `  ${runner} (rate tier ${rateTier}) single c${conc}: Waymark ${Math.round(w.rate)}/s (p50 ${w.p50.toFixed(2)}, p95 ${w.p95.toFixed(2)} ms), ` +
        `naive ${Math.round(n.rate)}/s (p50 ${n.p50.toFixed(2)} ms): ${row.ratio.toFixed(2)}×; ` +
        `${commits.transactions} D1 transactions for ${commits.acknowledged} events (${row.transactions_per_event.toFixed(3)} per event)`,
    );
  }
  return { rows, acknowledged };
}

/** The naive Worker under `wrangler dev`, on its own local D1 of the same kind. */
async function startNaiveDev(): Promise<Target & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-naive-'));
  const config = ['--config', join('bench', 'naive', 'wrangler.toml')];
  wranglerSync(['d1', 'execute', 'DB', '--local', '--persist-to', dir, ...config, '--command', NAIVE_SCHEMA], { quiet: true });
  const port = await freePort();
  const w = await startWorker({ port, persistTo: dir, quiet: true, extraArgs: config });
  return { url: `${w.url}/events`, headers: { 'content-type': 'application/json' }, stop: w.stop, dir };
}

/**
 * Under wrangler dev: Waymark is the running dev server at `base`; the naive Worker is
 * started beside it (one after the other: two starting at once can collide on a port).
 */
export async function singleEventsUnderDev(opts: {
  base: string;
  /** The tier the running dev server gives the Demo project (its RATE_LIMIT_DEFAULT). */
  rateTier: SingleRow['rate_tier'];
  key: string;
  body: () => unknown;
  load: Load;
  log: (...m: unknown[]) => void;
}): Promise<{ rows: SingleRow[]; acknowledged: number }> {
  const naive = await startNaiveDev();
  try {
    return await compare(
      'wrangler dev',
      opts.rateTier,
      { url: `${opts.base}/audit_logs/events`, headers: { authorization: `Bearer ${opts.key}`, 'content-type': 'application/json' } },
      naive,
      opts.body,
      opts.load,
      opts.log,
    );
  } finally {
    await naive.stop();
    rmSync(naive.dir, { recursive: true, force: true });
  }
}

export const COMPATIBILITY_DATE = '2026-11-01';

/**
 * Miniflare's (v4-shaped) options for Waymark's dry-run bundle in `dir`: every binding
 * checkEnv requires (src/env.ts), as wrangler.toml declares them, and the same rate-limit
 * tiers (src/projects/rate-limits.ts). Also used by bench/ab-singles.ts.
 */
export function waymarkWorker(dir: string, bindings: Record<string, string>) {
  return {
    name: 'waymark',
    modules: true,
    modulesRoot: dir,
    scriptPath: join(dir, 'index.js'),
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases: { DB: '00000000-0000-0000-0000-000000000000' },
    kvNamespaces: { KV: '00000000000000000000000000000000' },
    durableObjects: { COMMITTER: { className: 'Committer', useSQLite: true } },
    r2Buckets: ['EXPORTS'],
    queueProducers: { EXPORT_JOBS: { queueName: 'waymark-export-jobs' } },
    ratelimits: Object.fromEntries(
      Object.values(RATE_TIERS).flatMap((t, i) =>
        t.binding ? [[t.binding, { namespace_id: String(7101 + i), simple: { limit: t.limit, period: t.periodSeconds as 10 } }]] : [],
      ),
    ),
    bindings,
  };
}

/**
 * Under plain Miniflare: Waymark from wrangler's dry-run bundle on the benchmark's
 * persistence folder (the same D1 file), the naive Worker bundled by esbuild on a fresh D1.
 * Call it while no wrangler dev uses `persistTo`.
 */
export async function singleEventsUnderMiniflare(opts: {
  persistTo: string;
  vars: Record<string, string>;
  /** Waymark is measured once per tier (the Demo project's RATE_LIMIT_DEFAULT), each against the naive Worker. */
  rateTiers: SingleRow['rate_tier'][];
  key: string;
  body: () => unknown;
  load: Load;
  log: (...m: unknown[]) => void;
}): Promise<{ rows: SingleRow[]; acknowledged: number }> {
  const { Miniflare, convertV4MiniflareOptions } = await import('miniflare');
  const outdir = join(ROOT, '.wrangler', 'dry-run');
  wranglerSync(['deploy', '--dry-run', '--outdir', outdir], { quiet: true });
  const esbuild = await import('esbuild');
  const naiveScript = join(ROOT, 'bench', '.build', 'naive.mjs');
  await esbuild.build({
    entryPoints: [join(ROOT, 'bench', 'naive', 'worker.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile: naiveScript,
    logLevel: 'warning',
  });
  // Miniflare 5 takes a new configuration shape; it still converts the familiar (v4) options.
  const startWaymark = (rateTier: SingleRow['rate_tier']) =>
    new Miniflare(convertV4MiniflareOptions({
      resourcePersistencePath: join(opts.persistTo, 'v3'),
      workers: [waymarkWorker(outdir, { ...opts.vars, RATE_LIMIT_DEFAULT: rateTier })],
    }));
  const naiveDir = mkdtempSync(join(tmpdir(), 'waymark-naive-mf-'));
  const naiveMf = new Miniflare(convertV4MiniflareOptions({
    resourcePersistencePath: naiveDir,
    workers: [{ name: 'naive', modules: true, scriptPath: naiveScript, compatibilityDate: COMPATIBILITY_DATE, d1Databases: { DB: 'naive' } }],
  }));
  const rows: SingleRow[] = [];
  let acknowledged = 0;
  try {
    const n = await naiveMf.ready;
    await (await naiveMf.getD1Database('DB')).exec(NAIVE_SCHEMA);
    // One Waymark at a time on the benchmark's files (two runtimes must not share them).
    for (const rateTier of opts.rateTiers) {
      const waymarkMf = startWaymark(rateTier);
      try {
        const w = await waymarkMf.ready;
        // The same D1 file as under wrangler dev (migrated by wrangler), not a fresh empty one.
        const migrated = await (await waymarkMf.getD1Database('DB'))
          .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'd1_migrations'")
          .first<{ n: number }>();
        if (migrated?.n !== 1) throw new Error('Miniflare did not open the benchmark database');
        const auth = { authorization: `Bearer ${opts.key}`, 'content-type': 'application/json' };
        const done = await compare(
          'miniflare',
          rateTier,
          { url: new URL('/audit_logs/events', w).href, headers: auth },
          { url: new URL('/events', n).href, headers: { 'content-type': 'application/json' } },
          opts.body,
          opts.load,
          opts.log,
        );
        rows.push(...done.rows);
        acknowledged += done.acknowledged;
      } finally {
        await waymarkMf.dispose();
      }
    }
    return { rows, acknowledged };
  } finally {
    await naiveMf.dispose();
    rmSync(naiveDir, { recursive: true, force: true });
  }
}

/** The report's section for these rows. */
export function singleEventsReport(rows: SingleRow[]): string[] {
  const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const md = [
    '### Single events against a naive Worker (one D1 insert per request, no auth, no validation)',
    '',
    'Same load, same run, alternating Waymark and the naive Worker at each concurrency. Targets: rate ≥ 0.8× naive at c8 and ≥ 1.1× at c32; D1 write transactions per acknowledged event at c32 ≤ 0.25.',
    '',
    "Rate tier: the Demo project's. `high` asks the Rate Limiting binding on every request, as a project with a limit does; locally that binding is a SQLite-backed Durable Object written on every call (in production, a counter in the location's memory). `off` is the tier a project can choose to have no limit; the naive Worker has none.",
    '',
    '| runner | rate tier | concurrency | Waymark events/s | p50 / p95 (ms) | naive events/s | p50 / p95 (ms) | ratio | D1 transactions per event |',
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const r of rows) {
    md.push(
      `| ${r.runner} | ${r.rate_tier} | ${r.concurrency} | ${Math.round(r.waymark.events_per_s)} | ${f(r.waymark.p50)} / ${f(r.waymark.p95)} | ${Math.round(r.naive.events_per_s)} | ${f(r.naive.p50)} / ${f(r.naive.p95)} | ${r.ratio.toFixed(2)} | ${r.transactions_per_event.toFixed(3)} |`,
    );
  }
  return md;
}
