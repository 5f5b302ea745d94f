// Findings of the hostile review, each as an attack through the real Worker: `next` values that
// would make an invalid or off-site Location, Organizations API bodies that used to lose data,
// the 403 naming what a route needs, and dashboard form bodies over the size cap.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { DEMO_KEY, ORIGIN, call, legacyEvent, page, postForm, signIn } from './helpers';

const NOW = Date.now();
const HOSTILE_NEXT = ['/\u0000', '/a\u0007b', '/\u007f', '//evil.example', '/\\evil.example', '/caf\u00e9'];

describe('next= never makes an invalid or off-site Location (#12)', () => {
  it('sign-in with a hostile next lands on / and still signs in', async () => {
    for (const [i, next] of HOSTILE_NEXT.entries()) {
      const s = await signIn({ client: `198.51.100.${120 + i}`, next });
      expect(s.response.headers.get('location'), JSON.stringify(next)).toBe('/');
    }
  });

  it('the signed-in /login GET and /preferences/time redirect to / for a hostile next', async () => {
    const s = await signIn({ client: '198.51.100.130' });
    for (const next of HOSTILE_NEXT) {
      const login = await page(`/login?next=${encodeURIComponent(next)}`, { headers: { cookie: s.cookie } });
      expect(login.status, JSON.stringify(next)).toBe(303);
      expect(login.headers.get('location')).toBe('/');
      const time = await postForm(s, '/preferences/time', { show: 'utc', next });
      expect(time.status, JSON.stringify(next)).toBe(303);
      expect(time.headers.get('location')).toBe('/');
    }
    const fine = await postForm(s, '/preferences/time', { show: 'utc', next: '/projects/proj_demo/events?q=a%20b' });
    expect(fine.headers.get('location')).toBe('/projects/proj_demo/events?q=a%20b');
  });

  it('the signed-out login page keeps only a safe next in its hidden field', async () => {
    const html = await (await page('/login?next=%2F%00')).text();
    expect(html).toMatch(/name="next" value="\/"/);
  });
});

describe('Organizations API keeps what it accepts (#15)', () => {
  let key: string;
  beforeAll(async () => {
    const project = await createProject(env.KV, { name: 'Harden orgs', now: NOW });
    key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'k', now: NOW })).plain;
  });

  it('keeps a metadata key named __proto__ (create, read back, update)', async () => {
    const created = await call('POST', '/organizations', { key, rawBody: '{"name":"P","metadata":{"__proto__":"x","constructor":"y"}}', headers: { 'content-type': 'application/json' } });
    expect(created.status, created.text).toBe(201);
    expect(created.text).toContain('"__proto__":"x"');
    expect(Object.entries(created.body.metadata)).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    const read = await call('GET', `/organizations/${created.body.id}`, { key });
    expect(Object.entries(read.body.metadata)).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    const updated = await call('PUT', `/organizations/${created.body.id}`, { key, rawBody: '{"metadata":{"__proto__":"z"}}', headers: { 'content-type': 'application/json' } });
    expect(updated.status, updated.text).toBe(200);
    expect(Object.entries(updated.body.metadata)).toEqual([['__proto__', 'z']]);
  });

  it('refuses domains listed twice in different case, naming the entry', async () => {
    const data = await call('POST', '/organizations', { key, body: { name: 'D', domain_data: [{ domain: 'a.com', state: 'verified' }, { domain: 'A.com', state: 'pending' }] } });
    expect(data.status, data.text).toBe(422);
    expect(data.body.errors.map((e: { field: string }) => e.field)).toEqual(['domain_data[1].domain']);
    const plain = await call('POST', '/organizations', { key, body: { name: 'D', domains: ['b.com', 'B.COM'] } });
    expect(plain.status, plain.text).toBe(422);
    expect(plain.body.errors.map((e: { field: string }) => e.field)).toEqual(['domains[1]']);
  });

  it('refuses domains and domain_data together, on create and on update', async () => {
    const both = { domains: ['c.com'], domain_data: [{ domain: 'd.com', state: 'pending' }] };
    const create = await call('POST', '/organizations', { key, body: { name: 'B', ...both } });
    expect(create.status, create.text).toBe(422);
    expect(create.body.errors.map((e: { field: string }) => e.field)).toEqual(['domains']);
    const org = await call('POST', '/organizations', { key, body: { name: 'B', domains: ['c.com'] } });
    const update = await call('PUT', `/organizations/${org.body.id}`, { key, body: both });
    expect(update.status, update.text).toBe(422);
    const after = await call('GET', `/organizations/${org.body.id}`, { key });
    expect(after.body.domains.map((d: { domain: string }) => d.domain)).toEqual(['c.com']);
  });
});

