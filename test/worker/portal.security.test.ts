// The customer-facing viewer as an attacker sees it: a link for organization A of the
// Default project must never show organization B or the Demo project, by any door; tampered,
// expired and reused links and cookies get a 401 page and no data; the viewer cookie opens
// nothing of the team dashboard or the API, and the team cookie opens nothing here.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/d1';
import { sql } from 'drizzle-orm';
import { auditLogBody, call, DEMO_KEY, page, postForm, signIn } from './helpers';
import { createKey } from '../../src/projects/keys-store';

const ORG_A = 'org_portal_a';
const ORG_B = 'org_portal_b';

async function send(orgId: string, overrides: Record<string, unknown>, key?: string) {
  const res = await call('POST', '/audit_logs/events', { body: auditLogBody(overrides, orgId), key });
  expect(res.status).toBe(200);
}

async function generate(body: Record<string, unknown>, key?: string) {
  return call('POST', '/portal/generate_link', { body, key });
}

/** A fresh link for `org`, opened: the viewer cookie. */
async function openViewer(org = ORG_A, key?: string): Promise<string> {
  const res = await generate({ intent: 'audit_logs', organization: org, return_url: 'https://app.example.com/settings' }, key);
  expect(res.status).toBe(201);
  const open = await page(new URL(res.body.link).pathname + new URL(res.body.link).search);
  expect(open.status).toBe(303);
  expect(open.headers.get('location')).toBe('/viewer/events');
  return open.headers.get('set-cookie')!.split(';')[0];
}

const idsIn = (html: string) => [...html.matchAll(/data-event-id="(evt_[0-9A-Z]+)"/g)].map((m) => m[1]);

async function eventIds(org: string, key?: string): Promise<string[]> {
  const res = await call('GET', `/audit_logs/events?organization_id=${org}&limit=100`, { key });
  return res.body.data.map((e: { id: string }) => e.id);
}

let bIds: string[] = [];
let demoIds: string[] = [];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) await send(ORG_A, { action: 'invoice.paid', actor: { id: `alice_${i}`, type: 'user', name: 'Alice Aardvark' } });
  for (let i = 0; i < 3; i++) await send(ORG_B, { action: 'secret.rotated', actor: { id: `bob_${i}`, type: 'user', name: 'Bob Secretkeeper' } });
  await send(ORG_A, { action: 'demo.only', actor: { id: 'mallory', type: 'user', name: 'Mallory Demoproject' } }, DEMO_KEY);
  bIds = await eventIds(ORG_B);
  demoIds = await eventIds(ORG_A, DEMO_KEY);
});

describe('POST /portal/generate_link', () => {
  it('answers a link for the audit_logs intent', async () => {
    const res = await generate({ intent: 'audit_logs', organization: ORG_A });
    expect(res.status).toBe(201);
    expect(res.body.link).toMatch(/^http:\/\/waymark\.test\/viewer\/open\?token=wpl_/);
    expect(res.body.link).not.toContain(ORG_A);
  });

  it('refuses other intents with a 422 naming the supported ones', async () => {
    const res = await generate({ intent: 'sso', organization: ORG_A });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('audit_logs');
    expect(JSON.stringify(res.body)).toContain('intent');
  });

  it.each([
    [{ intent: 'audit_logs' }, 'organization'],
    [{ organization: ORG_A }, 'intent'],
    [{ intent: 'audit_logs', organization: ORG_A, return_url: 'javascript:alert(1)' }, 'return_url'],
  ])('names the bad field (%j)', async (body, field) => {
    const res = await generate(body);
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain(field);
  });

  it('needs a key with the read scope', async () => {
    expect((await generate({ intent: 'audit_logs', organization: ORG_A }, null as unknown as string)).status).toBe(401);
    const writeOnly = (await createKey(env.KV, { projectId: 'proj_default', mode: 'test', name: 'w', now: Date.now(), scopes: ['write'] })).plain;
    expect((await generate({ intent: 'audit_logs', organization: ORG_A }, writeOnly)).status).toBe(403);
  });
});

