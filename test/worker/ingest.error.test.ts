// Bad input: a precise 4xx in the shape the SDKs expect, never a 500, never a partial write.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { writeEvents } from '../../src/events/store';
import type { NewEvent } from '../../src/events/model';
import { auditLogBody, call, legacyEvent } from './helpers';

const total = async () => (await env.DB.prepare('SELECT count(*) AS n FROM events').first<{ n: number }>())!.n;

describe('legacy validation answers 422 {message, errors: [{field, code}]}', () => {
  it.each([
    ['missing occurred_at', { occurred_at: undefined }, 'occurred_at', /required/],
    ['occurred_at not a date', { occurred_at: 'yesterday' }, 'occurred_at', /ISO 8601/],
    ['impossible date', { occurred_at: '2026-02-30T00:00:00Z' }, 'occurred_at', /ISO 8601/],
    ['far future', { occurred_at: '2999-01-01T00:00:00Z' }, 'occurred_at', /future/],
    ['bad action_type', { action_type: 'X' }, 'action_type', /C, R, U, D/],
    ['action without a dot', { action: 'login' }, 'action', /category.name/],
    ['action with spaces', { action: 'user. login' }, 'action', /category.name/],
    ['group too long', { group: 'g'.repeat(257) }, 'group', /at most 256/],
    ['empty actor_id', { actor_id: '' }, 'actor_id', /non-empty/],
    ['number for a string', { actor_name: 42 }, 'actor_name', /string/],
    ['unknown field', { colour: 'blue' }, 'colour', /not a known field/],
    ['metadata not an object', { metadata: [1, 2] }, 'metadata', /object/],
    ['metadata nesting', { metadata: { a: { b: 1 } } }, 'metadata.a', /no nesting/],
    ['metadata key too long', { metadata: { ['k'.repeat(41)]: 'v' } }, `metadata.${'k'.repeat(41)}`, /keys must match/],
    ['metadata key with a dot', { metadata: { 'a.b': 'v' } }, 'metadata.a.b', /keys must match/],
    ['metadata value too long', { metadata: { a: 'v'.repeat(501) } }, 'metadata.a', /500/],
    ['51 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'metadata', /50 keys/],
  ])('%s', async (_name, overrides, field, code) => {
    const before = await total();
    const r = await call('POST', '/events', { body: legacyEvent(overrides) });
    expect(r.status).toBe(422);
    expect(r.body.message).toBe('Validation failed.');
    expect(r.body.errors).toEqual(expect.arrayContaining([{ field, code: expect.stringMatching(code) }]));
    expect(await total()).toBe(before);
  });

  it('reports every problem at once', async () => {
    const r = await call('POST', '/events', { body: { group: 'x' } });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['action', 'action_type', 'actor_id', 'actor_name', 'location', 'occurred_at', 'target_id', 'target_name'].sort(),
    );
  });
});

describe('Audit Logs validation', () => {
  it('answers 422 {errors: [{code: "required", field}]} for missing fields', async () => {
    const body = auditLogBody();
    delete (body.event as Record<string, unknown>).action;
    const r = await call('POST', '/audit_logs/events', { body });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ message: 'Validation failed.', errors: [{ code: 'required', field: 'event.action' }] });
  });

  it('answers 422 when organization_id is missing', async () => {
    const r = await call('POST', '/audit_logs/events', { body: { event: auditLogBody().event } });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ code: 'required', field: 'organization_id' })]);
  });

  it.each([
    ['targets not an array', { targets: { id: 'x' } }, '/targets'],
    ['target without type', { targets: [{ id: 'x', type: 5 }] }, '/targets/0/type'],
    ['actor metadata nested', { actor: { id: 'a', type: 'user', metadata: { x: [1] } } }, '/actor/metadata/x'],
    ['51 targets', { targets: Array.from({ length: 51 }, (_, i) => ({ id: `t${i}`, type: 't' })) }, '/targets'],
    ['version not an integer', { version: 1.5 }, '/version'],
    ['unknown event field', { colour: 'blue' }, '/colour'],
    ['bad occurred_at', { occurred_at: '2026-13-01T00:00:00Z' }, '/occurred_at'],
  ])('answers 400 invalid_audit_log_event: %s', async (_name, overrides, instancePath) => {
    const r = await call('POST', '/audit_logs/events', { body: auditLogBody(overrides) });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ message: 'Invalid Audit Log event.', code: 'invalid_audit_log_event' });
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ instancePath })]));
  });
});

