// Renaming and deleting projects (the owner's Project page): inline errors for blank and
// duplicate names, a typed confirmation, deletion in bounded chunks, keys revoked at once.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { DELETE_CHUNK, deleteProjectEvents } from '../../src/projects/delete';
import { keyUsageStatement, usageStatement } from '../../src/usage/store';
import { auditLogBody, call, page, postForm, signIn } from './helpers';

async function newProject(owner: Awaited<ReturnType<typeof signIn>>, name: string): Promise<string> {
  const res = await postForm(owner, '/projects', { name });
  expect(res.status).toBe(303);
  return /\/projects\/(proj_[0-9A-Z]+)\/keys/.exec(res.headers.get('location')!)![1];
}

async function newKey(owner: Awaited<ReturnType<typeof signIn>>, pid: string): Promise<string> {
  const res = await postForm(owner, `/projects/${pid}/keys`, { name: 'k' });
  return decodeURIComponent(/wm_new_key=([^;]+)/.exec(res.headers.get('set-cookie')!)![1]);
}

const count = async (pid: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE project_id = ?').bind(pid).first<{ n: number }>())!.n;

describe('project names', () => {
  it('refuses a blank or duplicate name inline (the form again, 422), on create and on rename', async () => {
    const owner = await signIn({ client: '198.51.100.31' });
    const blank = await postForm(owner, '/projects', { name: '   ' });
    expect(blank.status).toBe(422);
    const blankHtml = await blank.text();
    expect(blankHtml).toContain('data-testid="name-error"');
    expect(blankHtml).toContain('class="shell"');
    const dup = await postForm(owner, '/projects', { name: ' demo ' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('already exists');

    const pid = await newProject(owner, 'Billing');
    await newProject(owner, 'Payroll');
    const same = await postForm(owner, `/projects/${pid}/project/rename`, { name: 'PAYROLL' });
    expect(same.status).toBe(422);
    expect(await same.text()).toMatch(/data-testid="name-error"[^>]*>A project named “PAYROLL” already exists/);
    expect((await postForm(owner, `/projects/${pid}/project/rename`, { name: '' })).status).toBe(422);
    const ok = await postForm(owner, `/projects/${pid}/project/rename`, { name: 'Billing EU' });
    expect(ok.status).toBe(303);
    expect(await (await page(`/projects/${pid}/project`, { headers: { cookie: owner.cookie } })).text()).toContain('value="Billing EU"');
    // Renaming to its own name (another case) is allowed.
    expect((await postForm(owner, `/projects/${pid}/project/rename`, { name: 'billing eu' })).status).toBe(303);
  }, 60_000);
});

describe('deleting a project', () => {
  it('needs the typed name; then revokes its keys at once and deletes its events in bounded chunks', async () => {
    const owner = await signIn({ client: '198.51.100.32' });
    const pid = await newProject(owner, 'Doomed');
    const other = await newProject(owner, 'Survivor');
    const key = await newKey(owner, pid);
    const otherKey = await newKey(owner, other);
    const batchOf = (n: number) => ({ events: Array.from({ length: n }, () => auditLogBody({}, 'org_doom')) });
    for (const k of [key, key]) expect((await call('POST', '/audit_logs/events/batch', { key: k, body: batchOf(DELETE_CHUNK) })).status).toBeLessThan(300);
    expect((await call('POST', '/audit_logs/events/batch', { key: otherKey, body: batchOf(3) })).status).toBeLessThan(300);
    expect(await count(pid)).toBe(2 * DELETE_CHUNK);

    const wrong = await postForm(owner, `/projects/${pid}/project/delete`, { confirm: 'doomed' });
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('data-testid="delete-error"');
    expect(await count(pid)).toBe(2 * DELETE_CHUNK);

    // One chunk at a time, to see the bound: each batch deletes at most DELETE_CHUNK events.
    const db = drizzle(env.DB);
    expect(await deleteProjectEvents(db, pid, Date.now(), 1)).toBe(false);
    expect(await count(pid)).toBe(DELETE_CHUNK);

    const done = await postForm(owner, `/projects/${pid}/project/delete`, { confirm: 'Doomed' });
    expect(done.status).toBe(303);
    expect(await count(pid)).toBe(0);
    expect(await count(other)).toBe(3);
    const targets = await env.DB.prepare('SELECT count(*) AS n FROM event_targets WHERE project_id = ?').bind(pid).first<{ n: number }>();
    expect(targets!.n).toBe(0);
    const state = await env.DB.prepare('SELECT finished_at FROM project_deletions WHERE project_id = ?').bind(pid).first<{ finished_at: number | null }>();
    expect(state!.finished_at).not.toBeNull();
    expect((await call('GET', '/audit_logs/events', { key })).status).toBe(401);
    expect((await call('GET', '/audit_logs/events', { key: otherKey })).status).toBe(200);
    expect((await page(`/projects/${pid}/events`, { headers: { cookie: owner.cookie } })).status).toBe(404);
    // Searching the survivor still works (the deleted rows left the search index with their events).
    expect((await call('GET', '/events?search=Washburne', { key: otherKey })).body.data).toHaveLength(3);
    // Built-in projects cannot be deleted.
    expect((await postForm(owner, '/projects/proj_demo/project/delete', { confirm: 'Demo' })).status).toBe(403);
    const trail = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE project_id = 'proj_waymark' AND action = 'project.deleted'").first<{ n: number }>();
    expect(trail!.n).toBe(1);
  }, 60_000);

  it('ends its viewer links and sessions at once, stops serving its exports, then removes its organizations, usage and files', async () => {
    const owner = await signIn({ client: '198.51.100.33' });
    const pid = await newProject(owner, 'Leftovers');
    const key = await newKey(owner, pid);
    expect((await call('POST', '/audit_logs/events', { key, body: auditLogBody({}, 'org_left') })).status).toBe(200);
    expect((await call('POST', '/organizations', { key, body: { name: 'Left Corp', domain_data: [{ domain: 'left.example', state: 'verified' }] } })).status).toBe(201);
    const made = await call('POST', '/audit_logs/exports', { key, body: { organization_id: 'org_left', range_start: '2000-01-01T00:00:00Z', range_end: '2100-01-01T00:00:00Z' } });
    let e = made.body;
    for (let i = 0; i < 200 && e.state !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      e = (await call('GET', `/audit_logs/exports/${made.body.id}`, { key })).body;
    }
    expect(e.state).toBe('ready');
    const download = new URL(e.url);
    const linkA = (await call('POST', '/portal/generate_link', { key, body: { organization: 'org_left', intent: 'audit_logs' } })).body.link as string;
    const linkB = (await call('POST', '/portal/generate_link', { key, body: { organization: 'org_left', intent: 'audit_logs' } })).body.link as string;
    const opened = await page(new URL(linkA).pathname + new URL(linkA).search, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const viewerCookie = opened.headers.get('set-cookie')!.split(';')[0];
    expect((await page('/viewer/events', { headers: { cookie: viewerCookie } })).status).toBe(200);

    expect((await postForm(owner, `/projects/${pid}/project/delete`, { confirm: 'Leftovers' })).status).toBe(303);
    const eventsBefore = await count(pid);
    expect(eventsBefore).toBe(0);
    // The open session ends, the unopened link no longer opens, and nothing is written into the deleted project.
    expect((await page('/viewer/events', { headers: { cookie: viewerCookie } })).status).toBeGreaterThanOrEqual(400);
    expect((await page(new URL(linkB).pathname + new URL(linkB).search, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(400);
    expect(await count(pid)).toBe(0);
    // The signed link of its export stops working at once; the file goes with the cron's sweep.
    expect((await page(download.pathname + download.search)).status).toBe(404);
    const rows = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE project_id = ?`).bind(pid).first<{ n: number }>())!.n;
    for (const table of ['organizations', 'organization_domains', 'usage_daily', 'usage_keys', 'portal_links', 'portal_sessions']) expect(await rows(table), table).toBe(0);
    const { sweepExports } = await import('../../src/exports/expiry');
    expect(await sweepExports(drizzle(env.DB), env.EXPORTS, Date.now())).toBeGreaterThanOrEqual(1);
    expect(await rows('exports')).toBe(0);
    expect((await env.EXPORTS.list({ prefix: `exports/${pid}/` })).objects).toEqual([]);
  }, 60_000);
});

describe('usage of a deleted project', () => {
  it('is not counted once its deletion started (a late waitUntil would leave rows behind the cleanup)', async () => {
    const projectId = 'proj_usage_after_delete';
    await env.DB.prepare('INSERT INTO project_deletions (project_id, requested_at) VALUES (?, ?)').bind(projectId, Date.now()).run();
    const db = drizzle(env.DB);
    await db.$client.batch([
      usageStatement(db, { projectId, at: Date.now(), endpoint: 'GET /events', status: 200, events: 0 }),
      keyUsageStatement(db, projectId, 'key_late', 1, Date.now()),
    ]);
    for (const table of ['usage_daily', 'usage_keys']) {
      const n = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE project_id = ?`).bind(projectId).first<{ n: number }>();
      expect(n, table).toEqual({ n: 0 });
    }
  });
});
