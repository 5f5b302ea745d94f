// Keys, isolation between projects, and hostile input that must never cause a 500.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createProject } from '../../src/projects/store';
import { createKey, listKeys, revokeKey } from '../../src/projects/keys-store';
import { FLUSH_DELAY_MS } from '../../src/usage/buffer';
import { auditLogBody, call, DEMO_KEY, legacyEvent, page, signIn } from './helpers';

describe('API keys', () => {
  it.each([
    ['no header', null, undefined],
    ['wrong scheme', null, { authorization: 'Basic c2s6' }],
    ['malformed key', 'not-a-key', undefined],
    ['well-formed unknown key', 'sk_test_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', undefined],
    ['live prefix unknown key', 'sk_live_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', undefined],
  ])('answers 401 JSON for %s', async (_name, key, headers) => {
    for (const [method, path] of [['GET', '/events'], ['POST', '/events'], ['POST', '/audit_logs/events'], ['GET', '/audit_logs/events']]) {
      const r = await call(method, path, { key, headers, body: method === 'POST' ? legacyEvent() : undefined });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('Unauthorized') });
    }
  });

  it('stores only hashes; a created key works, shows its last four, and stops working when revoked', async () => {
    const project = await createProject(env.KV, { name: 'Keys test', now: Date.now() });
    const { plain, key } = await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'ci', now: Date.now() });
    expect(plain).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    expect(key.last4).toBe(plain.slice(-4));
    const stored = await env.KV.list();
    for (const k of stored.keys) {
      expect(k.name).not.toContain(plain);
      expect((await env.KV.get(k.name)) ?? '').not.toContain(plain);
      expect(JSON.stringify(k.metadata ?? {})).not.toContain(plain);
    }
    expect((await call('GET', '/events', { key: plain })).status).toBe(200);
    await revokeKey(env.KV, { projectId: project.id, keyId: key.id, now: Date.now() });
    expect((await listKeys(env.KV, project.id))[0].revoked_at).not.toBeNull();
    expect((await call('GET', '/events', { key: plain })).status).toBe(401);
  });

  it('cannot revoke another project\'s key', async () => {
    const a = await createProject(env.KV, { name: 'A', now: Date.now() });
    const b = await createProject(env.KV, { name: 'B', now: Date.now() });
    const { key } = await createKey(env.KV, { projectId: a.id, mode: 'test', name: 'a', now: Date.now() });
    await expect(revokeKey(env.KV, { projectId: b.id, keyId: key.id, now: Date.now() })).rejects.toThrow(/No such key/);
  });
});

describe('project isolation', () => {
  it('never shows one project\'s events to another project\'s key', async () => {
    const secret = await call('POST', '/events', { body: legacyEvent({ group: 'iso-secret', actor_name: 'Isolde Secret' }) });
    const id = secret.body.id;
    expect((await call('GET', `/events/${id}`, { key: DEMO_KEY })).status).toBe(404);
    expect((await call('GET', `/audit_logs/events/${id}`, { key: DEMO_KEY })).status).toBe(404);
    for (const qs of ['group=iso-secret', 'search=Isolde', `search=${id}`, 'limit=100']) {
      const r = await call('GET', `/events?${qs}`, { key: DEMO_KEY });
      expect(r.body.data.map((e: { id: string }) => e.id)).not.toContain(id);
    }
    expect((await call('GET', `/events?after=${id}`, { key: DEMO_KEY })).status).toBe(422);
    const own = await call('GET', '/events?search=Isolde');
    expect(own.body.data.map((e: { id: string }) => e.id)).toContain(id);
  });
});

const HOSTILE_SEARCHES = [
  '"', '""', '"unclosed', "'", '*', '**', 'a*b', '-', '--', '-foo', 'NOT', 'AND', 'OR', 'NEAR(', 'NEAR(a b, 2)',
  'a OR', '(', ')', '((((', '^', 'col:val', 'ids:evt', '{ids email}: x', '+', '\\', '%', '_', '%_%', "'; DROP TABLE events; --",
  '\u0000', '\u0000abc', '\u202e\u202d', 'Zoë', 'ZOË', '😀', '👨‍👩‍👧', '中文', 'مرحبا', 'x'.repeat(10_000),
  'word '.repeat(2000), '<script>alert(1)</script>', 'evt_', 'evt_01', 'evt_01HZZZZZZZZZZZZZZZZZZZZZZZ',
  '   ', '\n\t',  'a\u0301', 'clarence@', '@example.com', '.', '...', 'user.', 'user.*',
];