describe('transport errors', () => {
  it('answers 400 for invalid JSON', async () => {
    const r = await call('POST', '/events', { rawBody: '{"group": ' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'invalid_json', message: expect.stringContaining('not valid JSON') });
  });

  it('answers 400 for an empty body and for invalid UTF-8', async () => {
    expect((await call('POST', '/events', { rawBody: '' })).status).toBe(400);
    const bad = await call('POST', '/events', { rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('UTF-8');
  });

  it('answers 413 for a body over the cap, declared or streamed', async () => {
    const huge = JSON.stringify(legacyEvent({ metadata: { a: 'x'.repeat(300_000) } }));
    const r = await call('POST', '/events', { rawBody: huge });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(10_000)));
        controller.close();
      },
    });
    const s = await call('POST', '/events', { rawBody: stream });
    expect(s.status).toBe(413);
  });

  it('answers 404 JSON for unknown routes', async () => {
    const r = await call('GET', '/nope');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ message: 'Not found: GET /nope', code: 'not_found' });
    expect((await call('GET', '/events/evt_01HZZZZZZZZZZZZZZZZZZZZZZZ')).status).toBe(404);
    expect((await call('GET', '/events/not-an-id')).status).toBe(404);
  });
});

describe('batch validation is all or nothing', () => {
  it('refuses the whole batch and names the position of each bad event', async () => {
    const before = await total();
    const events = [legacyEvent(), legacyEvent({ occurred_at: 'nope' }), legacyEvent(), legacyEvent({ action_type: 'Z' })];
    const r = await call('POST', '/events/batch', { body: { events } });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['events[1].occurred_at', 'events[3].action_type']);
    expect(await total()).toBe(before);
  });

  it.each([
    ['not an object', [1]],
    ['no events', {}],
    ['empty', { events: [] }],
    ['too many', { events: Array.from({ length: 1001 }, () => ({})) }],
    ['extra field', { events: [legacyEvent()], more: 1 }],
  ])('refuses an envelope that is %s', async (_name, body) => {
    const r = await call('POST', '/events/batch', { body });
    expect(r.status).toBe(422);
    expect(Array.isArray(r.body.errors)).toBe(true);
  });

  it('reports Audit Logs batch problems with their position', async () => {
    const bad = auditLogBody({ targets: 'none' });
    const r = await call('POST', '/audit_logs/events/batch', { body: { events: [auditLogBody(), bad] } });
    expect(r.status).toBe(422);
    expect(r.body.errors[0]).toMatchObject({ field: 'events[1].event.targets' });
  });

  it('rolls back every statement when one fails inside the D1 batch', async () => {
    const before = await total();
    const db = drizzle(env.DB);
    const good: NewEvent = {
      organizationId: 'atomic',
      action: 'user.signed_in',
      actionType: 'r',
      version: null,
      occurredAt: Date.now(),
      actor: { id: 'u', type: null, name: 'n', email: null, metadata: {} },
      targets: [{ id: 't', type: null, name: null, metadata: {} }],
      context: { location: '::1', userAgent: null },
      metadata: {},
      source: 'legacy',
      raw: '{}'.padEnd(200_000, ' '),
    };
    // organization_id is NOT NULL: the last event fails after the first chunks have been written.
    const broken = { ...good, organizationId: null as unknown as string };
    await expect(
      writeEvents(db, {
        projectId: 'proj_default',
        events: [good, good, good, good, broken],
        now: Date.now(),
        requestId: 'req_test',
        respond: () => ({ status: 201, body: {} }),
      }),
    ).rejects.toThrow();
    expect(await total()).toBe(before);
    const fts = await env.DB.prepare("SELECT count(*) AS n FROM events_fts WHERE events_fts MATCH 'atomic'").first<{ n: number }>();
    expect(fts!.n).toBe(0);
  });
});
