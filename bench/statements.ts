// `node bench/statements.ts [--db FILE] [--rounds N]`: what each kind of list and search
// costs D1 itself. The statements are the ones `listEvents` issues (captured through the
// benchmark's node:sqlite adapter on a kept benchmark database), timed two ways:
//   - in local D1 (workerd's SQLite behind the D1 binding, as `wrangler dev` runs it): a
//     small Worker runs a query's statements K times per request and the request is timed
//     from outside (inside workerd the clock does not move while code runs); `SELECT 1` is
//     the binding's own cost per statement. D1 prepares every statement anew, so compiling
//     is part of each figure;
//   - in node:sqlite: preparing, then running, each statement.
// The database is the one `npm run bench -- --keep-data` leaves in bench/.build/bench.sqlite;
// its events arrive in time order, so a window search's second statement (late arrivals:
// by-window.ts) never runs here. Local D1 figures include the binding's own cost (the
// `SELECT 1` row) and not the Worker's decoding of the rows; every statement is run with
// `.all()` (drizzle's lists use `.raw()`, the same answer from D1).
// docs/performance.md (issue 8's seventh pass) explains what the figures showed.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateLocal, ROOT } from '../scripts/lib/local-worker.ts';
import { COMPATIBILITY_DATE } from './ingest.ts';
import { loadCore } from './build-core.ts';

const { values: args } = parseArgs({ options: { db: { type: 'string' }, rounds: { type: 'string' }, project: { type: 'string' } } });
const DB = resolve(args.db ?? join(ROOT, 'bench', '.build', 'bench.sqlite'));
if (!existsSync(DB)) throw new Error(`${DB}: keep a benchmark database with npm run bench -- --keep-data`);
const ROUNDS = Number(args.rounds ?? 12);
const PROJECT = args.project ?? 'proj_default';
const K = 10;

const core = await loadCore('statements-core.mjs');

// Local D1 on a copy of the database, made before node:sqlite opens it. The persistence folder's own file is replaced while no
// runtime has it open, its write-ahead log removed first (else it is replayed over the copy).
const persistTo = mkdtempSync(join(tmpdir(), 'waymark-statements-'));
migrateLocal(persistTo, true);
const d1Dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
const d1File = join(d1Dir, readdirSync(d1Dir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')!);
for (const suffix of ['-wal', '-shm']) rmSync(d1File + suffix, { force: true });
copyFileSync(DB, d1File);

interface Captured { sql: string; params: unknown[] }
const raw = core.openRaw(DB);
let captured: Captured[] = [];
const prepare = raw.adapter.prepare.bind(raw.adapter);
raw.adapter.prepare = (query: string) => {
  const statement = prepare(query);
  const bind = statement.bind.bind(statement);
  statement.bind = (...params: unknown[]) => {
    captured.push({ sql: query, params });
    return bind(...params);
  };
  return statement;
};

const newest = raw.sqlite.prepare('SELECT organization_id AS org, occurred_at AS at FROM events WHERE project_id = ? ORDER BY occurred_at DESC LIMIT 1').get(PROJECT) as { org: string; at: number };
const QUERIES: [string, object][] = [
  ['list', {}],
  ['organization list', { organizationIds: [newest.org] }],
  ['surname', { search: 'Washburne' }],
  ['name prefix', { search: 'clar' }],
  ['2-letter prefix', { search: 'cl' }],
  ['common word', { search: 'signed' }],
  ['1-letter word', { search: 's' }],
  ['exclusion only', { search: '-signed' }],
  ['org + free text', { organizationIds: [newest.org], search: 'exported' }],
  ['action', { search: 'user.searched_audit_trail_events' }],
  ['relevance', { search: 'clarence', order: 'relevance' }],
];
const sets: [string, Captured[]][] = [['SELECT 1', [{ sql: 'SELECT 1', params: [] }]]];
for (const [name, q] of QUERIES) {
  const query = { projectId: PROJECT, order: 'desc' as const, limit: 50, now: newest.at + 1, ...q };
  await core.listEvents(raw.db, query); // warm: the catalog and the index phase are remembered, as in a running Worker
  captured = [];
  await core.listEvents(raw.db, query);
  sets.push([name, captured.slice()]); // a copy: the next query's warm-up appends to `captured`
}


const { Miniflare, convertV4MiniflareOptions } = await import('miniflare');
const script = `export default { async fetch(request, env) {
  const { statements, k } = await request.json();
  let rows = 0;
  for (let i = 0; i < k; i++) for (const s of statements) rows += (await env.DB.prepare(s.sql).bind(...s.params).all()).results.length;
  return new Response(String(rows));
} }`;
const mf = new Miniflare(convertV4MiniflareOptions({
  resourcePersistencePath: join(persistTo, 'v3'),
  workers: [{ name: 'statements', modules: true, script, compatibilityDate: COMPATIBILITY_DATE, d1Databases: { DB: '00000000-0000-0000-0000-000000000000' } }],
}));
const url = await mf.ready;
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
try {
  console.log(`Statements of listEvents on ${DB} (project ${PROJECT}, limit 50); medians of ${ROUNDS} requests of ${K} runs each in local D1`);
  console.log('| query | statements | SQL characters | local D1 ms | node:sqlite prepare ms | node:sqlite run ms |');
  console.log('| --- | --: | --: | --: | --: | --: |');
  for (const [name, statements] of sets) {
    const d1: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      const response = await fetch(url, { method: 'POST', body: JSON.stringify({ statements, k: K }) });
      const body = await response.text();
      if (!response.ok) throw new Error(`${name}: ${response.status} ${body.slice(0, 300)}`);
      d1.push((performance.now() - started) / K);
    }
    const prepared: number[] = [];
    const ran: number[] = [];
    for (let i = 0; i < ROUNDS * 3; i++) {
      let p = 0;
      let r = 0;
      for (const s of statements) {
        const t0 = performance.now();
        const st = raw.sqlite.prepare(s.sql);
        const t1 = performance.now();
        st.all(...(s.params as never[]));
        p += t1 - t0;
        r += performance.now() - t1;
      }
      prepared.push(p);
      ran.push(r);
    }
    const chars = statements.map((s) => s.sql.length).join(' + ');
    console.log(`| ${name} | ${statements.length} | ${chars} | ${median(d1).toFixed(2)} | ${median(prepared).toFixed(2)} | ${median(ran).toFixed(2)} |`);
  }
} finally {
  await mf.dispose();
  raw.sqlite.close();
  rmSync(persistTo, { recursive: true, force: true });
}
