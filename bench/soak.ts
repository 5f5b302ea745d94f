// `npm run soak [-- --minutes 5 --concurrency 32]`: a bounded soak of Waymark under `wrangler dev`
// on loopback. It starts its own Worker (a free 127.0.0.1 port, a temporary persistence
// folder), runs a mixed load (single events of both shapes with Idempotency-Key, batches,
// retries of acknowledged requests, searches of several kinds, list pages followed by
// their cursors) for the given minutes, samples the RSS of every process in the server's
// process group every few seconds, then stops the server and counts in its D1 file:
// acknowledged = stored, no duplicates, p50/p95 per minute per request kind.
// Results: bench/results/soak.{md,json} (or --out <prefix>).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { decodeRaw, type RowText } from '../src/events/stored-raw.ts';
import { freePort, migrateLocal, ROOT, startWorker } from '../scripts/lib/local-worker.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    'sample-seconds': { type: 'string', default: '5' },
    out: { type: 'string', default: join(ROOT, 'bench', 'results', 'soak') },
  },
});
const MINUTES = Number(args.minutes);
const CONCURRENCY = Number(args.concurrency);
const SAMPLE_MS = Number(args['sample-seconds']) * 1000;
if (!(MINUTES > 0 && MINUTES <= 60) || !(CONCURRENCY >= 1 && CONCURRENCY <= 256) || !(SAMPLE_MS >= 1000)) {
  console.error('usage: npm run soak -- [--minutes 0<m≤60] [--concurrency 1..256] [--sample-seconds ≥1] [--out prefix]');
  process.exit(2);
}
const DURATION_MS = MINUTES * 60_000;
/** Every request gives up after this; the whole run after DURATION_MS plus this margin. */
const REQUEST_TIMEOUT_MS = 30_000;
const HARD_STOP_MS = DURATION_MS + 3 * 60_000;
/** p95 counts as stable when the last minute's is at most this many times the first minute's. */
const STABLE_RATIO = 1.5;

