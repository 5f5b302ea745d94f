// Audit log exports through the real Worker, Queue consumer and R2 (workerd): shapes, filters,
// every row exactly once, resuming after a crash mid-part, failures that end in `error`, signed
// links (expiry, tampering) and project isolation.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedPath } from '../../src/exports/link';
import { consumeExportJobs, MAX_ATTEMPTS, type ExportJob } from '../../src/exports/queue';
import { runExportStep } from '../../src/exports/run';
import { CSV_COLUMNS } from '../../src/exports/render';
import { createExport, getExport } from '../../src/exports/store';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { call } from './helpers';
import { parseCsv } from '../csv';
import { until } from '../until';

const db = () => drizzle(env.DB);
const T0 = Date.UTC(2026, 2, 1);
let key: string;
let projectId: string;
let otherKey: string;

async function seed(k: string, org: string, count: number, startAt: number, note = 'n', padding = 0) {
  for (let offset = 0; offset < count; offset += 1000) {
    const events = Array.from({ length: Math.min(1000, count - offset) }, (_, j) => {
      const i = offset + j;
      return {
        organization_id: org,
        event: {
          action: i % 2 ? 'document.exported' : 'user.signed_in',
          occurred_at: new Date(startAt + i * 60_000).toISOString(),
          actor: { id: `user_${i % 13}`, type: 'user', name: i % 3 ? 'Ada, "the" Countess' : 'Zoë Washburne', metadata: { team: 'core' } },
          targets: [{ id: `doc_${i}`, type: 'document', name: `=SUM(A1) ${note}` }],
          context: { location: '203.0.113.9', user_agent: 'Mozilla/5.0' },
          metadata: { seq: i, note, ...Object.fromEntries(Array.from({ length: padding }, (_, p) => [`pad${p}`, 'p'.repeat(450)])) },
        },
      };
    });
    const r = await call('POST', '/audit_logs/events/batch', { key: k, body: { events } });
    expect(r.status, r.text.slice(0, 200)).toBe(200);
  }
}

beforeAll(async () => {
  projectId = (await createProject(env.KV, { name: 'Exports', now: Date.now() })).id;
  key = (await createKey(env.KV, { projectId, mode: 'test', name: 'k', now: Date.now() })).plain;
  const other = (await createProject(env.KV, { name: 'Other exports', now: Date.now() })).id;
  otherKey = (await createKey(env.KV, { projectId: other, mode: 'test', name: 'k', now: Date.now() })).plain;
  await seed(key, 'org_x', 250, T0);
  await seed(key, 'org_y', 40, T0);
});

const body = (over: Record<string, unknown> = {}) => ({ organization_id: 'org_x', range_start: new Date(T0).toISOString(), range_end: new Date(T0 + 86_400_000 * 30).toISOString(), ...over });

