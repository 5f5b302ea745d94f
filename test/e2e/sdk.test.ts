// WorkOS's real Node SDKs, pointed at Waymark by host and key only.
import { WorkOS as WorkOS11 } from '@workos-inc/node';
import { WorkOS as WorkOS3 } from 'workos-node-3';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));
const port = Number(url.port);
const KEY = E2E_VARS.DEFAULT_PROJECT_SECRET_KEY;

async function listGroup(group: string) {
  const res = await fetch(`${url.origin}/events?group=${encodeURIComponent(group)}&limit=100`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string; actor_name: string; group: string }[] }).data;
}

const legacyEvent = (group: string, overrides: Record<string, unknown> = {}) => ({
  group,
  location: '203.0.113.9',
  action: 'user.signed_in',
  action_type: 'R',
  actor_name: 'clarence@birdseye.example',
  actor_id: 'user_clarence',
  target_name: 'Dashboard',
  target_id: 'dash_1',
  occurred_at: new Date().toISOString(),
  metadata: { method: 'sso' },
  ...overrides,
});

const auditLogEvent = (overrides: Record<string, unknown> = {}) => ({
  action: 'document.exported',
  occurredAt: new Date(),
  actor: { id: 'user_zoe', type: 'user', name: 'Zoë Washburne', metadata: { email: 'zoe@serenity.io' } },
  targets: [{ id: 'doc_1', type: 'document', name: 'Manifest.pdf' }],
  context: { location: '198.51.100.7', userAgent: 'e2e' },
  metadata: { format: 'pdf' },
  ...overrides,
});

describe('@workos-inc/node 3.9.3', () => {
  const workos = new WorkOS3(KEY, { apiHostname: url.hostname, port, https: false });

  it('auditTrail.createEvent writes an event, and a retry with the same key writes nothing', async () => {
    const event = legacyEvent('sdk3-legacy');
    await workos.auditTrail.createEvent(event as never, { idempotencyKey: 'sdk3-key-1' });
    await workos.auditTrail.createEvent(event as never, { idempotencyKey: 'sdk3-key-1' });
    const rows = await listGroup('sdk3-legacy');
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_name).toBe('clarence@birdseye.example');
  });

  it('auditTrail.listEvents filters with array parameters, searches and pages', async () => {
    for (let i = 0; i < 3; i++) await workos.auditTrail.createEvent(legacyEvent('sdk3-list-a', { actor_id: `a${i}` }) as never);
    await workos.auditTrail.createEvent(legacyEvent('sdk3-list-b', { actor_name: 'Mal Reynolds' }) as never);
    const both = await workos.auditTrail.listEvents({ group: ['sdk3-list-a', 'sdk3-list-b'], limit: 10 } as never);
    expect(both.data).toHaveLength(4);
    const searched = await workos.auditTrail.listEvents({ search: 'reynolds' } as never);
    expect(searched.data.map((e: { group: string }) => e.group)).toEqual(['sdk3-list-b']);
    const page1 = await workos.auditTrail.listEvents({ group: ['sdk3-list-a'], limit: 2 } as never);
    expect(page1.data).toHaveLength(2);
    expect(page1.list_metadata.after).toBe(page1.data[1].id);
    const page2 = await workos.auditTrail.listEvents({ group: ['sdk3-list-a'], limit: 2, after: page1.list_metadata.after } as never);
    expect(page2.data).toHaveLength(1);
    expect(page1.data[0].action.name).toBe('user.signed_in');
  });

  it('auditLogs.createEvent writes an event', async () => {
    await workos.auditLogs.createEvent('org_sdk3', auditLogEvent() as never, { idempotencyKey: 'sdk3-al-1' });
    await workos.auditLogs.createEvent('org_sdk3', auditLogEvent() as never, { idempotencyKey: 'sdk3-al-1' });
    expect(await listGroup('org_sdk3')).toHaveLength(2); // occurredAt differs: WorkOS hashes key + content
  });

  it('surfaces our errors as the SDK\'s own exceptions', async () => {
    await expect(workos.auditTrail.createEvent(legacyEvent('x', { occurred_at: 'nope' }) as never)).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('occurred_at must be an ISO 8601 date string'),
    });
    const wrong = new WorkOS3('sk_test_WrongWrongWrongWrongWrongWrong00', { apiHostname: url.hostname, port, https: false });
    await expect(wrong.auditTrail.listEvents({} as never)).rejects.toMatchObject({ status: 401 });
  });
});

describe('@workos-inc/node (current)', () => {
  let workos: WorkOS11;
  beforeAll(() => {
    workos = new WorkOS11({ apiKey: KEY, apiHostname: url.hostname, port, https: false });
  });

  it('auditLogs.createEvent writes an event; a retry with the same key writes nothing', async () => {
    const event = auditLogEvent({ occurredAt: new Date('2026-11-01T10:00:00.000Z') });
    await workos.auditLogs.createEvent('org_sdk11', event as never, { idempotencyKey: 'sdk11-key-1' });
    await workos.auditLogs.createEvent('org_sdk11', event as never, { idempotencyKey: 'sdk11-key-1' });
    const rows = await listGroup('org_sdk11');
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_name).toBe('Zoë Washburne');
  });

  it('writes one event per call without an explicit key (the SDK sends its own)', async () => {
    await workos.auditLogs.createEvent('org_sdk11_b', auditLogEvent({ occurredAt: new Date('2026-11-01T10:00:00.000Z') }) as never);
    await workos.auditLogs.createEvent('org_sdk11_b', auditLogEvent({ occurredAt: new Date('2026-11-01T10:00:01.000Z') }) as never);
    expect(await listGroup('org_sdk11_b')).toHaveLength(2);
  });

  it('raises BadRequestException for a malformed event and UnauthorizedException for a wrong key', async () => {
    const bad = auditLogEvent({ targets: [{ id: 'x', type: 'doc', metadata: { nested: { no: 1 } } }] });
    await expect(workos.auditLogs.createEvent('org_sdk11', bad as never)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_audit_log_event',
      requestID: expect.stringMatching(/^req_/),
    });
    const wrong = new WorkOS11({ apiKey: 'sk_test_WrongWrongWrongWrongWrongWrong00', apiHostname: url.hostname, port, https: false });
    await expect(wrong.auditLogs.createEvent('org_sdk11', auditLogEvent() as never)).rejects.toMatchObject({ status: 401 });
  });
});