describe('a 403 names what the route needed the scope for (#17)', () => {
  it('organizations, schemas and events each name their own use', async () => {
    const project = await createProject(env.KV, { name: 'Harden scopes', now: NOW });
    const readOnly = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'r', now: NOW, scopes: ['read'] })).plain;
    const org = await call('POST', '/organizations', { key: readOnly, body: { name: 'x' } });
    expect(org.status).toBe(403);
    expect(org.body.message).toContain('needed to change organizations');
    const schema = await call('POST', '/audit_logs/actions/a.b/schemas', { key: readOnly, body: { targets: [{ type: 't' }] } });
    expect(schema.status).toBe(403);
    expect(schema.body.message).toContain('needed to change action schemas');
    const writeOnly = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'w', now: NOW, scopes: ['write'] })).plain;
    const made = await call('POST', '/organizations', { key: writeOnly, body: { name: 'y' } });
    expect(made.status, made.text).toBe(201);
    const del = await call('DELETE', `/organizations/${made.body.id}`, { key: writeOnly });
    expect(del.status).toBe(403);
    expect(del.body.message).toContain('needed to delete an organization or change its retention');
    const event = await call('POST', '/events', { key: readOnly, body: {} });
    expect(event.status).toBe(403);
    expect(event.body.message).toContain('needed to send events');
  });
});

describe('the timeline never draws more than 60 bars, with true labels (#7)', () => {
  const bars = (html: string) => [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) expect((await call('POST', '/events', { key: DEMO_KEY, body: legacyEvent() })).status).toBe(201);
  });

  it('From 0001 To 9999 draws at most 60 bars, each labelled start before end within 1970–2200', async () => {
    const s = await signIn({ client: '198.51.100.140' });
    const res = await page('/projects/proj_demo/events/timeline?from=0001-01-01T00:00&to=9999-12-31T23:59', { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const titles = bars(html);
    expect(titles.length).toBeGreaterThan(1);
    expect(titles.length).toBeLessThanOrEqual(60);
    expect((html.match(/data-bar=/g) ?? []).length).toBe(titles.length);
    for (const t of titles) {
      const [from, to] = t.split(':')[0].split(' – ');
      expect(from < to, t).toBe(true);
      expect(Number(from.slice(0, 4)), t).toBeGreaterThanOrEqual(1970);
      expect(Number(to.slice(0, 4)), t).toBeLessThanOrEqual(2205);
    }
  });

  it('a range not aligned to its bar width still draws at most 60 bars', async () => {
    const s = await signIn({ client: '198.51.100.141' });
    for (const [from, to] of [['2026-01-01T10:01', '2026-01-01T15:01'], ['2026-01-01T11:30', '2026-01-01T12:30'], ['1969-06-01T00:00', '2030-01-01T00:00']]) {
      const res = await page(`/projects/proj_demo/events/timeline?from=${from}&to=${to}`, { headers: { cookie: s.cookie } });
      const n = (await res.text()).match(/data-bar=/g)?.length ?? 0;
      expect(n, `${from}..${to}`).toBeGreaterThan(0);
      expect(n, `${from}..${to}`).toBeLessThanOrEqual(60);
    }
  });
});

describe('dashboard and viewer form bodies are capped at 64 KB (#9)', () => {
  const form = (bytes: number) => `password=x&next=%2F&pad=${'a'.repeat(bytes)}`;
  const streamed = (text: string) => {
    const bytes = new TextEncoder().encode(text);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
  };
  const headers = (client: string) => ({ 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'cf-connecting-ip': client });

  it('an anonymous /login over the cap is a 413 page, declared or streamed, and counts no attempt', async () => {
    const declared = await page('/login', { method: 'POST', headers: headers('198.51.100.150'), body: form(100_000) });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('64 KB');
    const stream = await page('/login', { method: 'POST', headers: headers('198.51.100.150'), body: streamed(form(200_000)), duplex: 'half' } as RequestInit);
    expect(stream.status).toBe(413);
    await stream.text();
    // Neither was a sign-in attempt: the address can still fail five times before it is throttled.
    for (let i = 0; i < 5; i++) expect((await page('/login', { method: 'POST', headers: headers('198.51.100.150'), body: form(10) })).status).toBe(401);
  });

  it('signed-in forms, invites, passkeys and the viewer are capped the same way; a form under the cap goes through', async () => {
    const s = await signIn({ client: '198.51.100.151' });
    const big = { cookie: s.cookie, ...headers('198.51.100.151') };
    for (const path of ['/preferences/time', '/login/passkey', '/invite/whatever', '/projects/proj_demo/viewer-settings', '/viewer/events', '/logout']) {
      const declared = await page(path, { method: 'POST', headers: big, body: `_csrf=${s.csrf}&${form(70_000)}` });
      expect(declared.status, path).toBe(413);
      const stream = await page(path, { method: 'POST', headers: big, body: streamed(`_csrf=${s.csrf}&${form(70_000)}`), duplex: 'half' } as RequestInit);
      expect(stream.status, `${path} streamed`).toBe(413);
    }
    const fits = await page('/preferences/time', { method: 'POST', headers: big, body: streamed(`_csrf=${s.csrf}&show=utc&next=%2Fmembers&pad=${'a'.repeat(60_000)}`), duplex: 'half' } as RequestInit);
    expect(fits.status).toBe(303);
    expect(fits.headers.get('location')).toBe('/members');
    // The session is intact: /logout was refused before it ran.
    expect((await page('/members', { headers: { cookie: s.cookie } })).status).toBe(200);
  });
});
