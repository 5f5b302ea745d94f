// Retries never write twice: Idempotency-Key for both generations, WorkOS's content
// dedupe for Audit Logs, concurrent retries, and the 24-hour window.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../src/index';
import { describe, expect, it } from 'vitest';
import { auditLogBody, call, legacyEvent } from './helpers';

const countGroup = async (group: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE organization_id = ?').bind(group).first<{ n: number }>())!.n;

describe('legacy Idempotency-Key', () => {
  it('returns the first answer and writes nothing on a retry (any header case)', async () => {
    const body = legacyEvent({ group: 'idem-1' });
    const a = await call('POST', '/events', { body, headers: { 'Idempotency-Key': 'k-1' } });
    const b = await call('POST', '/events', { body, headers: { 'idempotency-key': 'k-1' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await countGroup('idem-1')).toBe(1);
  });

  it('refuses the same key with another body (409) and writes nothing', async () => {
    await call('POST', '/events', { body: legacyEvent({ group: 'idem-2' }), headers: { 'Idempotency-Key': 'k-2' } });
    const r = await call('POST', '/events', { body: legacyEvent({ group: 'idem-2' }), headers: { 'Idempotency-Key': 'k-2' } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('idempotency_key_reused');
    expect(await countGroup('idem-2')).toBe(1);
  });

  it('writes once under 20 concurrent retries with one key', async () => {
    const body = legacyEvent({ group: 'idem-3' });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/events', { body, headers: { 'Idempotency-Key': 'k-3' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await countGroup('idem-3')).toBe(1);
  });

  it('scopes keys to the project: another project may use the same key', async () => {
    const { DEMO_KEY } = await import('./helpers');
    await call('POST', '/events', { body: legacyEvent({ group: 'idem-4' }), headers: { 'Idempotency-Key': 'shared' } });
    const r = await call('POST', '/events', {
      key: DEMO_KEY,
      body: legacyEvent({ group: 'idem-4' }),
      headers: { 'Idempotency-Key': 'shared' },
    });
    expect(r.status).toBe(201);
    expect(await countGroup('idem-4')).toBe(2);
  });

  it('refuses an over-long key with a 400', async () => {
    const r = await call('POST', '/events', { body: legacyEvent(), headers: { 'Idempotency-Key': 'k'.repeat(256) } });
    expect(r.status).toBe(400);
  });

  it('forgets a key after 24 hours, and the hourly job deletes expired records', async () => {
    const body = legacyEvent({ group: 'idem-5' });
    await call('POST', '/events', { body, headers: { 'Idempotency-Key': 'k-5' } });
    await env.DB.prepare('UPDATE idempotency_keys SET created_at = created_at - 86400001').run();
    const r = await call('POST', '/events', { body, headers: { 'Idempotency-Key': 'k-5' } });
    expect(r.status).toBe(201);
    expect(r.headers.get('idempotent-replayed')).toBeNull();
    expect(await countGroup('idem-5')).toBe(2);

    await env.DB.prepare('UPDATE idempotency_keys SET created_at = created_at - 86400001').run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    const left = await env.DB.prepare('SELECT count(*) AS n FROM idempotency_keys').first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});

describe('Audit Logs dedupe (WorkOS semantics)', () => {
  it('dedupes a retry with the same key and event', async () => {
    const body = auditLogBody({}, 'org_idem_6');
    const headers = { 'Idempotency-Key': 'workos-node-5a7b' };
    const a = await call('POST', '/audit_logs/events', { body, headers });
    const b = await call('POST', '/audit_logs/events', { body, headers });
    expect(b.body).toEqual(a.body);
    expect(await countGroup('org_idem_6')).toBe(1);
  });

  it('treats the same key with different content as a different event (key + content hash)', async () => {
    const headers = { 'Idempotency-Key': 'k-7' };
    await call('POST', '/audit_logs/events', { body: auditLogBody({}, 'org_idem_7'), headers });
    await call('POST', '/audit_logs/events', { body: auditLogBody({}, 'org_idem_7'), headers });
    expect(await countGroup('org_idem_7')).toBe(2);
  });

  it('dedupes identical content sent without a key', async () => {
    const body = auditLogBody({}, 'org_idem_8');
    await call('POST', '/audit_logs/events', { body });
    await call('POST', '/audit_logs/events', { body });
    expect(await countGroup('org_idem_8')).toBe(1);
  });

  it('dedupes a whole batch by its key', async () => {
    const body = { events: [auditLogBody({}, 'org_idem_9'), auditLogBody({}, 'org_idem_9')] };
    const headers = { 'Idempotency-Key': 'batch-9' };
    const answers = await Promise.all([1, 2, 3].map(() => call('POST', '/audit_logs/events/batch', { body, headers })));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(await countGroup('org_idem_9')).toBe(2);
  });
});