describe('links', () => {
  it('open once: ten parallel openings make exactly one session', async () => {
    const { link } = (await generate({ intent: 'audit_logs', organization: ORG_A })).body;
    const path = new URL(link).pathname + new URL(link).search;
    const answers = await Promise.all(Array.from({ length: 10 }, () => page(path)));
    expect(answers.filter((r) => r.status === 303)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(9);
    const again = await page(path);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('already been used');
  });

  it('refuse a tampered token with a 401 page and no data', async () => {
    const { link } = (await generate({ intent: 'audit_logs', organization: ORG_A })).body;
    const url = new URL(link);
    const token = url.searchParams.get('token')!;
    const flipped = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
    for (const t of [flipped, token.slice(0, -1), `${token}x`, '', 'wpl_x.y']) {
      const res = await page(`/viewer/open?token=${encodeURIComponent(t)}`);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain('This link cannot be opened');
      expect(html).not.toContain('data-event-id');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });

  it('expire after 5 minutes', async () => {
    const { link } = (await generate({ intent: 'audit_logs', organization: ORG_A })).body;
    const db = drizzle(env.DB);
    await db.run(sql`UPDATE portal_links SET expires_at = ${Date.now() - 1} WHERE used_at IS NULL`);
    const res = await page(new URL(link).pathname + new URL(link).search);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('expired');
  });
});

describe('the viewer of organization A', () => {
  it('shows A and nothing of B or of the Demo project, and records the opening', async () => {
    const cookie = await openViewer();
    const res = await page('/viewer/events', { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Alice Aardvark');
    expect(html).toContain('audit_log.viewed');
    expect(html).toContain('Back to Audit log');
    for (const leak of ['Bob Secretkeeper', 'secret.rotated', ORG_B, 'Mallory', 'demo.only', 'proj_default', '/projects/']) expect(html).not.toContain(leak);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBeNull();
  });

  it.each([
    ['?org=org_portal_b', 'the org parameter'],
    ['?q=Secretkeeper', 'search'],
    ['?q=org:org_portal_b', 'an org qualifier'],
    ['?action=secret.rotated', 'the action filter'],
  ])('cannot reach B by %s (%s)', async (qs) => {
    const cookie = await openViewer();
    const html = await (await page(`/viewer/events${qs}`, { headers: { cookie } })).text();
    expect(html).not.toContain('Bob Secretkeeper');
    for (const id of bIds) expect(html).not.toContain(id);
  });

  it('cannot open B or Demo events by id, page or fragment, nor use them as cursors', async () => {
    const cookie = await openViewer();
    for (const id of [...bIds, ...demoIds]) {
      for (const path of [`/viewer/events/${id}`]) {
        const res = await page(path, { headers: { cookie } });
        expect(res.status).toBe(404);
        expect(await res.text()).not.toContain(id.slice(4));
      }
      const frag = await page(`/viewer/events/${id}`, { headers: { cookie, 'hx-request': 'true' } });
      expect(frag.status).toBe(404);
      const cursor = await page(`/viewer/events?after=${id}`, { headers: { cookie, 'hx-request': 'true' } });
      expect(idsIn(await cursor.text())).toEqual([]);
      const newer = await page(`/viewer/events/newer?since=${id}`, { headers: { cookie, 'hx-request': 'true' } });
      expect(newer.status).toBe(422);
    }
    const actors = await (await page('/viewer/events/actors?prefix=bob', { headers: { cookie, 'hx-request': 'true' } })).text();
    expect(actors).not.toContain('bob_');
    const timeline = await (await page('/viewer/events/timeline?q=Secretkeeper', { headers: { cookie, 'hx-request': 'true' } })).text();
    expect(timeline).not.toMatch(/[1-9]/);
  });

  it('opens its own events and records each opening in A’s trail', async () => {
    const cookie = await openViewer();
    const [id] = await eventIds(ORG_A);
    const res = await page(`/viewer/events/${id}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const recorded = await call('GET', `/audit_logs/events?organization_id=${ORG_A}&actions=audit_log.event_viewed&limit=100`);
    const viewed = recorded.body.data.filter((e: any) => e.targets[0].id === id);
    expect(viewed.length).toBeGreaterThan(0);
    expect(viewed[0].actor.type).toBe('audit_log_viewer');
    expect(viewed[0].actor.id).toMatch(/^vs_/);
    const inB = await call('GET', `/audit_logs/events?organization_id=${ORG_B}&actions=audit_log.event_viewed`);
    expect(inB.body.data).toEqual([]);
  });

  it('lists only A’s actions in the action picker', async () => {
    const cookie = await openViewer();
    const html = await (await page('/viewer/events', { headers: { cookie } })).text();
    const picker = /<select name="action"[\s\S]*?<\/select>/.exec(html)![0];
    expect(picker).toContain('invoice.paid');
    expect(picker).not.toContain('secret.rotated');
    expect(picker).not.toContain('demo.only');
  });
});

describe('cookies', () => {
  it('a tampered, expired or missing viewer cookie gets a 401 page and no data', async () => {
    const cookie = await openViewer();
    const [name, value] = cookie.split('=');
    const tampered = `${name}=${value.slice(0, 5)}${value[5] === 'a' ? 'b' : 'a'}${value.slice(6)}`;
    for (const c of [tampered, '', 'wm_viewer=abc']) {
      const res = await page('/viewer/events', { headers: { cookie: c } });
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).not.toContain('Alice');
    }
    await drizzle(env.DB).run(sql`UPDATE portal_sessions SET expires_at = ${Date.now() - 1}`);
    const expired = await page('/viewer/events', { headers: { cookie } });
    expect(expired.status).toBe(401);
  });

  it('the viewer cookie reaches no team-dashboard page and no API route', async () => {
    const cookie = await openViewer();
    for (const path of ['/', '/projects/proj_default/events', '/projects/proj_default/keys', '/projects/proj_default/events/timeline']) {
      const res = await page(path, { headers: { cookie } });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login/);
    }
    const api = await call('GET', '/audit_logs/events', { key: null, headers: { cookie } });
    expect(api.status).toBe(401);
  });

  it('the team cookie opens nothing in the viewer', async () => {
    const team = await signIn({ client: '198.51.100.77' });
    const res = await page('/viewer/events', { headers: { cookie: team.cookie } });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('Alice');
  });
});

describe('branding and frame-ancestors (team dashboard settings)', () => {
  it('refuses bad values with a 422 naming the field, and a form without the CSRF token', async () => {
    const team = await signIn({ client: '198.51.100.78' });
    for (const [field, value, words] of [
      ['logo_url', 'http://insecure.example/logo.png', 'Logo URL'],
      ['logo_url', 'javascript:alert(1)', 'Logo URL'],
      ['accent_color', 'red;} body{display:none', 'Accent colour'],
      ['frame_ancestors', "https://ok.example 'unsafe-inline'", 'Allowed origins'],
      ['frame_ancestors', 'https://app.example.com/path', 'Allowed origins'],
    ]) {
      const res = await postForm(team, '/projects/proj_default/viewer-settings', { product_name: 'Acme', logo_url: '', accent_color: '', frame_ancestors: '', [field]: value });
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(words);
    }
    const forged = await postForm(team, '/projects/proj_default/viewer-settings', { _csrf: 'wrong', product_name: 'Evil' });
    expect(forged.status).toBe(403);
  });

  it('applies saved branding and framers to the viewer, escaped', async () => {
    const team = await signIn({ client: '198.51.100.79' });
    const saved = await postForm(team, '/projects/proj_default/viewer-settings', {
      product_name: 'Acme <script>alert(1)</script>',
      logo_url: 'https://cdn.acme.example/logo.svg?a="><script>',
      accent_color: '#AA3300',
      frame_ancestors: 'https://app.acme.example\nhttps://*.acme.example',
    });
    expect(saved.status).toBe(303);
    const cookie = await openViewer();
    const res = await page('/viewer/events', { headers: { cookie } });
    const html = await res.text();
    expect(html).toContain('Acme &lt;script>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('"><script>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors https://app.acme.example https://*.acme.example');
    expect(csp).toContain("img-src 'self' data: https://cdn.acme.example");
    const theme = await (await page('/viewer/theme.css', { headers: { cookie } })).text();
    expect(theme).toContain('--accent: #aa3300');
    // The Demo project's viewer keeps its own (default) settings.
    const demo = await openViewer(ORG_A, DEMO_KEY);
    const demoRes = await page('/viewer/events', { headers: { cookie: demo } });
    expect(demoRes.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await demoRes.text()).not.toContain('Acme');
  });
});

describe('query plans', () => {
  it.each([
    ['SELECT id FROM portal_sessions WHERE secret_hash = ?', 'USING PRIMARY KEY'],
    ["UPDATE portal_links SET used_at = 1 WHERE token_hash = ? AND used_at IS NULL AND expires_at > 0", 'USING PRIMARY KEY'],
    ['SELECT 1 FROM events WHERE project_id = ? AND organization_id = ? LIMIT 1', 'events_project_org_time'],
  ])('%s uses an index', async (query, index) => {
    const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query}`).bind(...Array.from({ length: (query.match(/\?/g) ?? []).length }, () => 'x')).all<{ detail: string }>();
    const plan = rows.results.map((r) => r.detail).join(' | ');
    expect(plan).toContain(index);
    expect(plan).not.toMatch(/SCAN (events|portal_)\b(?! USING)/);
  });
});