describe('POST and GET /audit_logs/exports', () => {
  it('builds the CSV in the background: every event of the organization and range, once, in time order', async () => {
    const created = await call('POST', '/audit_logs/exports', { key, body: body() });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ object: 'audit_log_export', state: 'pending', url: null });
    expect(created.body.id).toMatch(/^audit_log_export_[0-9A-Z]{26}$/);
    const ready = await until(() => call('GET', `/audit_logs/exports/${created.body.id}`, { key }), (r) => r.body.state !== 'pending');
    expect(ready.body.state, JSON.stringify(ready.body)).toBe('ready');
    expect(ready.body.rows_written).toBe(250);
    const file = await (await import('cloudflare:workers')).exports.default.fetch(new Request(ready.body.url));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/csv');
    const rows = parseCsv(await file.text());
    expect(rows[0]).toEqual(CSV_COLUMNS);
    const data = rows.slice(1);
    expect(data).toHaveLength(250);
    const ids = data.map((r) => r[CSV_COLUMNS.indexOf('id')]);
    expect(new Set(ids).size).toBe(250);
    const times = data.map((r) => r[1]);
    expect([...times].sort()).toEqual(times);
    expect(data.every((r) => r[CSV_COLUMNS.indexOf('organization_id')] === 'org_x')).toBe(true);
    // Quoting and spreadsheet safety.
    expect(data.some((r) => r[4] === 'Ada, "the" Countess')).toBe(true);
    expect(data[0][CSV_COLUMNS.indexOf('target_name_1')]).toMatch(/^'=SUM/);
    // A fresh link on every read.
    const again = await call('GET', `/audit_logs/exports/${created.body.id}`, { key });
    expect(again.body.url).toBeTruthy();
  });

  it('filters by actions, actor ids, target types and search, and writes NDJSON when asked', async () => {
    const created = await call('POST', '/audit_logs/exports', { key, body: body({ actions: ['document.exported'], actor_ids: ['user_1', 'user_2'], targets: ['document'], format: 'ndjson' }) });
    expect(created.status, created.text).toBe(201);
    const ready = await until(() => call('GET', `/audit_logs/exports/${created.body.id}`, { key }), (r) => r.body.state !== 'pending');
    expect(ready.body.state).toBe('ready');
    const file = await (await import('cloudflare:workers')).exports.default.fetch(new Request(ready.body.url));
    const lines = (await file.text()).trim().split('\n').map((l) => JSON.parse(l));
    const expected = Array.from({ length: 250 }, (_, i) => i).filter((i) => i % 2 === 1 && [1, 2].includes(i % 13));
    expect(lines.map((l) => l.metadata.seq)).toEqual(expected);
    expect(lines[0]).toMatchObject({ object: 'audit_log_event', organization_id: 'org_x', action: 'document.exported' });
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [body({ range_end: new Date(T0 - 1000).toISOString() }), 'range_end'],
      [body({ range_start: 'yesterday' }), 'range_start'],
      [body({ format: 'xml' }), 'format'],
      [body({ colour: 'red' }), 'colour'],
      [body({ actions: 'user.signed_in' }), 'actions'],
      [{ range_start: new Date(T0).toISOString(), range_end: new Date(T0 + 1000).toISOString() }, 'organization_id'],
    ];
    const before = await env.DB.prepare('SELECT count(*) AS n FROM exports').first<{ n: number }>();
    for (const [b, field] of cases) {
      const r = await call('POST', '/audit_logs/exports', { key, body: b });
      expect(r.status, `${field}: ${r.text}`).toBe(422);
      expect(r.text).toContain(field);
    }
    const after = await env.DB.prepare('SELECT count(*) AS n FROM exports').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it('says "invalid" for a field of the wrong type and "required" only for a missing one, naming an unknown field', async () => {
    const wrong = await call('POST', '/audit_logs/exports', { key, body: body({ organization_id: 5, actions: 'x' }) });
    expect(wrong.status).toBe(422);
    const codes = Object.fromEntries((wrong.body.errors as { field: string; code: string }[]).map((e) => [e.field, e.code]));
    expect(codes).toMatchObject({ organization_id: 'invalid', actions: 'invalid' });
    const missing = await call('POST', '/audit_logs/exports', { key, body: { range_start: new Date(T0).toISOString(), range_end: new Date(T0 + 1000).toISOString() } });
    expect((missing.body.errors as { field: string; code: string }[]).find((e) => e.field === 'organization_id')?.code).toBe('required');
    const unknown = await call('POST', '/audit_logs/exports', { key, rawBody: JSON.stringify(body()).replace(/^\{/, '{"__proto__":1,') });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContainEqual(expect.objectContaining({ field: '__proto__', code: 'unknown_field' }));
  });

  it("another project's export is a 404, and so is an id that is not one", async () => {
    const created = await call('POST', '/audit_logs/exports', { key, body: body() });
    expect((await call('GET', `/audit_logs/exports/${created.body.id}`, { key: otherKey })).status).toBe(404);
    expect((await call('GET', '/audit_logs/exports/audit_log_export_nope', { key })).status).toBe(404);
    expect((await call('GET', '/audit_logs/exports/%27%20OR%201%3D1', { key })).status).toBe(404);
  });
});

describe('download links', () => {
  it('expire after 10 minutes, and an altered link gives no data', async () => {
    const created = await call('POST', '/audit_logs/exports', { key, body: body() });
    await until(() => call('GET', `/audit_logs/exports/${created.body.id}`, { key }), (r) => r.body.state !== 'pending');
    const { exports: worker } = await import('cloudflare:workers');
    const fetchPath = (p: string) => worker.default.fetch(new Request(`http://waymark.test${p}`));
    const old = await signedPath(env, projectId, created.body.id, Date.now() - 11 * 60_000);
    const expired = await fetchPath(old);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('expired');
    const fresh = await signedPath(env, projectId, created.body.id, Date.now());
    expect((await fetchPath(fresh)).status).toBe(200);
    const other = (await createProject(env.KV, { name: 'Elsewhere', now: Date.now() })).id;
    for (const altered of [
      fresh.replace(/signature=[^&]+/, 'signature=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      fresh.replace(/expires=\d+/, `expires=${Date.now() + 86_400_000}`),
      fresh.replace(`project=${projectId}`, `project=${other}`),
    ]) {
      const r = await fetchPath(altered);
      expect(r.status).toBe(403);
      expect(await r.text()).not.toContain('org_x');
    }
  });
});

describe('the job', () => {
  it('resumes after a crash between a part and its record, and writes no row twice', { timeout: 120_000 }, async () => {
    // About 5 KB per CSV line: 3,600 events make three 5 MiB parts (R2's minimum) and a last one.
    await seed(key, 'org_big', 3600, T0, 'big', 10);
    const e = await createExport(db(), { projectId, organizationId: 'org_big', format: 'csv', query: { organizationIds: ['org_big'] }, now: Date.now() });
    let uploads = 0;
    // A real R2 bucket that crashes once, right after it has stored part 2 (before the record knows).
    const crashing: R2Bucket = new Proxy(env.EXPORTS, {
      get(target, prop) {
        if (prop === 'resumeMultipartUpload') {
          return (k: string, id: string) => {
            const upload = target.resumeMultipartUpload(k, id);
            return new Proxy(upload, {
              get(u, p) {
                if (p === 'uploadPart') {
                  return async (n: number, value: Uint8Array) => {
                    const part = await u.uploadPart(n, value);
                    uploads++;
                    if (n === 2 && uploads === 2) throw new Error('crash after part 2');
                    return part;
                  };
                }
                const v = Reflect.get(u, p);
                return typeof v === 'function' ? v.bind(u) : v;
              },
            });
          };
        }
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const opts = { now: Date.now, stepMs: 0 };
    let result = await runExportStep(db(), crashing, projectId, e.id, opts);
    expect(result).toBe('more');
    await expect(runExportStep(db(), crashing, projectId, e.id, opts)).rejects.toThrow('crash after part 2');
    for (let i = 0; i < 20 && result !== 'done'; i++) result = await runExportStep(db(), crashing, projectId, e.id, opts);
    expect(result).toBe('done');
    const done = (await getExport(db(), projectId, e.id))!;
    expect(done.state).toBe('ready');
    expect(done.parts.length).toBeGreaterThan(2);
    const text = await (await env.EXPORTS.get(`exports/${projectId}/${e.id}.csv`))!.text();
    const ids = parseCsv(text).slice(1).map((r) => r[CSV_COLUMNS.indexOf('id')]);
    expect(ids).toHaveLength(3600);
    expect(new Set(ids).size).toBe(3600);
    expect(done.rowsWritten).toBe(3600);
  });

  it('ends in error with the reason after the last attempt', async () => {
    const e = await createExport(db(), { projectId, organizationId: 'org_x', format: 'csv', query: { organizationIds: ['org_x'] }, now: Date.now() });
    const broken = new Proxy(env.EXPORTS, {
      get(target, prop) {
        if (prop === 'createMultipartUpload') return async () => Promise.reject(new Error('R2 is unavailable'));
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const outcomes: string[] = [];
    const message = (attempts: number) => ({
      id: 'm',
      timestamp: new Date(),
      body: { projectId, exportId: e.id } as ExportJob,
      attempts,
      ack: () => outcomes.push('ack'),
      retry: () => outcomes.push('retry'),
    });
    const batch = (attempts: number) => ({ queue: 'waymark-export-jobs', messages: [message(attempts)], ackAll() {}, retryAll() {} }) as unknown as MessageBatch<ExportJob>;
    await consumeExportJobs(batch(1), { DB: env.DB, EXPORTS: broken, EXPORT_JOBS: env.EXPORT_JOBS });
    expect(outcomes).toEqual(['retry']);
    expect((await getExport(db(), projectId, e.id))!.state).toBe('pending');
    await consumeExportJobs(batch(MAX_ATTEMPTS), { DB: env.DB, EXPORTS: broken, EXPORT_JOBS: env.EXPORT_JOBS });
    const failed = (await getExport(db(), projectId, e.id))!;
    expect(failed.state).toBe('error');
    expect(failed.error).toContain('R2 is unavailable');
    const r = await call('GET', `/audit_logs/exports/${e.id}`, { key });
    expect(r.body).toMatchObject({ state: 'error', url: null });
  });
});