describe('hostile input never causes a 500', () => {
  it.each(HOSTILE_SEARCHES.map((s) => [JSON.stringify(s).slice(0, 40), s]))('search %s', async (_label, s) => {
    for (const path of ['/events', '/audit_logs/events']) {
      const r = await call('GET', `${path}?search=${encodeURIComponent(s)}`);
      expect([200, 422]).toContain(r.status);
      expect(r.headers.get('content-type')).toContain('application/json');
    }
  });

  it('search with bytes that are not UTF-8', async () => {
    for (const qs of ['search=%ED%A0%80', 'search=%FF%FE', 'search=%', 'search=%E0%A4%A', 'group[=x', 'group]]=x', '[]=x']) {
      const r = await call('GET', `/events?${qs}`);
      expect([200, 422], qs).toContain(r.status);
    }
  });

  const HOSTILE_BODIES: [string, string][] = [
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"event"'],
    ['an array', '[]'],
    ['nested deeply', '['.repeat(5000) + ']'.repeat(5000)],
    ['proto key', JSON.stringify({ ...legacyEvent(), __proto__: { polluted: true } })],
    ['__proto__ in metadata', `{"group":"g","location":"l","action":"a.b","action_type":"C","actor_name":"n","actor_id":"i","target_name":"t","target_id":"","occurred_at":"2026-01-01T00:00:00Z","metadata":{"__proto__":{"x":1}}}`],
    ['constructor in metadata', JSON.stringify(legacyEvent({ metadata: { constructor: 'x', __proto__x: 'y' } }))],
    ['huge number', JSON.stringify(legacyEvent({ metadata: { n: 1e308 } }))],
    ['html everywhere', JSON.stringify(legacyEvent({ actor_name: '<img src=x onerror=alert(1)>', group: '<script>' }))],
    ['lone surrogates', '{"group":"\\ud800"}'],
    ['NUL bytes', JSON.stringify(legacyEvent({ actor_name: 'a\u0000b' }))],
    ['duplicate keys', '{"group":"a","group":"b"}'],
  ];

  it.each(HOSTILE_BODIES)('POST body: %s', async (_name, raw) => {
    for (const path of ['/events', '/audit_logs/events', '/events/batch', '/audit_logs/events/batch']) {
      const r = await call('POST', path, { rawBody: raw });
      expect(r.status, `${path}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
      if (r.status >= 400) expect(r.body?.message, path).toBeTypeOf('string');
      else expect(r.body?.success, path).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps __proto__ as a plain metadata key', async () => {
    const body = auditLogBody({ metadata: JSON.parse('{"__proto__": "plain", "ok": 1}') }, 'org_proto');
    const r = await call('POST', '/audit_logs/events', { rawBody: JSON.stringify(body) });
    expect(r.status, r.text).toBe(200);
    const back = await call('GET', `/audit_logs/events/${r.body.id}`);
    expect(Object.keys(back.body.metadata).sort()).toEqual(['__proto__', 'ok']);
  });
});

/** Counts are written in the background within FLUSH_DELAY_MS: wait out any window still open. */
const settle = () => new Promise((r) => setTimeout(r, 2 * FLUSH_DELAY_MS + 300));

/** Polls until `read` gives `expected` (or 5 s pass), then returns what it read last. */
async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 5000;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

describe('usage counting', () => {
  it('loses no read counts under 40 concurrent reads, and writes them in few batches', async () => {
    await settle();
    const sum = async () => (await env.DB.prepare("SELECT coalesce(sum(requests), 0) AS r FROM usage_daily WHERE project_id = 'proj_demo' AND endpoint = 'GET /events'").first<{ r: number }>())!.r;
    const before = await sum();
    await Promise.all(Array.from({ length: 40 }, () => call('GET', '/events?limit=1', { key: DEMO_KEY })));
    expect(await eventually(async () => (await sum()) - before, 40)).toBe(40);
  });

  it('counts each API request once, and ingest counts its events', async () => {
    await settle();
    const before = await env.DB.prepare("SELECT coalesce(sum(requests), 0) AS r, coalesce(sum(events), 0) AS e FROM usage_daily WHERE project_id = 'proj_default'").first<{ r: number; e: number }>();
    await call('POST', '/events', { body: legacyEvent({ group: 'usage-1' }) });
    await call('GET', '/events?group=usage-1');
    await call('POST', '/events/batch', { body: { events: [legacyEvent(), legacyEvent()] } });
    const read = async () => {
      const after = await env.DB.prepare("SELECT coalesce(sum(requests), 0) AS r, coalesce(sum(events), 0) AS e FROM usage_daily WHERE project_id = 'proj_default'").first<{ r: number; e: number }>();
      return { requests: after!.r - before!.r, events: after!.e - before!.e };
    };
    expect(await eventually(read, { requests: 3, events: 3 })).toEqual({ requests: 3, events: 3 });
  });

  it('loses no counts under concurrent requests, and a replay counts no events', async () => {
    await settle();
    const sum = async () => (await env.DB.prepare("SELECT coalesce(sum(requests), 0) AS r, coalesce(sum(events), 0) AS e FROM usage_daily WHERE project_id = 'proj_demo'").first<{ r: number; e: number }>())!;
    const before = await sum();
    const body = legacyEvent({ group: 'usage-2' });
    await Promise.all(Array.from({ length: 25 }, (_, i) => call('POST', '/events', { key: DEMO_KEY, body: i < 20 ? legacyEvent({ group: 'usage-2' }) : body, headers: i < 20 ? {} : { 'Idempotency-Key': 'same' } })));
    const delta = async () => {
      const after = await sum();
      return { requests: after.r - before.r, events: after.e - before.e };
    };
    expect(await eventually(delta, { requests: 25, events: 21 })).toEqual({ requests: 25, events: 21 });
  });
});

describe('each API key\'s own counter', () => {
  it('counts requests per key and its last use (revoked keys too), shown on the keys page', async () => {
    const project = await createProject(env.KV, { name: 'Key usage', now: Date.now() });
    const a = await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'a', now: Date.now() });
    const b = await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'b', now: Date.now() });
    const started = Date.now();
    await Promise.all(Array.from({ length: 7 }, () => call('GET', '/events?limit=1', { key: a.plain })));
    await call('POST', '/events', { key: b.plain, body: legacyEvent() });
    await revokeKey(env.KV, { projectId: project.id, keyId: b.key.id, now: Date.now() });
    expect((await call('GET', '/events', { key: b.plain })).status).toBe(401);
    const read = async () => {
      const { results } = await env.DB.prepare('SELECT key_id, requests, last_used_at FROM usage_keys WHERE project_id = ? ORDER BY key_id')
        .bind(project.id)
        .all<{ key_id: string; requests: number; last_used_at: number }>();
      return Object.fromEntries(results.map((r) => [r.key_id, r.requests]));
    };
    const expected = { [a.key.id]: 7, [b.key.id]: 2 };
    expect(await eventually(read, expected)).toEqual(expected);
    const last = await env.DB.prepare('SELECT min(last_used_at) AS m FROM usage_keys WHERE project_id = ?').bind(project.id).first<{ m: number }>();
    expect(last!.m).toBeGreaterThanOrEqual(started);
    // No other project's key counter moved with these requests.
    const foreign = await env.DB.prepare('SELECT count(*) AS n FROM usage_keys WHERE key_id IN (?, ?) AND project_id != ?').bind(a.key.id, b.key.id, project.id).first<{ n: number }>();
    expect(foreign!.n).toBe(0);

    const { cookie } = await signIn({ client: '198.51.100.61', csrfFrom: `/projects/${project.id}/keys` });
    const html = await (await page(`/projects/${project.id}/keys`, { headers: { cookie } })).text();
    const row = (id: string) => new RegExp(`data-key-id="${id}"[\\s\\S]*?</tr>`).exec(html)![0];
    expect(row(a.key.id)).toMatch(/data-testid="key-requests"[^>]*>7</);
    expect(row(b.key.id)).toMatch(/data-testid="key-requests"[^>]*>2</);
    expect(row(a.key.id)).not.toContain('Never');
  });
});

describe('the usage page tells client errors from server errors', () => {
  it('shows 4xx and 5xx as two figures, and 4xx is not shown as a server failure', async () => {
    const project = await createProject(env.KV, { name: 'Error split', now: Date.now() });
    const k = await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'k', now: Date.now() });
    await call('GET', '/events?limit=1', { key: k.plain });
    await call('GET', '/events?limit=999999', { key: k.plain });
    const sum = async () => (await env.DB.prepare('SELECT coalesce(sum(requests), 0) AS r FROM usage_daily WHERE project_id = ?').bind(project.id).first<{ r: number }>())!.r;
    expect(await eventually(sum, 2)).toBe(2);
    const { cookie } = await signIn({ client: '198.51.100.62', csrfFrom: `/projects/${project.id}/keys` });
    const html = await (await page(`/projects/${project.id}/usage`, { headers: { cookie } })).text();
    expect(html).toMatch(/data-testid="client-errors">50\.0%</);
    expect(html).toMatch(/class="stat-value " data-testid="server-errors">0\.0%</);
    expect(html).toContain('client errors (4xx)');
  });
});
