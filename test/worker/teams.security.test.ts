// Team accounts as attacks and guarantees: every dashboard route's role, the parallel sign-in
// throttle, server-side sign-out, removal ending sessions, invites used once, the Waymark trail.
// Tests that make members hash passwords (PBKDF2, 100,000 iterations) and get SLOW_MS on a shared machine.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { getEvent } from '../../src/events/store';
import { describe, expect, it } from 'vitest';
import { dashboard } from '../../src/dashboard';
import { MAX_PER_ADDRESS } from '../../src/team/throttle';
import { ORIGIN, call, inviteMember, page, postForm, signIn, signInWith } from './helpers';

type Need = 'public' | 'viewer' | 'admin' | 'owner';

/** Every route the dashboard mounts, with the least role it needs. A new route without a row fails the coverage test. */
const ROUTES: [method: string, path: string, need: Need][] = [
  ['GET', '/login', 'public'],
  ['POST', '/login', 'public'],
  ['POST', '/login/passkey/options', 'public'],
  ['POST', '/login/passkey', 'public'],
  ['POST', '/logout', 'viewer'],
  ['GET', '/invite/:token', 'public'],
  ['POST', '/invite/:token', 'public'],
  ['POST', '/invite/:token/passkey/options', 'public'],
  ['POST', '/invite/:token/passkey', 'public'],
  ['GET', '/members', 'owner'],
  ['POST', '/members/invites', 'owner'],
  ['POST', '/members/invites/:id/revoke', 'owner'],
  ['POST', '/members/:id/role', 'owner'],
  ['POST', '/members/:id/remove', 'owner'],
  ['POST', '/members/sessions/:sid/end', 'owner'],
  ['GET', '/account', 'viewer'],
  ['POST', '/account/password', 'viewer'],
  ['POST', '/account/passkey/options', 'viewer'],
  ['POST', '/account/passkey', 'viewer'],
  ['GET', '/', 'viewer'],
  ['POST', '/projects', 'admin'],
  ['GET', '/projects/:pid', 'viewer'],
  ['GET', '/projects/:pid/project', 'owner'],
  ['POST', '/projects/:pid/project/rename', 'owner'],
  ['POST', '/projects/:pid/project/delete', 'owner'],
  ['POST', '/preferences/time', 'viewer'],
  ['GET', '/projects/:pid/events', 'viewer'],
  ['GET', '/projects/:pid/events/actors', 'viewer'],
  ['GET', '/projects/:pid/events/newer', 'viewer'],
  ['GET', '/projects/:pid/events/timeline', 'viewer'],
  ['GET', '/projects/:pid/events/:eid', 'viewer'],
  ['GET', '/projects/:pid/exports', 'viewer'],
  ['POST', '/projects/:pid/exports', 'viewer'],
  ['GET', '/projects/:pid/actions', 'viewer'],
  ['POST', '/projects/:pid/actions/require-schema', 'admin'],
  ['GET', '/projects/:pid/keys', 'admin'],
  ['POST', '/projects/:pid/keys', 'admin'],
  ['POST', '/projects/:pid/keys/:kid/rotate', 'admin'],
  ['POST', '/projects/:pid/keys/:kid/revoke', 'admin'],
  ['GET', '/projects/:pid/usage', 'admin'],
  ['POST', '/projects/:pid/usage/rate-limit', 'admin'],
  ['GET', '/projects/:pid/organizations', 'admin'],
  ['POST', '/projects/:pid/organizations/default-retention', 'admin'],
  ['POST', '/projects/:pid/organizations/managed', 'admin'],
  ['POST', '/projects/:pid/organizations/retention', 'admin'],
  ['POST', '/projects/:pid/organizations/hold', 'admin'],
  ['GET', '/projects/:pid/viewer-settings', 'admin'],
  ['POST', '/projects/:pid/viewer-settings', 'admin'],
];

const SLOW_MS = 60_000;

