// Least privilege: key scopes (write, read), expiry, and rotation with overlap, through
// the real runtime; and the dashboard forms that make them.
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src/projects/store';
import { createKey, rotateKey, lookupKey } from '../../src/projects/keys-store';
import { auditLogBody, call, type DashboardSession, legacyEvent, page, postForm, signIn } from './helpers';

const NOW = Date.now();
let projectId: string;

beforeAll(async () => {
  projectId = (await createProject(env.KV, { name: 'Least privilege', now: NOW })).id;
});

const key = async (input: Partial<Parameters<typeof createKey>[1]> = {}) =>
  (await createKey(env.KV, { projectId, mode: 'test', name: 'k', now: NOW, ...input })).plain;

describe('scopes', () => {
  it('a write-only key sends events in both shapes and gets a 403 naming the read scope when it reads', async () => {
    const writer = await key({ scopes: ['write'] });
    expect((await call('POST', '/events', { key: writer, body: legacyEvent() })).status).toBe(201);
    expect((await call('POST', '/audit_logs/events', { key: writer, body: auditLogBody() })).status).toBe(200);
    expect((await call('POST', '/events/batch', { key: writer, body: { events: [legacyEvent()] } })).status).toBe(201);
    for (const path of ['/events', '/audit_logs/events', '/events/evt_01J9ZZZZZZZZZZZZZZZZZZZZZZ']) {
      const r = await call('GET', path, { key: writer });
      expect(r.status, path).toBe(403);
      expect(r.body.code).toBe('forbidden');
      expect(r.body.message).toMatch(/read scope/);
    }
  });

  it('a read-only key reads and gets a 403 naming the write scope when it sends', async () => {
    const reader = await key({ scopes: ['read'] });
    expect((await call('GET', '/events', { key: reader })).status).toBe(200);
    const r = await call('POST', '/audit_logs/events', { key: reader, body: auditLogBody() });
    expect(r.status).toBe(403);
    expect(r.body.message).toMatch(/write scope/);
  });

  it('keys made before scopes existed keep both', async () => {
    const plain = await key();
    const record = (await lookupKey(env.KV, plain))!;
    const { scopes: _scopes, expires_at: _e, ...legacyRecord } = record;
    await env.KV.put(`apikey:${record.hash}`, JSON.stringify(legacyRecord));
    expect((await lookupKey(env.KV, plain, NOW + 3_600_000))?.scopes).toBeUndefined();
    expect((await call('GET', '/events', { key: plain })).status).toBe(200);
  });
});

describe('expiry and rotation', () => {
  it('an expired key is a 401 that says when it expired', async () => {
    const plain = await key({ expiresAt: NOW - 1000 });
    const r = await call('GET', '/events', { key: plain });
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/expired at/);
  });

  it('rotation: the new key has the same scopes; the old one works until the overlap ends, then stops', async () => {
    const oldPlain = await key({ scopes: ['write'], name: 'backend' });
    const oldRecord = (await lookupKey(env.KV, oldPlain))!;
    const rotated = await rotateKey(env.KV, { projectId, keyId: oldRecord.id, mode: 'test', overlapMs: 3_600_000, now: NOW });
    expect(rotated.key.scopes).toEqual(['write']);
    expect(rotated.key.name).toBe('backend');
    expect(rotated.old.expires_at).toBe(NOW + 3_600_000);
    expect(rotated.old.replaced_by).toBe(rotated.key.id);
    expect((await call('POST', '/events', { key: oldPlain, body: legacyEvent() })).status).toBe(201);
    expect((await call('POST', '/events', { key: rotated.plain, body: legacyEvent() })).status).toBe(201);
    const zero = await rotateKey(env.KV, { projectId, keyId: rotated.key.id, mode: 'test', overlapMs: 0, now: Date.now() });
    expect((await call('POST', '/events', { key: rotated.plain, body: legacyEvent() })).status).toBe(401);
    expect((await call('POST', '/events', { key: zero.plain, body: legacyEvent() })).status).toBe(201);
  });

  it('refuses overlaps outside 0 to 30 days, and keys of another project', async () => {
    const plain = await key();
    const id = (await lookupKey(env.KV, plain))!.id;
    await expect(rotateKey(env.KV, { projectId, keyId: id, mode: 'test', overlapMs: -1, now: NOW })).rejects.toThrow(/overlap/);
    await expect(rotateKey(env.KV, { projectId, keyId: id, mode: 'test', overlapMs: 31 * 86_400_000, now: NOW })).rejects.toThrow(/overlap/);
    await expect(rotateKey(env.KV, { projectId: 'proj_demo', keyId: id, mode: 'test', overlapMs: 0, now: NOW })).rejects.toThrow(/No such key/);
  });
});

describe('the keys page', () => {
  let session: DashboardSession;
  let cookie: string;

  beforeAll(async () => {
    session = await signIn({ client: '198.51.100.88', csrfFrom: `/projects/${projectId}/keys` });
    cookie = session.cookie;
  });

  const post = (path: string, form: Record<string, string | string[]>) => postForm(session, path, form);

  it('creates a read-only key that expires in 30 days, and shows its scope', async () => {
    const res = await post(`/projects/${projectId}/keys`, { name: 'Reporting', scope_choice: '1', scopes: 'read', expires_in_days: '30' });
    expect(res.status).toBe(303);
    const flash = res.headers.get('set-cookie')!.split(';')[0];
    const html = await (await page(`/projects/${projectId}/keys`, { headers: { cookie: `${cookie}; ${flash}` } })).text();
    const plain = /data-testid="new-key-value">([^<]+)</.exec(html)![1];
    const record = (await lookupKey(env.KV, plain))!;
    expect(record.scopes).toEqual(['read']);
    expect(record.expires_at! - record.created_at).toBe(30 * 86_400_000);
    expect(html).toContain('>read<');
  });

  it('refuses a key with no scope, and an expiry it does not offer', async () => {
    expect((await post(`/projects/${projectId}/keys`, { name: 'none', scope_choice: '1' })).status).toBe(422);
    expect((await post(`/projects/${projectId}/keys`, { name: 'odd', scope_choice: '1', scopes: ['read', 'write'], expires_in_days: '7' })).status).toBe(422);
  });

  it('rotates a key from the page', async () => {
    const plain = await key({ name: 'to rotate' });
    const id = (await lookupKey(env.KV, plain))!.id;
    const res = await post(`/projects/${projectId}/keys/${id}/rotate`, { overlap_hours: '24' });
    expect(res.status).toBe(303);
    const old = (await lookupKey(env.KV, plain, Date.now() + 60_000))!;
    expect(old.replaced_by).toMatch(/^key_/);
    expect(old.expires_at).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });
});
