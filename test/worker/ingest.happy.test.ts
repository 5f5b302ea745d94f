// Creating events through both wire shapes, one at a time and in batches.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { auditLogBody, call, legacyEvent, storedRaw } from './helpers';

const count = async (where = '1 = 1') =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM events WHERE ${where}`).first<{ n: number }>())!.n;

describe('POST /events (legacy)', () => {
  it('answers 201 {success: true} with the new id, JSON and a request id', async () => {
    const r = await call('POST', '/events', { body: legacyEvent({ group: 'happy-1' }) });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ success: true, id: expect.stringMatching(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/) });
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('reads back in the exact legacy shape', async () => {
    const sent = legacyEvent({ group: 'happy-2', metadata: { plan: 'pro', seats: 12, sso: true } });
    const { body } = await call('POST', '/events', { body: sent });
    const r = await call('GET', `/events/${body.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      object: 'event',
      id: body.id,
      group: 'happy-2',
      location: sent.location,
      latitude: null,
      longitude: null,
      type: 'r',
      event_type: 'r',
      actor_name: sent.actor_name,
      actor_id: sent.actor_id,
      target_name: sent.target_name,
      target_id: sent.target_id,
      metadata: { plan: 'pro', seats: 12, sso: true },
      occurred_at: sent.occurred_at,
      action: { object: 'event_action', id: expect.stringMatching(/^evt_action_[0-9A-Z]{26}$/), name: sent.action },
    });
  });

  it('takes a time with no zone as UTC and lower-case action types', async () => {
    const { body } = await call('POST', '/events', {
      body: legacyEvent({ group: 'happy-3', occurred_at: '2026-03-04T05:06:07.089', action_type: 'u' }),
    });
    const r = await call('GET', `/events/${body.id}`);
    expect(r.body.occurred_at).toBe('2026-03-04T05:06:07.089Z');
    expect(r.body.type).toBe('u');
  });

  it('keeps the original JSON exactly as sent', async () => {
    const text = '{"group":"happy-4","location":"::1","action":"user.login","action_type":"C","actor_name":"a","actor_id":"b","target_name":"c","target_id":"","occurred_at":"2026-01-01T00:00:00.000Z"}';
    const { body } = await call('POST', '/events', { rawBody: text });
    // Stored deflated (stored-raw.ts), read back byte for byte.
    expect(await storedRaw(body.id)).toEqual({ text, rawType: 'blob', source: 'legacy' });
  });
});

describe('POST /audit_logs/events', () => {
  it('answers 200 {success: true} and reads back through both read APIs', async () => {
    const sent = auditLogBody({}, 'org_happy_5');
    const r = await call('POST', '/audit_logs/events', { body: sent });
    expect(r.status).toBe(200);
    expect(r.body.success).toBe(true);
    const one = await call('GET', `/audit_logs/events/${r.body.id}`);
    expect(one.body).toEqual({
      object: 'audit_log_event',
      id: r.body.id,
      organization_id: 'org_happy_5',
      action: sent.event.action,
      version: null,
      occurred_at: sent.event.occurred_at,
      received_at: expect.any(String),
      actor: { ...sent.event.actor },
      targets: [{ ...sent.event.targets[0], metadata: {} }],
      context: sent.event.context,
      metadata: { plan: 'pro' },
    });
    const legacy = await call('GET', `/events/${r.body.id}`);
    expect(legacy.body).toMatchObject({ group: 'org_happy_5', type: null, actor_name: 'Zoë Washburne', target_id: sent.event.targets[0].id });
  });

  it('accepts several targets, a version, and no optional fields', async () => {
    const sent = auditLogBody(
      {
        version: 2,
        actor: { id: 'u1', type: 'user' },
        targets: [
          { id: 't1', type: 'team' },
          { id: 't2', type: 'user', name: 'Kaylee', metadata: { role: 'mechanic' } },
        ],
        context: { location: '::1' },
        metadata: undefined,
      },
      'org_happy_6',
    );
    const r = await call('POST', '/audit_logs/events', { body: sent });
    expect(r.status, r.text).toBe(200);
    const byTarget = await call('GET', '/audit_logs/events?targets=user&organization_id=org_happy_6');
    expect(byTarget.body.data).toHaveLength(1);
    expect(byTarget.body.data[0].targets).toHaveLength(2);
    expect(byTarget.body.data[0].version).toBe(2);
  });
});

describe('batch ingest', () => {
  it('writes 1,000 legacy events in one request, under the parameter limit', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => legacyEvent({ group: 'batch-1', actor_id: `u${i % 37}` }));
    const r = await call('POST', '/events/batch', { body: { events } });
    expect(r.status, r.text.slice(0, 500)).toBe(201);
    expect(r.body.ids).toHaveLength(1000);
    expect(new Set(r.body.ids).size).toBe(1000);
    expect(await count("organization_id = 'batch-1'")).toBe(1000);
    // Every event's index row went in with it: each is found by its target and its actor.
    const indexed = await env.DB.prepare(
      "SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH '{target} : \"projdefault_dash projdefault_1\" AND {org} : \"projdefault_batch projdefault_1\"'",
    ).first<{ n: number }>();
    expect(indexed!.n).toBe(1000);
  });

  it('writes Audit Logs events for several organizations in one request', async () => {
    const events = [auditLogBody({}, 'org_b1'), auditLogBody({}, 'org_b2'), auditLogBody({}, 'org_b1')];
    const r = await call('POST', '/audit_logs/events/batch', { body: { events } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.ids).toHaveLength(3);
    expect(await count("organization_id IN ('org_b1', 'org_b2')")).toBe(3);
  });

  it('writes large batches that need several D1 statements', async () => {
    const big = 'x'.repeat(450);
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, big]));
    const events = Array.from({ length: 200 }, () => legacyEvent({ group: 'batch-big', metadata }));
    const r = await call('POST', '/events/batch', { body: { events } });
    expect(r.status, r.text.slice(0, 300)).toBe(201);
    expect(await count("organization_id = 'batch-big'")).toBe(200);
  });
});
