// A second, black-box check of exports (written independently of exports.test.ts, for a parallel
// implementation, and kept because it covers more cases): validation of each field, every
// WorkOS filter (with the deprecated `actors`) plus search and NDJSON, a file of several 5 MiB
// parts through the real Queue and R2 with every row once, link tampering, cross-project 404.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { checkLink } from '../../src/exports/link';
import { getExport } from '../../src/exports/store';
import { call, DEMO_KEY } from './helpers';
import { parseCsv } from '../csv';

const T0 = Date.UTC(2026, 2, 1, 0, 0, 0);
let orgCounter = 0;
const freshOrg = () => `org_export_${Date.now().toString(36)}_${++orgCounter}`;

/** Ingests n events for `org` through the batch API, one second apart from T0. */
async function seed(org: string, n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
  for (let start = 0; start < n; start += 1000) {
    const events = Array.from({ length: Math.min(1000, n - start) }, (_, k) => {
      const i = start + k;
      return {
        organization_id: org,
        event: {
          action: i % 2 === 0 ? 'document.exported' : 'user.signed_in',
          occurred_at: new Date(T0 + i * 1000).toISOString(),
          actor: { id: `user_${i}`, type: 'user', name: `Actor ${i % 7}` },
          targets: [{ id: `doc_${i}`, type: i % 3 === 0 ? 'invoice' : 'document', name: `Doc "${i}", draft` }],
          context: { location: '198.51.100.4', user_agent: 'Mozilla/5.0' },
          metadata: { n: i },
          ...extra(i),
        },
      };
    });
    const r = await call('POST', '/audit_logs/events/batch', { body: { events } });
    expect(r.status, r.text).toBeLessThan(300);
  }
}

const body = (org: string, extra: Record<string, unknown> = {}) => ({
  organization_id: org,
  range_start: new Date(T0 - 1000).toISOString(),
  range_end: new Date(T0 + 86_400_000).toISOString(),
  ...extra,
});

async function waitReady(id: string, key?: string, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call('GET', `/audit_logs/exports/${id}`, { key });
    expect(r.status).toBe(200);
    if (r.body.state !== 'pending') return r.body;
    if (Date.now() > until) throw new Error(`export ${id} still pending: ${r.text}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

async function download(url: string) {
  const u = new URL(url);
  return call('GET', u.pathname + u.search, { key: null });
}

/** The event ids of a CSV export's data rows (by the header's `id` column; every row as wide as the header). */
function csvIds(text: string): string[] {
  const [head, ...rows] = parseCsv(text);
  const at = head.indexOf('id');
  expect(at).toBeGreaterThanOrEqual(0);
  for (const r of rows) expect(r.length).toBe(head.length);
  return rows.map((r) => r[at]);
}

describe('POST /audit_logs/exports validation', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['missing organization_id', { range_start: '2026-01-01T00:00:00Z', range_end: '2026-01-02T00:00:00Z' }, 'organization_id'],
    ['range_end before range_start', { organization_id: 'org_a', range_start: '2026-01-02T00:00:00Z', range_end: '2026-01-01T00:00:00Z' }, 'range_end'],
    ['non-ISO range_start', { organization_id: 'org_a', range_start: 'yesterday', range_end: '2026-01-01T00:00:00Z' }, 'range_start'],
    ['unknown field', { ...body('org_a'), colour: 'red' }, 'colour'],
    ['unknown format', { ...body('org_a'), format: 'xlsx' }, 'format'],
    ['actions not an array', { ...body('org_a'), actions: 'user.signed_in' }, 'actions'],
  ];
  for (const [name, b, field] of cases) {
    it(`answers a 4xx naming ${field} for ${name}`, async () => {
      const r = await call('POST', '/audit_logs/exports', { body: b });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.text).toContain(field);
    });
  }
});

describe('exports through the real queue and R2', () => {
  it('answers pending in WorkOS shape, then ready with a link that returns every row exactly once', async () => {
    const org = freshOrg();
    const other = freshOrg();
    await seed(org, 1200);
    await seed(other, 50);
    const created = await call('POST', '/audit_logs/exports', { body: body(org) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'audit_log_export', state: 'pending', url: null });
    expect(created.body.id).toMatch(/^audit_log_export_[0-9A-Z]{26}$/);
    expect(Date.parse(created.body.created_at)).not.toBeNaN();
    const ready = await waitReady(created.body.id);
    expect(ready.state).toBe('ready');
    expect(ready.rows_written).toBe(1200);
    const file = await download(ready.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/csv');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${ready.id}.csv"`);
    const header = file.text.slice(0, file.text.indexOf('\r\n')).split(',');
    // The columns one WorkOS client parser expects, in its order (wire-compat.md).
    expect(header.slice(0, 9)).toEqual(['action', 'occurred_at', 'actor_id', 'actor_type', 'actor_name', 'actor_metadata', 'context_location', 'context_user_agent', 'metadata']);
    expect(header).toContain('target_metadata_1');
    const ids = csvIds(file.text);
    expect(ids.length).toBe(1200);
    expect(new Set(ids).size).toBe(1200);
    expect(file.text).toContain('"Doc ""7"", draft"');
    expect(file.text).not.toContain(other);
    // A refetch signs a fresh link.
    const again = await call('GET', `/audit_logs/exports/${ready.id}`);
    expect(again.body.url).toMatch(/\/downloads\/exports\/audit_log_export_\w+\?/);
  }, 60_000);

  it('applies actions, actor_names (and deprecated actors), actor_ids, targets, range and search; ndjson', async () => {
    const org = freshOrg();
    await seed(org, 300);
    const cases: [Record<string, unknown>, number][] = [
      [{ actions: ['user.signed_in'] }, 150],
      [{ actor_names: ['Actor 3'] }, 43],
      [{ actors: ['Actor 3'] }, 43],
      [{ actor_ids: ['user_5', 'user_6'] }, 2],
      [{ targets: ['invoice'] }, 100],
      [{ range_start: new Date(T0 + 10_000).toISOString(), range_end: new Date(T0 + 19_000).toISOString() }, 10],
      [{ search: 'action:user.signed_in' }, 150],
    ];
    const created = [];
    for (const [extra] of cases) {
      const r = await call('POST', '/audit_logs/exports', { body: body(org, { ...extra, format: 'ndjson' }) });
      expect(r.status, r.text).toBe(201);
      created.push(r.body.id as string);
    }
    for (let i = 0; i < cases.length; i++) {
      const ready = await waitReady(created[i]);
      expect(ready.state, JSON.stringify(cases[i][0])).toBe('ready');
      const file = await download(ready.url);
      expect(file.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = file.text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(lines.length, JSON.stringify(cases[i][0])).toBe(cases[i][1]);
      expect(new Set(lines.map((l) => l.id)).size).toBe(lines.length);
      expect(lines.every((l) => l.organization_id === org && l.object === 'audit_log_event')).toBe(true);
    }
  }, 60_000);

  it('writes a file larger than one part (R2 multipart, several queue steps) with every row once', async () => {
    const org = freshOrg();
    const n = 7000;
    await seed(org, n, () => ({ metadata: { note: 'x'.repeat(450), more: 'y'.repeat(450) } }));
    const created = await call('POST', '/audit_logs/exports', { body: body(org) });
    const ready = await waitReady(created.body.id, undefined, 120_000);
    expect(ready.state).toBe('ready');
    expect(ready.rows_written).toBe(n);
    const record = await getExport(drizzle(env.DB), 'proj_default', ready.id);
    expect(record!.parts.length).toBeGreaterThan(1);
    const file = await download(ready.url);
    const ids = csvIds(file.text);
    expect(ids.length).toBe(n);
    expect(new Set(ids).size).toBe(n);
  }, 180_000);
});