const started = Date.now();
const log = (...m: unknown[]) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s]`, ...m);

// ---------------------------------------------------------------- the server

const KEYS = {
  WAYMARK_ENV: 'development',
  ADMIN_PASSWORD: 'soak-admin-password',
  DEFAULT_PROJECT_SECRET_KEY: 'sk_test_SoakDefaultSoakDefaultSoakDef01',
  DEMO_PROJECT_SECRET_KEY: 'sk_test_SoakDemoSoakDemoSoakDemoSoak0002',
};
const persistTo = mkdtempSync(join(tmpdir(), 'waymark-soak-'));
migrateLocal(persistTo, true);
const port = await freePort();
log(`soak: ${MINUTES} min at concurrency ${CONCURRENCY}; wrangler dev on 127.0.0.1:${port}, persistence in ${persistTo}`);
const worker = await startWorker({ port, persistTo, vars: KEYS, quiet: true });
const group = worker.child.pid!;
const base = worker.url; // http://127.0.0.1:<port>: loopback only
const hardStop = setTimeout(async () => {
  console.error('soak: hard time limit reached; stopping the server');
  await worker.stop();
  process.exit(1);
}, HARD_STOP_MS);
hardStop.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await worker.stop();
    process.exit(130);
  });
}

// ---------------------------------------------------------------- memory of the server's process group

interface ProcessSample {
  pid: number;
  name: string;
  rss_mb: number;
}
interface MemorySample {
  t_s: number;
  processes: ProcessSample[];
  total_mb: number;
  load1: number;
  client_rss_mb: number;
}

/** The command line of each process seen in the group, by pid (for the report). */
const commands = new Map<number, string>();

/** Every live process whose process group is the server's (wrangler's node, workerd, …), with its RSS. */
function sampleGroup(): ProcessSample[] {
  const out: ProcessSample[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== group) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const line = cmd.join(' ');
      const name = line.includes('wrangler/bin/wrangler.js')
        ? 'node: wrangler launcher'
        : line.includes('wrangler-dist/cli.js')
          ? 'node: wrangler dev'
          : line.includes('workerd') && line.includes(`entry=127.0.0.1:${port} `)
            ? 'workerd: dev proxy (public port)'
            : line.includes('workerd')
              ? 'workerd: the Worker (D1, KV)'
              : line.includes('esbuild') ? 'esbuild' : (cmd[0]?.split('/').pop() ?? '?');
      if (!commands.has(Number(entry))) commands.set(Number(entry), line.replace(/(--var \w+):\S+/g, '$1:…').slice(0, 300));
      out.push({ pid: Number(entry), name, rss_mb: Math.round(rssKb / 102.4) / 10 });
    } catch {
      /* the process ended between readdir and read */
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}

const memory: MemorySample[] = [];
const takeSample = () => {
  const processes = sampleGroup();
  memory.push({
    t_s: Math.round((Date.now() - loadStart) / 1000),
    processes,
    total_mb: Math.round(processes.reduce((s, p) => s + p.rss_mb, 0) * 10) / 10,
    load1: Math.round(loadavg()[0] * 100) / 100,
    client_rss_mb: Math.round(process.memoryUsage().rss / 1e5) / 10,
  });
};

// ---------------------------------------------------------------- events, each marked with the run id and a sequence number

const RUN = randomUUID().slice(0, 8);
const FIRST = ['Clarence', 'Zoë', 'Inara', 'Malcolm', 'Kaylee', 'Hoban', 'Jayne', 'Simon', 'River', 'Shepherd', 'Bao', 'Sigrún', 'Ngozi', 'Aiyana', 'José'];
const LAST = ['Birdseye', 'Washburne', 'Serra', 'Reynolds', 'Frye', 'Cobb', 'Tam', 'Book', 'Nguyen', 'Okafor', 'Sørensen', 'García'];
const ACTIONS = ['user.signed_in', 'user.signed_out', 'document.viewed', 'document.exported', 'document.shared', 'team.member_added', 'policy.updated', 'secret.rotated', 'export.requested'];
const ORGS = Array.from({ length: 40 }, (_, i) => `org_${(i * 7919).toString(36).padStart(5, '0')}`);
let seq = 0;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)];

function person() {
  const first = pick(FIRST);
  const last = pick(LAST);
  const n = Math.floor(Math.random() * 500);
  return { id: `user_${n}`, name: `${first} ${last}`, email: `${first}.${last}${n}@example.com`.toLowerCase().normalize('NFKD').replace(/[^\x20-\x7e]/g, '') };
}

/** A new sequence number; it goes into the event's metadata as soak_seq. */
const nextSeq = () => `${RUN}-${++seq}`;

function legacyEvent(s: string) {
  const p = person();
  return {
    group: pick(ORGS),
    location: `203.0.113.${Math.floor(Math.random() * 255)}`,
    action: pick(ACTIONS),
    action_type: pick(['C', 'R', 'U', 'D']),
    actor_name: p.email,
    actor_id: p.id,
    target_name: `Q${1 + Math.floor(Math.random() * 4)} report.pdf`,
    target_id: `doc_${Math.floor(Math.random() * 10_000)}`,
    occurred_at: new Date(Date.now() - Math.floor(Math.random() * 3_600_000)).toISOString(),
    metadata: { soak_run: RUN, soak_seq: s, plan: pick(['free', 'pro', 'enterprise']) },
  };
}

function auditLogBody(s: string) {
  const p = person();
  return {
    organization_id: pick(ORGS),
    event: {
      action: pick(ACTIONS),
      occurred_at: new Date(Date.now() - Math.floor(Math.random() * 3_600_000)).toISOString(),
      actor: { id: p.id, type: 'user', name: p.name, metadata: { email: p.email } },
      targets: [{ id: `doc_${Math.floor(Math.random() * 10_000)}`, type: 'document', name: `Q${1 + Math.floor(Math.random() * 4)} report.pdf` }],
      context: { location: `198.51.100.${Math.floor(Math.random() * 255)}`, user_agent: 'Mozilla/5.0 (soak)' },
      metadata: { soak_run: RUN, soak_seq: s, plan: pick(['free', 'pro', 'enterprise']) },
    },
  };
}

// ---------------------------------------------------------------- requests and their outcomes

type Kind =
  | 'legacy single'
  | 'audit logs single'
  | 'legacy batch (20)'
  | 'audit logs batch (20)'
  | 'retry (same Idempotency-Key)'
  | 'search'
  | 'list page 1'
  | 'list page (cursor)';

interface Outcome {
  kind: Kind;
  detail?: string;
  /** When the request was sent, from the start of the load. */
  t_ms: number;
  latency_ms: number;
  status: number; // 0: no answer (network error or timeout)
}

const outcomes: Outcome[] = [];
/** Sequence numbers whose request was acknowledged (2xx). */
const acknowledged = new Set<string>();
/** Sequence numbers whose request got no answer or a 5xx: stored or not, both are correct. */
const uncertain = new Set<string>();
/** Acknowledged single requests that can be retried: the same body and key must replay the first answer. */
const retryable: { path: string; key: string; body: string; id: string }[] = [];
const recentIds: string[] = [];
const problems: string[] = [];
const problem = (m: string) => {
  if (problems.length < 50) problems.push(m);
};
let loadStart = Date.now();

async function request(kind: Kind, method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}, detail?: string) {
  const t0 = performance.now();
  const startedAt = Date.now() - loadStart;
  let status = 0;
  let json: any = null;
  let replayed = false;
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      body,
      headers: { authorization: `Bearer ${KEYS.DEFAULT_PROJECT_SECRET_KEY}`, 'content-type': 'application/json', ...headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    status = res.status;
    replayed = res.headers.get('idempotent-replayed') === 'true';
    const text = await res.text();
    try {
      json = JSON.parse(text);
    } catch {
      problem(`${kind} ${path.slice(0, 80)}: ${status}, not JSON: ${text.slice(0, 120)}`);
    }
    if (status >= 400) problem(`${kind} ${path.slice(0, 80)}: ${status} ${text.slice(0, 200)}`);
  } catch (err) {
    problem(`${kind} ${path.slice(0, 80)}: no answer (${(err as Error).name}: ${(err as Error).message.slice(0, 120)})`);
  }
  outcomes.push({ kind, detail, t_ms: startedAt, latency_ms: performance.now() - t0, status });
  return { status, json, replayed };
}

async function ingestOne(shape: 'legacy' | 'audit_logs') {
  const s = nextSeq();
  const path = shape === 'legacy' ? '/events' : '/audit_logs/events';
  const body = JSON.stringify(shape === 'legacy' ? legacyEvent(s) : auditLogBody(s));
  const key = `soak-${s}`;
  const r = await request(shape === 'legacy' ? 'legacy single' : 'audit logs single', 'POST', path, body, { 'Idempotency-Key': key });
  if (r.status >= 200 && r.status < 300) {
    acknowledged.add(s);
    recentIds.push(r.json.id);
    if (retryable.length < 5000) retryable.push({ path, key, body, id: r.json.id });
  } else if (r.status === 0 || r.status >= 500) uncertain.add(s);
}

async function ingestBatch(shape: 'legacy' | 'audit_logs', size = 20) {
  const seqs = Array.from({ length: size }, nextSeq);
  const path = shape === 'legacy' ? '/events/batch' : '/audit_logs/events/batch';
  const body = JSON.stringify({ events: seqs.map((s) => (shape === 'legacy' ? legacyEvent(s) : auditLogBody(s))) });
  const r = await request(shape === 'legacy' ? 'legacy batch (20)' : 'audit logs batch (20)', 'POST', path, body, { 'Idempotency-Key': `soak-batch-${seqs[0]}` });
  if (r.status >= 200 && r.status < 300) {
    for (const s of seqs) acknowledged.add(s);
    recentIds.push(...r.json.ids.slice(0, 2));
  } else if (r.status === 0 || r.status >= 500) for (const s of seqs) uncertain.add(s);
}

async function retry() {
  const previous = retryable.length > 0 ? retryable[Math.floor(Math.random() * retryable.length)] : null;
  if (!previous) return ingestOne('legacy');
  const r = await request('retry (same Idempotency-Key)', 'POST', previous.path, previous.body, { 'Idempotency-Key': previous.key });
  if (r.status >= 200 && r.status < 300 && (!r.replayed || r.json?.id !== previous.id)) {
    problem(`retry of ${previous.id} answered ${r.status} replayed=${r.replayed} id=${r.json?.id}`);
  }
}

const SEARCHES: [string, () => string][] = [
  ['surname', () => pick(LAST)],
  ['name prefix', () => pick(FIRST).slice(0, 4).toLowerCase()],
  ['email', () => person().email],
  ['event id', () => pick(recentIds.slice(-500)) ?? 'evt_01HZZZZZZZZZZZZZZZZZZZZZZZ'],
  ['action + time', () => `action:${pick(ACTIONS)} after:10m`],
  ['qualifiers', () => `actor:${pick(FIRST).toLowerCase()} org:${pick(ORGS)}`],
  ['exclusion', () => `report -action:user.signed_in`],
  ['metadata', () => `plan:${pick(['pro', 'enterprise'])}`],
  ['relevance', () => `${pick(LAST)} report`],
];

async function search() {
  const [name, make] = pick(SEARCHES);
  const order = name === 'relevance' ? '&order=relevance' : '';
  const path = pick(['/events', '/audit_logs/events']);
  await request('search', 'GET', `${path}?limit=20${order}&search=${encodeURIComponent(make())}`, undefined, {}, name);
}

async function listPages() {
  const path = pick(['/events?limit=50', `/events?limit=50&group=${pick(ORGS)}`, '/audit_logs/events?limit=50', `/audit_logs/events?limit=50&actions=${pick(ACTIONS)}`]);
  let r = await request('list page 1', 'GET', path);
  for (let page = 0; page < 3 && r.status === 200 && r.json?.list_metadata?.after; page++) {
    r = await request('list page (cursor)', 'GET', `${path}&after=${r.json.list_metadata.after}`);
  }
}

/** The mix: about half writes, a third searches, the rest list pages. */
const MIX: [number, () => Promise<void>][] = [
  [18, () => ingestOne('legacy')],
  [18, () => ingestOne('audit_logs')],
  [5, () => ingestBatch('legacy')],
  [5, () => ingestBatch('audit_logs')],
  [4, retry],
  [35, search],
  [15, listPages],
];
const MIX_TOTAL = MIX.reduce((s, [w]) => s + w, 0);
function nextAction() {
  let r = Math.random() * MIX_TOTAL;
  for (const [w, f] of MIX) if ((r -= w) < 0) return f;
  return MIX[0][1];
}

// ---------------------------------------------------------------- run

// Seed data for searches and lists (not counted in the soak's figures).
for (let i = 0; i < 5; i++) await ingestBatch(i % 2 ? 'audit_logs' : 'legacy', 200);
const seeded = outcomes.length;
outcomes.length = 0;
log(`seeded ${seeded} batches of 200 (${acknowledged.size} events); load starts`);

loadStart = Date.now();
takeSample();
const sampler = setInterval(takeSample, SAMPLE_MS);
const progress = setInterval(() => {
  const last = memory[memory.length - 1];
  log(`${outcomes.length} requests, ${acknowledged.size} events acknowledged; server RSS ${last?.processes.map((p) => `${p.name} ${p.rss_mb} MB`).join(', ')}; load ${last?.load1}`);
}, 30_000);
const deadline = loadStart + DURATION_MS;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < deadline) await nextAction()();
  }),
);
const loadSeconds = (Date.now() - loadStart) / 1000;
clearInterval(sampler);
clearInterval(progress);
takeSample();
log(`load done: ${outcomes.length} requests in ${loadSeconds.toFixed(0)} s`);

// Idle for a few samples: does the memory come back down?
for (let i = 0; i < 3; i++) {
  await new Promise((r) => setTimeout(r, SAMPLE_MS));
  takeSample();
}

// ---------------------------------------------------------------- count what was stored, in the server's own D1 file

await worker.stop();
const d1Dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
const dbFile = join(d1Dir, readdirSync(d1Dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')!);
const fileMb = (f: string) => (existsSync(f) ? Math.round(statSync(f).size / 1e5) / 10 : 0);
const dbFileMb = fileMb(dbFile) + fileMb(`${dbFile}-wal`);
const sqlite = new DatabaseSync(dbFile, { readOnly: true });
// raw_text(…): the event's JSON from its stored form (src/events/stored-raw.ts).
sqlite.function('raw_text', { deterministic: true }, (raw, organizationId, action, actorId, actorName, actorEmail, location, targets) =>
  decodeRaw(raw as string | Uint8Array, { organizationId, action, actorId, actorName, actorEmail, location, targets } as RowText),
);
const rows = sqlite
  .prepare(
    `SELECT json_extract(r, '$.metadata.soak_seq') AS s, count(*) AS n FROM (
       SELECT raw_text(raw, organization_id, action, actor_id, actor_name, actor_email, location, targets) AS r FROM events WHERE project_id = 'proj_default'
     ) WHERE json_extract(r, '$.metadata.soak_run') = ? GROUP BY s`,
  )
  .all(RUN) as { s: string; n: number }[];
sqlite.close();
rmSync(persistTo, { recursive: true, force: true });

const storedSeqs = new Set(rows.map((r) => r.s));
const storedRows = rows.reduce((s, r) => s + r.n, 0);
const duplicated = rows.filter((r) => r.n > 1).length;
const lost = [...acknowledged].filter((s) => !storedSeqs.has(s));
const unexpected = [...storedSeqs].filter((s) => !acknowledged.has(s));
const unexplained = unexpected.filter((s) => !uncertain.has(s));

// ---------------------------------------------------------------- figures

function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
const kinds = [...new Set(outcomes.map((o) => o.kind))];
const minutes = Math.max(1, Math.round(DURATION_MS / 60_000));
const perMinute = kinds.map((kind) => {
  const cells = Array.from({ length: minutes }, (_, m) => {
    const lat = outcomes
      // By the minute a request was sent in (the last minute keeps the requests sent just before the deadline).
      .filter((o) => o.kind === kind && Math.min(Math.floor(o.t_ms / 60_000), minutes - 1) === m)
      .map((o) => o.latency_ms)
      .sort((a, b) => a - b);
    return { minute: m + 1, n: lat.length, p50: round(percentile(lat, 50)), p95: round(percentile(lat, 95)) };
  });
  const first = cells[0]?.p95 ?? null;
  const last = cells[cells.length - 1]?.p95 ?? null;
  return { kind, minutes: cells, p95_last_over_first: first && last ? Math.round((last / first) * 100) / 100 : null };
});
const statusCounts: Record<string, Record<string, number>> = {};
for (const o of outcomes) {
  const byStatus = (statusCounts[o.kind] ??= {});
  byStatus[String(o.status)] = (byStatus[String(o.status)] ?? 0) + 1;
}
const searchKinds = SEARCHES.map(([name]) => {
  const lat = outcomes.filter((o) => o.detail === name).map((o) => o.latency_ms).sort((a, b) => a - b);
  return { search: name, n: lat.length, p50: round(percentile(lat, 50)), p95: round(percentile(lat, 95)) };
});
const failures = outcomes.filter((o) => o.status === 0 || o.status >= 500).length;
const rejections = outcomes.filter((o) => o.status >= 400 && o.status < 500).length;
const peak = memory.reduce((m, s) => (s.total_mb > m.total_mb ? s : m), memory[0]);
const byProcess = new Map<string, number[]>();
for (const s of memory) for (const p of s.processes) byProcess.set(`${p.name} (pid ${p.pid})`, [...(byProcess.get(`${p.name} (pid ${p.pid})`) ?? []), p.rss_mb]);

const result = {
  date: new Date().toISOString(),
  machine: { cores: cpus().length, memory_gb: Math.round(totalmem() / 1e8) / 10, shared: 'yes: other engineers ran builds and tests on the same 2 cores during the run (see load1 in the memory samples)' },
  command: `npm run soak -- --minutes ${MINUTES} --concurrency ${CONCURRENCY}`,
  server: 'wrangler dev (default flags, local D1 and KV, persistence in a temp folder) on 127.0.0.1',
  run_id: RUN,
  load_seconds: Math.round(loadSeconds),
  requests: outcomes.length,
  requests_per_s: Math.round(outcomes.length / loadSeconds),
  failures_5xx_or_no_answer: failures,
  rejections_4xx: rejections,
  status_counts: statusCounts,
  events: {
    acknowledged: acknowledged.size,
    stored_distinct: storedSeqs.size,
    stored_rows: storedRows,
    lost: lost.length,
    duplicated,
    stored_without_acknowledgement: unexpected.length,
    of_which_unexplained: unexplained.length,
  },
  latency_per_minute_ms: perMinute,
  search_kinds_ms: searchKinds,
  d1_file_mb: dbFileMb,
  memory: { sample_seconds: SAMPLE_MS / 1000, commands: Object.fromEntries(commands), peak_total_mb: peak?.total_mb, peak_at_s: peak?.t_s, samples: memory },
  problems,
};

const ok = lost.length === 0 && duplicated === 0 && unexplained.length === 0;
const md: string[] = [];
md.push('# Waymark soak', '');
md.push(`\`${result.command}\`, ${result.date.slice(0, 16).replace('T', ' ')} UTC. Machine: ${result.machine.cores} cores, ${result.machine.memory_gb} GB, **shared with other engineers' builds and tests during the run** (the 1-minute load average is in the memory table): latencies here are upper bounds, not this server's best.`, '');
md.push(`Server: ${result.server}. Mix per worker loop: 36% single events (half legacy, half Audit Logs, each with an Idempotency-Key), 10% batches of 20 (both shapes), 4% retries of an acknowledged single with its key (must replay the first answer), 35% searches (${SEARCHES.map(([n]) => n).join(', ')}; both list endpoints), 15% list pages followed by up to 3 cursor pages. Every event carries metadata \`soak_run\` + \`soak_seq\`; after the run the server is stopped and its D1 file is counted.`, '');
md.push('## Outcome', '');
md.push(`- ${result.requests.toLocaleString('en-US')} requests in ${result.load_seconds} s (${result.requests_per_s} req/s); ${failures} with a 5xx or no answer, ${rejections} 4xx.`);
md.push(`- Events: **${acknowledged.size.toLocaleString('en-US')} acknowledged, ${storedSeqs.size.toLocaleString('en-US')} stored (${storedRows.toLocaleString('en-US')} rows): lost ${lost.length}, duplicated ${duplicated}**, stored without an acknowledgement ${unexpected.length} (of which not explained by a 5xx or a lost answer: ${unexplained.length}). ${ok ? 'acknowledged = stored, no duplicates.' : 'CHECK FAILED.'}`);
md.push(`- Memory: the server's process group peaked at **${peak?.total_mb} MB** (at ${peak?.t_s} s). The D1 file (with its WAL) held ${dbFileMb} MB at the end.`, '');
md.push('## Latency per minute (ms): p50 / p95', '');
md.push(`| kind | ${Array.from({ length: minutes }, (_, m) => `min ${m + 1}`).join(' | ')} | p95 last / first | stable |`);
md.push(`| --- | ${Array.from({ length: minutes }, () => '--:').join(' | ')} | --: | :-: |`);
for (const k of perMinute) {
  const stable = k.p95_last_over_first === null ? '–' : k.p95_last_over_first <= STABLE_RATIO ? '✓' : '✗';
  md.push(`| ${k.kind} | ${k.minutes.map((c) => `${c.p50 ?? '–'} / ${c.p95 ?? '–'} (${c.n})`).join(' | ')} | ${k.p95_last_over_first ?? '–'} | ${stable} |`);
}
md.push('', `Requests sent in each minute in parentheses. Stable: the last minute's p95 is at most ${STABLE_RATIO}× the first's.`, '');
md.push('## Searches (whole run, ms)', '');
md.push('| search | n | p50 | p95 |', '| --- | --: | --: | --: |');
for (const s of searchKinds) md.push(`| ${s.search} | ${s.n} | ${s.p50 ?? '–'} | ${s.p95 ?? '–'} |`);
md.push('', '## Status codes', '');
for (const [kind, counts] of Object.entries(statusCounts)) md.push(`- ${kind}: ${Object.entries(counts).map(([s, n]) => `${s === '0' ? 'no answer' : s} × ${n}`).join(', ')}`);
md.push('', '## Memory of the server process group (RSS, MB)', '');
const procNames = [...byProcess.keys()];
const loadEnd = Math.max(0, memory.length - 4); // the sample taken when the load stopped, before 3 idle ones
md.push(`| process | at start | peak | end of load | after ${(3 * SAMPLE_MS) / 1000} s idle |`, '| --- | --: | --: | --: | --: |');
for (const n of procNames) {
  const at = (i: number) => memory[i]?.processes.find((p) => `${p.name} (pid ${p.pid})` === n)?.rss_mb ?? '–';
  md.push(`| ${n} | ${at(0)} | ${Math.max(...byProcess.get(n)!)} | ${at(loadEnd)} | ${at(memory.length - 1)} |`);
}
md.push('');
md.push(`| t (s) | ${procNames.join(' | ')} | total | load1 |`);
md.push(`| --: | ${procNames.map(() => '--:').join(' | ')} | --: | --: |`);
const every = Math.max(1, Math.floor(memory.length / 24));
memory.forEach((s, i) => {
  if (i % every !== 0 && i !== memory.length - 1) return;
  const cells = procNames.map((n) => s.processes.find((p) => `${p.name} (pid ${p.pid})` === n)?.rss_mb ?? '–');
  md.push(`| ${s.t_s} | ${cells.join(' | ')} | ${s.total_mb} | ${s.load1} |`);
});
md.push('', `The last ${Math.min(3, memory.length)} samples are after the load stopped. All samples and each process's command line: soak.json.`);
if (problems.length > 0) {
  md.push('', '## First problems seen', '', ...problems.slice(0, 20).map((p) => `- ${p.replace(/\|/g, '\\|')}`));
}

const report = md.join('\n');
console.log(`\n${report}\n`);
mkdirSync(dirname(args.out!), { recursive: true });
writeFileSync(`${args.out}.md`, report + '\n');
writeFileSync(`${args.out}.json`, JSON.stringify(result, null, 2) + '\n');
log(`wrote ${args.out}.md and .json`);
process.exit(ok ? 0 : 1);
