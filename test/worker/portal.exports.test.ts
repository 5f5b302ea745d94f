// Exports from the customer viewer, as an attacker and as a user sees them: the organization is
// the session's whatever the form says; the file holds exactly that organization's matching
// events; another organization's, the team's or another project's export ids are 404s through
// every viewer route; forged forms are refused; each export is an `audit_log.exported` event in
// the organization's own trail. Also the viewer's action picker read (no trigger at ingest).
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../../src/index';
import { drizzle } from 'drizzle-orm/d1';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getExport } from '../../src/exports/store';
import { ACTION_WINDOW, organizationActions } from '../../src/portal/actions';
import { countingD1 } from './d1-counter';
import { auditLogBody, call, DEMO_KEY, ORIGIN, page, postForm, signIn } from './helpers';
import { until } from '../until';

const ORG_A = 'org_vx_a';
const ORG_B = 'org_vx_b';
const db = () => drizzle(env.DB);

async function send(orgId: string, overrides: Record<string, unknown>, key?: string) {
  const res = await call('POST', '/audit_logs/events', { body: auditLogBody(overrides, orgId), key });
  expect(res.status).toBe(200);
}

interface Viewer {
  cookie: string;
  csrf: string;
}

/** A fresh link for `org`, opened, and the CSRF token of its Export form. */
async function openViewer(org = ORG_A, key?: string): Promise<Viewer> {
  const res = await call('POST', '/portal/generate_link', { body: { intent: 'audit_logs', organization: org }, key });
  expect(res.status).toBe(201);
  const link = new URL(res.body.link);
  const open = await page(link.pathname + link.search);
  expect(open.status).toBe(303);
  const cookie = open.headers.get('set-cookie')!.split(';')[0];
  const html = await (await page('/viewer/events', { headers: { cookie } })).text();
  const csrf = /data-testid="export-form"[\s\S]*?name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(csrf, 'the viewer shows an Export form with a CSRF token').toBeTruthy();
  return { cookie, csrf: csrf! };
}