describe('isolation and links', () => {
  it("answers 404 for another project's export id and for unknown ids", async () => {
    const created = await call('POST', '/audit_logs/exports', { body: body(freshOrg()) });
    expect(created.status).toBe(201);
    const cross = await call('GET', `/audit_logs/exports/${created.body.id}`, { key: DEMO_KEY });
    expect(cross.status).toBe(404);
    expect((await call('GET', '/audit_logs/exports/audit_log_export_01JZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    expect((await call('GET', '/audit_logs/exports/not-an-id')).status).toBe(404);
  });

  it('refuses an altered link or one moved to another project, and an expired one, with no data', async () => {
    const org = freshOrg();
    await seed(org, 5);
    const created = await call('POST', '/audit_logs/exports', { body: body(org) });
    const ready = await waitReady(created.body.id);
    const u = new URL(ready.url);
    const sig = u.searchParams.get('signature')!;
    const variants: ((p: URLSearchParams) => void)[] = [
      (p) => p.set('signature', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)),
      (p) => p.set('expires', String(Number(p.get('expires')) + 3_600_000)),
      (p) => p.set('project', 'proj_demo'),
      (p) => p.delete('signature'),
    ];
    for (const change of variants) {
      const params = new URLSearchParams(u.search);
      change(params);
      const r = await call('GET', `${u.pathname}?${params}`, { key: null });
      expect(r.status).toBe(403);
      expect(r.text).not.toContain('evt_');
    }
    const now = Date.now();
    expect(await checkLink(env, ready.id, u.searchParams, now)).toEqual({ ok: true, projectId: 'proj_default' });
    expect(await checkLink(env, ready.id, u.searchParams, now + 11 * 60_000)).toEqual({ ok: false, reason: 'expired' });
    // A link for one export does not open another.
    expect((await checkLink(env, 'audit_log_export_01JZZZZZZZZZZZZZZZZZZZZZZZ', u.searchParams, now)).ok).toBe(false);
  });
});

