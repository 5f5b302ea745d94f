// Defects a hostile test found (issue: hardening), each pinned by a test that failed
// before its fix: what was sent, and what must happen instead.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditLogBody, call, legacyEvent, page, signIn } from './helpers';

const signedIn = async () => (await signIn({ client: '198.51.100.77' })).cookie;

describe('years 0070 to 0099 are not read as 1970 to 1999', () => {
  it('an event dated 0075 is refused as before 1970, not stored as 1975', async () => {
    const r = await call('POST', '/events', { body: legacyEvent({ occurred_at: '0075-06-01T00:00:00Z' }) });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.errors)).toContain('before 1970');
  });

  it('a filter dated 0099 means the year 99', async () => {
    const r = await call('GET', `/events?occurred_at_lt=${encodeURIComponent('0099-01-01T00:00:00Z')}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toEqual([]);
  });
});

describe('text that is not well-formed Unicode is refused, not half-stored', () => {
  it.each([
    ['legacy actor_id', '/events', () => legacyEvent({ actor_id: 'user_\ud800' })],
    ['audit logs actor id', '/audit_logs/events', () => auditLogBody({ actor: { id: 'user_\udc00x', type: 'user' } })],
    ['metadata value', '/events', () => legacyEvent({ metadata: { note: 'a\ud83d' } })],
  ])('%s with a lone surrogate: a 4xx naming the field', async (_name, path, body) => {
    const r = await call('POST', path, { body: body() });
    expect([400, 422]).toContain(r.status);
    expect(r.text).toMatch(/Unicode/);
  });
});

describe('a body nested deeper than anything valid is refused before it costs anything', () => {
  // 100,000 levels: JSON.parse takes it; serialising it item by item used to take seconds (quadratic).
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  it.each([
    ['a batch item\'s metadata', '/audit_logs/events/batch', `{"events":[{"organization_id":"o","event":{"action":"a.b","occurred_at":"2026-11-26T10:00:00Z","actor":{"id":"x","type":"u"},"targets":[],"context":{"location":"1"},"metadata":${deep(100_000)}}}]}`, 'events[0].event.metadata'],
    ['a legacy event\'s metadata', '/events', `{"group":"g","action":"a.b","action_type":"r","actor_name":"A","actor_id":"a","target_name":"t","target_id":"t","location":"1.1.1.1","occurred_at":"2026-11-26T10:00:00Z","metadata":${deep(100_000)}}`, 'metadata'],
  ])('%s: a 4xx naming where, and nothing stored', async (_name, path, raw, field) => {
    const r = await call('POST', path, { rawBody: raw });
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.text).toContain(field);
    expect(r.text).toContain('nests deeper than 32 levels');
  });
  it('32 levels of nesting are still read (the limit is far above any valid body)', async () => {
    const r = await call('POST', '/audit_logs/events', { rawBody: `{"organization_id":"o","event":{"action":"a.b","occurred_at":"2026-11-26T10:00:00Z","actor":{"id":"x","type":"u"},"targets":[],"context":{"location":"1"},"metadata":{"v":${deep(20)}}}}` });
    // Refused for its shape (metadata values are scalars), not for its depth.
    expect(r.status).toBe(400);
    expect(r.text).not.toContain('nests deeper');
  });
});

describe('array filters take as many values as documented', () => {
  it('100 values in each of three filters: 200, not a 500', async () => {
    const values = (name: string) => Array.from({ length: 100 }, (_, i) => `${name}=v${i}`).join('&');
    const r = await call('GET', `/events?${values('group')}&${values('actor_id')}&${values('target_id')}`);
    expect(r.status, r.text).toBe(200);
  });
});

describe('an event too large for one database row', () => {
  it('is refused with a 413 naming the event, before anything is written', async () => {
    const meta = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, '"'.repeat(500)]));
    const targets = Array.from({ length: 40 }, (_, i) => ({ id: `t${i}`, type: 'thing', metadata: meta }));
    const big = auditLogBody({ targets, metadata: meta, actor: { id: 'user_big', type: 'user', metadata: meta } });
    const small = auditLogBody({ actor: { id: 'user_small_before_big', type: 'user' } });
    const r = await call('POST', '/audit_logs/events/batch', { body: { events: [small, big] } });
    expect(r.status, r.text.slice(0, 300)).toBe(413);
    expect(r.text).toContain('events[1]');
    const listed = await call('GET', '/audit_logs/events?actor_ids=user_small_before_big');
    expect(listed.body.data).toEqual([]);
  });
});

describe('dashboard paths and headers that once answered 500', () => {
  it('a relative Referer on an event page', async () => {
    const cookie = await signedIn();
    const r = await call('POST', '/events', { body: legacyEvent(), key: 'sk_test_DemoDemoDemoDemoDemoDemoDemo0002' });
    const res = await page(`/projects/proj_demo/events/${r.body.id}`, { headers: { cookie, referer: '/projects/proj_demo/events?q=x' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('href="/projects/proj_demo/events?q=x"');
  });

  it.each(['%0a', '%0d', '%00', '%0d%0aSet-Cookie:%20x=1'])('/projects/%s is a 404 page', async (bad) => {
    const cookie = await signedIn();
    for (const path of [`/projects/${bad}`, `/projects/${bad}/events`, `/projects/${bad}/keys`]) {
      const res = await page(path, { headers: { cookie } });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
  });
});

describe('usage counts every request, whatever its path', () => {
  it('unknown paths count under one name, and the page shows exact totals', async () => {
    for (let i = 0; i < 5; i++) await call('GET', `/audit_logs/nowhere-${i}`);
    const { results } = await env.DB.prepare("SELECT endpoint, requests FROM usage_daily WHERE project_id = 'proj_default' AND endpoint LIKE '%nowhere%'").all();
    await new Promise((r) => setTimeout(r, 700));
    const after = await env.DB.prepare("SELECT endpoint, sum(requests) AS n FROM usage_daily WHERE project_id = 'proj_default' AND status_class = '4xx' AND endpoint NOT LIKE '%/events%' GROUP BY endpoint").all();
    expect(results).toEqual([]);
    expect(after.results).toEqual([{ endpoint: 'GET (unknown path)', n: 5 }]);
  });
});

describe('a present field of the wrong type is "invalid", not "required"', () => {
  it('POST /portal/generate_link', async () => {
    const r = await call('POST', '/portal/generate_link', { body: { organization: 5, intent: 'audit_logs', return_url: 7 } });
    expect(r.status).toBe(422);
    const errors = r.body.errors as { field: string; code: string; message: string }[];
    expect(errors.find((e) => e.field === 'organization')).toMatchObject({ code: 'invalid', message: 'organization must be a string' });
    expect(errors.find((e) => e.field === 'return_url')?.code).toBe('invalid');
    const missing = await call('POST', '/portal/generate_link', { body: { intent: 'audit_logs' } });
    expect((missing.body.errors as { field: string; code: string }[]).find((e) => e.field === 'organization')?.code).toBe('required');
  });
});

describe('a key given twice in an event', () => {
  it('is read one way everywhere: the detail, the filters and the search agree (the last value, as JSON.parse reads it)', async () => {
    const raw = '{"group":"dupg","location":"1.1.1.1","action":"doc.read","action_type":"r","actor_name":"Alice","actor_id":"alice","target_name":"Public doc","target_id":"doc_public_dup","target_id":"doc_secret_dup","occurred_at":"2026-11-26T12:00:00Z","location":"6.6.6.6"}';
    const made = await call('POST', '/events', { rawBody: raw });
    expect(made.status, made.text).toBe(201);
    const id = made.body.id as string;
    expect((await call('GET', `/events/${id}`)).body).toMatchObject({ target_id: 'doc_secret_dup', location: '6.6.6.6' });
    expect((await call('GET', '/events?target_id=doc_secret_dup')).body.data.map((e: { id: string }) => e.id)).toEqual([id]);
    expect((await call('GET', '/events?target_id=doc_public_dup')).body.data).toEqual([]);
    expect((await call('GET', '/audit_logs/events?target_ids=doc_secret_dup')).body.data.map((e: { id: string }) => e.id)).toEqual([id]);
  });
});

describe('org: in the search language means that organization exactly', () => {
  it('ids that fold to the same words stay apart; org:word* still searches the words', async () => {
    const orgs = ['acme_corp_q', 'acme-corp-q', 'AcmeCorpQ', 'ACME.CORP.Q'];
    for (const org of orgs) {
      expect((await call('POST', '/audit_logs/events', { body: auditLogBody({ action: 'doc.read' }, org) })).status).toBe(200);
    }
    const ids = async (search: string) =>
      ((await call('GET', `/audit_logs/events?search=${encodeURIComponent(search)}&limit=100`)).body.data as { organization_id: string }[]).map((e) => e.organization_id);
    expect(await ids('org:acme_corp_q')).toEqual(['acme_corp_q']);
    expect(await ids('organization:ACME.CORP.Q')).toEqual(['ACME.CORP.Q']);
    expect(new Set(await ids('-org:acme_corp_q doc.read')).has('acme_corp_q')).toBe(false);
    // A word prefix of the id is still a way to search: every id with a word that starts so.
    expect(new Set(await ids('org:acme*'))).toEqual(new Set(orgs));
  });
});