function postExport(v: Viewer, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const body = new URLSearchParams({ _csrf: v.csrf, ...form });
  return page('/viewer/exports', {
    method: 'POST',
    headers: { cookie: v.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

const exportIdsIn = (html: string) => [...html.matchAll(/data-export-id="(audit_log_export_[0-9A-Z]+)"/g)].map((m) => m[1]);

/** The newest viewer export id on the viewer's Exports page. */
async function newestExportId(v: Viewer): Promise<string> {
  const html = await (await page('/viewer/exports', { headers: { cookie: v.cookie } })).text();
  return exportIdsIn(html)[0];
}

/** Follows the viewer's download route to the signed link and reads the file. */
async function download(v: Viewer, id: string): Promise<string> {
  const ready = await until(() => getExport(db(), 'proj_default', id), (e) => e?.state !== 'pending');
  expect(ready?.state).toBe('ready');
  const res = await page(`/viewer/exports/${id}/download`, { headers: { cookie: v.cookie } });
  expect(res.status).toBe(303);
  const signed = res.headers.get('location')!;
  expect(signed).toMatch(/^\/downloads\/exports\/audit_log_export_[0-9A-Z]{26}\?project=proj_default&expires=\d+&signature=/);
  const file = await page(signed);
  expect(file.status).toBe(200);
  return file.text();
}

let aCount = 0;

beforeAll(async () => {
  for (let i = 0; i < 5; i++) await send(ORG_A, { action: i % 2 ? 'invoice.paid' : 'user.signed_in', actor: { id: `alice_${i}`, type: 'user', name: 'Alice Aardvark' } });
  for (let i = 0; i < 4; i++) await send(ORG_B, { action: 'secret.rotated', actor: { id: `bob_${i}`, type: 'user', name: 'Bob Secretkeeper' } });
  await send(ORG_A, { action: 'demo.only', actor: { id: 'mallory', type: 'user', name: 'Mallory Demoproject' } }, DEMO_KEY);
  aCount = 5;
});

describe('Export in the viewer', () => {
  it('exports the organization of the session, never one from the form, and the file holds exactly its events', async () => {
    const v = await openViewer();
    const res = await postExport(v, { format: 'csv', org: ORG_B, q: '' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/viewer/exports');
    const id = await newestExportId(v);
    const e = (await getExport(db(), 'proj_default', id))!;
    expect(e.organizationId).toBe(ORG_A);
    expect(e.query.organizationIds).toEqual([ORG_A]);
    expect(e.viewerSessionId).toMatch(/^vs_/);
    const csv = (await download(v, id)).trim().split('\r\n');
    const rows = csv.slice(1);
    // A's own events, plus the viewer's own audited reads in A's trail (audit_log.viewed, .exported).
    const ingested = rows.filter((r) => !r.startsWith('audit_log.'));
    expect(ingested).toHaveLength(aCount);
    const organizationColumn = csv[0].split(',').indexOf('organization_id');
    expect(rows.every((r) => r.split(',')[organizationColumn] === ORG_A)).toBe(true);
    for (const leak of ['Bob', 'secret.rotated', ORG_B, 'Mallory', 'demo.only']) expect(csv.join('\n')).not.toContain(leak);
  });

  it('exports the search and filters on screen (NDJSON)', async () => {
    const v = await openViewer();
    const res = await postExport(v, { format: 'ndjson', action: 'invoice.paid', q: 'Aardvark' });
    expect(res.status).toBe(303);
    const id = await newestExportId(v);
    const lines = (await download(v, id)).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(['invoice.paid', 'invoice.paid']);
    // A search for B's words finds nothing of B in A: only this export's own record (its metadata holds the search).
    await postExport(v, { format: 'ndjson', q: 'Secretkeeper' });
    const found = (await download(v, await newestExportId(v))).trim().split('\n').map((l) => JSON.parse(l));
    expect(found.map((l) => l.action)).toEqual(['audit_log.exported']);
    expect(JSON.stringify(found)).not.toContain('Bob');
  });

  it('records each export in the organization’s own trail, with the export as its target', async () => {
    const v = await openViewer();
    await postExport(v, { format: 'csv', q: 'Aardvark' });
    const id = await newestExportId(v);
    const trail = await call('GET', `/audit_logs/events?organization_id=${ORG_A}&actions=audit_log.exported&limit=100`);
    const mine = trail.body.data.filter((ev: any) => ev.targets[0]?.id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0].actor.type).toBe('audit_log_viewer');
    expect(mine[0].actor.id).toBe((await getExport(db(), 'proj_default', id))!.viewerSessionId);
    expect(mine[0].targets[0].type).toBe('audit_log_export');
    expect(mine[0].metadata).toMatchObject({ format: 'csv', search: 'Aardvark' });
    const inB = await call('GET', `/audit_logs/events?organization_id=${ORG_B}&actions=audit_log.exported&limit=100`);
    expect(inB.body.data.filter((ev: any) => ev.targets[0]?.id === id)).toEqual([]);
  });

  it('refuses a forged form (no token, another session’s token, another origin) and a bad format, creating nothing', async () => {
    const v = await openViewer();
    const other = await openViewer();
    const before = await db().get<{ n: number }>(sql`SELECT count(*) AS n FROM exports`);
    for (const [form, headers] of [
      [{ _csrf: '' }, {}],
      [{ _csrf: other.csrf }, {}],
      [{}, { origin: 'https://evil.example' }],
    ] as [Record<string, string>, Record<string, string>][]) {
      const res = await postExport(v, { format: 'csv', ...form }, headers);
      expect(res.status).toBe(403);
    }
    const bad = await postExport(v, { format: 'xlsx' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('format');
    const after = await db().get<{ n: number }>(sql`SELECT count(*) AS n FROM exports`);
    expect(after!.n).toBe(before!.n);
    // Without a viewer session: 401, and the team's cookie is no viewer session.
    const team = await signIn({ client: '198.51.100.90' });
    const asTeam = await postForm(team, '/viewer/exports', { format: 'csv' });
    expect(asTeam.status).toBe(401);
  });

  it('stores the export and its audit event together or not at all (D1 failing the batch)', async () => {
    const v = await openViewer();
    let fail = true;
    const DB = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (fail) {
              fail = false;
              throw new Error('D1_ERROR: Network connection lost.');
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const count = async () =>
      (await db().get<{ n: number }>(sql`SELECT (SELECT count(*) FROM exports) + (SELECT count(*) FROM events WHERE action = 'audit_log.exported') AS n`))!.n;
    const before = await count();
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${ORIGIN}/viewer/exports`, {
        method: 'POST',
        headers: { cookie: v.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: v.csrf, format: 'csv' }),
      }),
      { ...env, DB },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(await count()).toBe(before);
  });

  it('another organization’s, the team’s and another project’s export ids are 404s, and are not listed', async () => {
    const a = await openViewer();
    const b = await openViewer(ORG_B);
    await postExport(b, { format: 'csv' });
    const bExport = await newestExportId(b);
    // The team's own export of organization A (the dashboard), and a Demo-project viewer export of an organization named A.
    const team = await signIn({ client: '198.51.100.91' });
    expect((await postForm(team, '/projects/proj_default/exports', { format: 'csv', org: ORG_A })).status).toBe(303);
    const teamExport = (await db().get<{ id: string }>(sql`SELECT id FROM exports WHERE project_id = 'proj_default' AND viewer_session_id IS NULL ORDER BY created_at DESC LIMIT 1`))!.id;
    const demo = await openViewer(ORG_A, DEMO_KEY);
    await postExport(demo, { format: 'csv' });
    const demoExport = await newestExportId(demo);
    await until(() => getExport(db(), 'proj_default', bExport), (e) => e?.state === 'ready');
    await until(() => getExport(db(), 'proj_default', teamExport), (e) => e?.state === 'ready');

    for (const id of [bExport, teamExport, demoExport, 'audit_log_export_nope', '..%2F..%2Fprojects']) {
      const res = await page(`/viewer/exports/${id}/download`, { headers: { cookie: a.cookie } });
      expect(res.status, id).toBe(404);
      expect(res.headers.get('location')).toBeNull();
      const frag = await page(`/viewer/exports/${id}/download`, { headers: { cookie: a.cookie, 'hx-request': 'true' } });
      expect(frag.status).toBe(404);
    }
    for (const fragment of ['', '?fragment=list']) {
      const html = await (await page(`/viewer/exports${fragment}`, { headers: { cookie: a.cookie } })).text();
      const listed = exportIdsIn(html);
      expect(listed.length).toBeGreaterThan(0);
      for (const id of [bExport, teamExport, demoExport]) expect(listed).not.toContain(id);
      expect(html).not.toContain(ORG_B);
      expect(html).not.toContain('proj_demo');
    }
    // B's own viewer lists B's export and downloads it.
    expect((await page(`/viewer/exports/${bExport}/download`, { headers: { cookie: b.cookie } })).status).toBe(303);
  });

  it('the Exports page shows progress and refreshes itself while an export runs', async () => {
    const v = await openViewer();
    const id = (await db().get<{ id: string }>(sql`SELECT id FROM exports WHERE organization_id = ${ORG_A} AND viewer_session_id IS NOT NULL LIMIT 1`))!.id;
    await db().run(sql`UPDATE exports SET state = 'pending', rows_written = 3 WHERE id = ${id}`);
    try {
      const html = await (await page('/viewer/exports', { headers: { cookie: v.cookie } })).text();
      expect(html).toContain('hx-get="/viewer/exports?fragment=list"');
      expect(html).toContain('Running…');
      expect(html).toContain('aria-current="page"');
      const running = await page(`/viewer/exports/${id}/download`, { headers: { cookie: v.cookie } });
      expect(running.status).toBe(404);
    } finally {
      await db().run(sql`UPDATE exports SET state = 'ready' WHERE id = ${id}`);
    }
  });
});

describe('D1 round trips', () => {
  it('creating an export: the session read and one batch; the list: the session read and one query; the events page: four', async () => {
    const v = await openViewer();
    const counter = countingD1(env.DB);
    const fetchCounted = async (path: string, init: RequestInit = {}) => {
      counter.reset();
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }), { ...env, DB: counter.db }, ctx);
      await waitOnExecutionContext(ctx);
      return { status: res.status, trips: counter.count() };
    };
    const created = await fetchCounted('/viewer/exports', {
      method: 'POST',
      headers: { cookie: v.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: v.csrf, format: 'csv', q: 'Aardvark' }),
    });
    expect(created).toEqual({ status: 303, trips: 2 });
    expect(await fetchCounted('/viewer/exports', { headers: { cookie: v.cookie } })).toEqual({ status: 200, trips: 2 });
    // The events page: the session, the page of events, the action picker, the organization's name.
    const events = await fetchCounted('/viewer/events', { headers: { cookie: v.cookie } });
    expect(events.status).toBe(200);
    expect(events.trips).toBe(4);
  });
});

describe('the action picker without an ingest trigger', () => {
  it('offers the organization’s own actions, read from its newest events', async () => {
    expect(await organizationActions(db(), 'proj_default', ORG_A)).toEqual(expect.arrayContaining(['invoice.paid', 'user.signed_in']));
    const a = await organizationActions(db(), 'proj_default', ORG_A);
    expect(a).not.toContain('secret.rotated');
    expect(a).not.toContain('demo.only');
    const demo = await organizationActions(db(), 'proj_demo', ORG_A);
    expect(demo).toContain('demo.only');
    expect(demo).not.toContain('invoice.paid');
    // Bounded to the newest events: with a window of 1, only the newest event's action.
    const newest = await call('GET', `/audit_logs/events?organization_id=${ORG_B}&limit=1`);
    expect(await organizationActions(db(), 'proj_default', ORG_B, 1)).toEqual([newest.body.data[0].action]);
    expect(ACTION_WINDOW).toBeGreaterThanOrEqual(100);
  });

  it('reads at most twice the window of rows, however many events the organization has', async () => {
    const org = 'org_vx_many';
    const n = ACTION_WINDOW + 200;
    for (let off = 0; off < n; off += 1000) {
      const events = Array.from({ length: Math.min(1000, n - off) }, (_, j) => ({
        organization_id: org,
        event: { action: `act${(off + j) % 7}.done`, occurred_at: new Date(Date.UTC(2026, 0, 1) + (off + j) * 1000).toISOString(), actor: { id: 'u', type: 'user' }, targets: [{ id: 't', type: 'doc' }], context: { location: '203.0.113.1' } },
      }));
      expect((await call('POST', '/audit_logs/events/batch', { body: { events } })).status).toBe(200);
    }
    const read = await env.DB.prepare(
      'SELECT DISTINCT action FROM (SELECT action FROM events WHERE project_id = ? AND organization_id = ? ORDER BY occurred_at DESC LIMIT ?) ORDER BY action LIMIT 500',
    )
      .bind('proj_default', org, ACTION_WINDOW)
      .all<{ action: string }>();
    expect(read.meta.rows_read).toBeLessThanOrEqual(2 * ACTION_WINDOW);
    expect(await organizationActions(db(), 'proj_default', org)).toEqual(read.results.map((r) => r.action));
    expect(read.results).toHaveLength(7);
  });

  it('ingest no longer writes organization_actions (the trigger and the table are gone)', async () => {
    const left = await env.DB.prepare("SELECT name FROM sqlite_master WHERE name IN ('organization_actions', 'events_organization_actions')").all();
    expect(left.results).toEqual([]);
  });
});

describe('query plans', () => {
  const plan = async (query: string) => {
    const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`).bind(...Array.from({ length: (query.match(/\?/g) ?? []).length }, () => 'x')).all<{ detail: string }>();
    return rows.results.map((r) => r.detail).join(' | ');
  };

  it('the picker walks events_project_org_time newest first, bounded', async () => {
    const p = await plan(
      'SELECT DISTINCT action FROM (SELECT action FROM events WHERE project_id = ? AND organization_id = ? ORDER BY occurred_at DESC LIMIT 1000) ORDER BY action LIMIT 500',
    );
    expect(p).toContain('SEARCH events USING INDEX events_project_org_time (project_id=? AND organization_id=?)');
    expect(p).not.toMatch(/SCAN events\b(?! USING)/);
  });

  it('the viewer’s export list uses the partial index exports_viewer', async () => {
    const p = await plan(
      'SELECT * FROM exports WHERE project_id = ? AND organization_id = ? AND viewer_session_id IS NOT NULL ORDER BY created_at DESC LIMIT 10',
    );
    expect(p).toContain('exports_viewer');
    expect(p).not.toContain('TEMP B-TREE');
  });
});