const mounted = () =>
  [...new Set(dashboard.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/\/$/, '') || '/'}`))].sort();

const concrete = (path: string) =>
  path
    .replace(':pid', 'proj_demo')
    .replace(':token', 'A'.repeat(43))
    .replace(':eid', 'evt_01HZZZZZZZZZZZZZZZZZZZZZZZ')
    .replace(':kid', 'key_nope')
    .replace(':sid', 'ses_nope')
    .replace(':id', 'mem_nope');

describe('role checks on every dashboard route', () => {
  it('the table names every route the dashboard mounts', () => {
    expect(ROUTES.map(([m, p]) => `${m} ${p}`).sort()).toEqual(mounted());
  });

  it('a viewer gets 403 on every admin and owner route, by URL; an admin on every owner route', async () => {
    const owner = await signIn({ client: '198.51.100.11' });
    const viewer = await inviteMember(owner, { email: 'vera@example.com', role: 'viewer' });
    const admin = await inviteMember(owner, { email: 'adam@example.com', role: 'admin' });
    for (const [who, session, refused] of [
      ['viewer', viewer, ['admin', 'owner']],
      ['admin', admin, ['owner']],
    ] as const) {
      // Signing out is tested on its own (it would end the session the loop uses).
      for (const [method, path, need] of ROUTES.filter(([, p]) => p !== '/logout')) {
        const url = concrete(path);
        const res = method === 'GET' ? await page(url, { headers: { cookie: session.cookie } }) : await postForm(session, url, { name: 'x' });
        if ((refused as readonly string[]).includes(need)) {
          expect.soft(res.status, `${who} ${method} ${path}`).toBe(403);
          expect.soft(await res.text(), `${who} ${method} ${path}`).toContain(`You are signed in as a ${who}`);
        } else {
          expect.soft(res.status, `${who} ${method} ${path}`).not.toBe(403);
        }
      }
    }
  }, SLOW_MS);

  it('hides from a viewer what the role cannot do, and keeps the Waymark project from them', async () => {
    const owner = await signIn({ client: '198.51.100.12' });
    const viewer = await inviteMember(owner, { email: 'vic@example.com', role: 'viewer' });
    const html = await (await page('/projects/proj_demo/events', { headers: { cookie: viewer.cookie } })).text();
    expect(html).not.toContain('href="/projects/proj_demo/keys"');
    expect(html).not.toContain('href="/projects/proj_demo/usage"');
    expect(html).not.toContain('href="/members"');
    expect(html).not.toContain('action="/projects"');
    expect(html).not.toContain('proj_waymark');
    expect((await page('/projects/proj_waymark/events', { headers: { cookie: viewer.cookie } })).status).toBe(403);
    expect((await page('/projects/proj_waymark/events', { headers: { cookie: owner.cookie } })).status).toBe(200);
  }, SLOW_MS);
});

describe('sign-in throttle', () => {
  it('checks at most 5 of 30 parallel wrong passwords from one address', async () => {
    const tries = await Promise.all(
      Array.from({ length: 30 }, () =>
        page('/login', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.30', origin: ORIGIN },
          body: 'password=wrong-password',
        }),
      ),
    );
    const statuses = tries.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_PER_ADDRESS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - MAX_PER_ADDRESS);
    // The right password from that address now waits too; another address signs in.
    const right = await page('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.30', origin: ORIGIN },
      body: 'password=test-admin-password',
    });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    await signIn({ client: '203.0.113.31' });
  }, SLOW_MS);

  it('limits one account tried from many addresses (20 checks), without locking out other accounts', async () => {
    const owner = await signIn({ client: '198.51.100.13' });
    await inviteMember(owner, { email: 'target@example.com', role: 'viewer', password: 'target-password-1' });
    const tries = await Promise.all(Array.from({ length: 30 }, (_, i) => signInWith('target@example.com', 'nope-nope-nope', `192.0.2.${i + 1}`)));
    expect(tries.filter((r) => r.status === 401)).toHaveLength(20);
    expect((await signInWith('target@example.com', 'target-password-1', '192.0.2.200')).status).toBe(429);
    expect((await signInWith('owner@waymark.local', 'test-admin-password', '192.0.2.201')).status).toBe(303);
  }, SLOW_MS);
});

describe('passkey sign-in challenges', () => {
  it('are limited per address (each is a stored row asked for without signing in)', async () => {
    const ask = () => page('/login/passkey/options', { method: 'POST', headers: { origin: ORIGIN, 'cf-connecting-ip': '203.0.113.77', 'content-type': 'application/x-www-form-urlencoded' }, body: 'next=%2F' });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await ask()).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    const options = await (await page('/login/passkey/options', { method: 'POST', headers: { origin: ORIGIN, 'cf-connecting-ip': '203.0.113.78' } })).json<{ challenge: string; rpId: string }>();
    expect(options.rpId).toBe('waymark.test');
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  }, SLOW_MS);
});

describe('sessions on the server', () => {
  it('signing out ends the session at once: the old cookie no longer works', async () => {
    const s = await signIn({ client: '198.51.100.14' });
    expect((await page('/projects/proj_demo/events', { headers: { cookie: s.cookie } })).status).toBe(200);
    const out = await postForm(s, '/logout', {});
    expect(out.status).toBe(303);
    const after = await page('/projects/proj_demo/events', { headers: { cookie: s.cookie } });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/login/);
  }, SLOW_MS);

  it('removing a member ends their sessions; the owner can end any one session', async () => {
    const owner = await signIn({ client: '198.51.100.15' });
    const m = await inviteMember(owner, { email: 'gone@example.com', role: 'admin', password: 'gone-password-1' });
    const second = await signInWith('gone@example.com', 'gone-password-1', '198.51.100.16');
    expect(second.status).toBe(303);
    const secondCookie = second.headers.get('set-cookie')!.split(';')[0];
    // End one session by id from the Members page.
    const list = await (await page('/members', { headers: { cookie: owner.cookie } })).text();
    const ids = [...list.matchAll(/action="\/members\/sessions\/(ses_[0-9A-Z]+)\/end"/g)].map((x) => x[1]);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const row = await env.DB.prepare('SELECT s.id FROM sessions s JOIN members m ON m.id = s.member_id WHERE m.email = ? ORDER BY s.created_at DESC LIMIT 1')
      .bind('gone@example.com')
      .first<{ id: string }>();
    expect((await postForm(owner, `/members/sessions/${row!.id}/end`, {})).status).toBe(303);
    expect((await page('/projects/proj_demo/keys', { headers: { cookie: secondCookie } })).status).toBe(303);
    expect((await page('/projects/proj_demo/keys', { headers: { cookie: m.cookie } })).status).toBe(200);
    // Remove the member: the remaining session ends too, and the password no longer signs in.
    const member = await env.DB.prepare('SELECT id FROM members WHERE email = ?').bind('gone@example.com').first<{ id: string }>();
    expect((await postForm(owner, `/members/${member!.id}/remove`, {})).status).toBe(303);
    expect((await page('/projects/proj_demo/keys', { headers: { cookie: m.cookie } })).status).toBe(303);
    expect((await signInWith('gone@example.com', 'gone-password-1', '198.51.100.17')).status).toBe(401);
    // The owner cannot be removed or demoted.
    expect((await postForm(owner, '/members/mem_owner/remove', {})).status).toBe(403);
    expect((await postForm(owner, '/members/mem_owner/role', { role: 'viewer' })).status).toBe(403);
  }, SLOW_MS);
});

describe('invites', () => {
  it('an invite link works once, and names no one but its invitee', async () => {
    const owner = await signIn({ client: '198.51.100.18' });
    const m = await inviteMember(owner, { email: 'once@example.com', role: 'viewer' });
    const again = await page(new URL(m.link).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: 'name=Mallory&password=mallory-password',
    });
    expect(again.status).toBe(404);
    expect(again.headers.get('set-cookie')).toBeNull();
    const dup = await postForm(owner, '/members/invites', { email: 'ONCE@example.com', role: 'admin' });
    expect(dup.status).toBe(422);
    expect(await dup.text()).toContain('already a member');
    const bad = await postForm(owner, '/members/invites', { email: 'x@example.com', role: 'owner' });
    expect(bad.status).toBe(422);
    // Tokens are stored hashed: the link's token is nowhere in the database.
    const token = new URL(m.link).pathname.split('/').pop()!;
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM invites WHERE token_hash = ? OR id = ?').bind(token, token).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  }, SLOW_MS);

  it('a weak password is an inline error and uses nothing up', async () => {
    const owner = await signIn({ client: '198.51.100.19' });
    const created = await postForm(owner, '/members/invites', { email: 'weak@example.com', role: 'viewer' });
    const link = JSON.parse(decodeURIComponent(/wm_new_invite=([^;]+)/.exec(created.headers.get('set-cookie')!)![1])).link;
    const res = await page(new URL(link).pathname, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      body: 'name=Weak&password=short',
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('at least 10 characters');
    expect((await page(new URL(link).pathname)).status).toBe(200);
  }, SLOW_MS);
});

describe('the Waymark project', () => {
  it('no API key can be made for it, it cannot be deleted or renamed, and the API cannot reach it', async () => {
    const owner = await signIn({ client: '198.51.100.20' });
    expect((await postForm(owner, '/projects/proj_waymark/keys', { name: 'sneaky' })).status).toBe(403);
    expect((await postForm(owner, '/projects/proj_waymark/project/delete', { confirm: 'Waymark' })).status).toBe(403);
    expect((await postForm(owner, '/projects/proj_waymark/project/rename', { name: 'Mine' })).status).toBe(403);
    const keys = await env.KV.list({ prefix: 'project-key:proj_waymark:' });
    expect(keys.keys).toHaveLength(0);
    // Even a key record planted in KV for it is refused by the API.
    const plain = 'sk_test_PlantedPlantedPlantedPlanted01';
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(plain)))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await env.KV.put(`apikey:${hash}`, JSON.stringify({ id: 'key_planted', project_id: 'proj_waymark', name: 'x', prefix: 'sk_test_', last4: '0001', created_at: 0, revoked_at: null, hash }));
    const write = await call('POST', '/audit_logs/events', { key: plain, body: { organization_id: 'org_waymark', event: { action: 'api_key.created', occurred_at: new Date().toISOString(), actor: { id: 'mem_owner', type: 'member' }, targets: [], context: { location: '1.2.3.4' } } } });
    expect(write.status).toBe(403);
    const read = await call('GET', '/audit_logs/events', { key: plain });
    expect(read.status).toBe(403);
  }, SLOW_MS);

  it('records dashboard actions as Audit Logs events with the member as actor and IP + user agent as context', async () => {
    const owner = await signIn({ client: '198.51.100.21' });
    const created = await page('/projects/proj_demo/keys', {
      method: 'POST',
      headers: { cookie: owner.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '198.51.100.21', 'user-agent': 'AuditTest/1.0' },
      body: new URLSearchParams({ _csrf: owner.csrf, name: 'Audited key' }).toString(),
    });
    expect(created.status).toBe(303);
    const event = await trailEvent("action = 'api_key.created'");
    expect(event).toMatchObject({ action: 'api_key.created', source: 'audit_logs', organizationId: 'org_waymark' });
    expect(event.actor).toMatchObject({ id: 'mem_owner', email: 'owner@waymark.local' });
    expect(event.context).toMatchObject({ location: '198.51.100.21', userAgent: 'AuditTest/1.0' });
    expect(JSON.stringify(event.targets)).toContain('Audited key');
    const failed = await signInWith('nobody@example.com', 'wrong-password-x', '198.51.100.22');
    expect(failed.status).toBe(401);
    const fail = await trailEvent("action = 'dashboard.sign_in_failed'");
    expect(fail.actor.email).toBe('nobody@example.com');
  }, SLOW_MS);
});

/** The newest event of the Waymark trail matching `where`, read as the model (the row keeps only `raw`). */
async function trailEvent(where: string) {
  const row = await env.DB.prepare(`SELECT id FROM events WHERE project_id = 'proj_waymark' AND ${where} ORDER BY seq DESC LIMIT 1`).first<{ id: string }>();
  expect(row).not.toBeNull();
  return (await getEvent(drizzle(env.DB), 'proj_waymark', row!.id))!;
}

describe('API actions in the Waymark trail', () => {
  it('records schema.created with the API key as actor', async () => {
    const res = await call('POST', '/audit_logs/actions/invoice.paid/schemas', {
      body: { targets: [{ type: 'invoice' }] },
      headers: { 'user-agent': 'SchemaTest/2' },
    });
    expect(res.status).toBe(201);
    const event = await trailEvent("action = 'schema.created'");
    expect(event.actor.type).toBe('api_key');
    expect(event.context.userAgent).toBe('SchemaTest/2');
    expect(event.actor.id).toMatch(/^key_/);
  }, SLOW_MS);
});

describe('exports in the Waymark trail', () => {
  it('records export.created (the API key as actor) and export.downloaded (the signed link as actor)', async () => {
    const created = await call('POST', '/audit_logs/exports', {
      body: { organization_id: 'org_foo', range_start: '2026-01-01T00:00:00.000Z', range_end: '2026-12-31T00:00:00.000Z' },
    });
    expect(created.status).toBe(201);
    let e = created.body;
    for (let i = 0; i < 200 && e.state !== 'ready'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      e = (await call('GET', `/audit_logs/exports/${created.body.id}`)).body;
    }
    expect(e.state).toBe('ready');
    const url = new URL(e.url);
    const file = await page(url.pathname + url.search, { headers: { 'user-agent': 'Downloader/1' } });
    expect(file.status).toBe(200);
    const bytes = (await file.arrayBuffer()).byteLength;
    // The same link again, and a HEAD: served, not recorded again (a shared link cannot flood the trail).
    const again = await page(url.pathname + url.search);
    expect(again.status).toBe(200);
    await again.arrayBuffer();
    const head = await page(url.pathname + url.search, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes));
    const ids = await env.DB.prepare("SELECT id FROM events WHERE project_id = 'proj_waymark' AND action LIKE 'export.%' ORDER BY seq").all<{ id: string }>();
    const trail = (await Promise.all(ids.results.map((r) => getEvent(drizzle(env.DB), 'proj_waymark', r.id)))).filter((e) => e!.actor.type !== 'member');
    expect(trail.map((e) => [e!.action, e!.actor.type])).toEqual([
      ['export.created', 'api_key'],
      ['export.downloaded', 'download_link'],
    ]);
    expect(trail[1]!.actor.id).toBe(created.body.id);
    expect(trail[1]!.context.userAgent).toBe('Downloader/1');
    // A fresh link is a new download to record; past the limit an export is a 429 for a while.
    const fresh = new URL((await call('GET', `/audit_logs/exports/${created.body.id}`)).body.url);
    let statuses: number[] = [];
    // 21 requests in well under 10 s: whatever the wall-clock windows of the local limiter, one holds 11.
    for (let i = 0; i < 21; i++) {
      const r = await page(fresh.pathname + fresh.search);
      await r.arrayBuffer();
      statuses.push(r.status);
    }
    statuses = [...new Set(statuses)];
    expect(statuses).toContain(429);
  }, SLOW_MS);
});
