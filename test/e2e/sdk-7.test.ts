// WorkOS's Node SDK 7.x (`workos-node-7`, 7.82) against Waymark by host and key only: every
// audit method it has that exists here (createEvent with its automatic idempotency key,
// createSchema and an event checked against the schema's version). 7.x has no listSchemas and
// no retention methods; its createExport/getExport are covered with the exports.
import { BadRequestException, WorkOS } from 'workos-node-7';
import { describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));
const KEY = E2E_VARS.DEFAULT_PROJECT_SECRET_KEY;
const workos = new WorkOS(KEY, { apiHostname: url.hostname, port: Number(url.port), https: false });
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function stored(org: string) {
  const res = await fetch(`${url.origin}/audit_logs/events?organization_id[]=${encodeURIComponent(org)}&limit=100`, { headers: { authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string; action: string; actor: { id: string; name: string }; targets: { id: string }[]; metadata: Record<string, unknown>; context: { location: string; user_agent: string | null } }[] }).data;
}

const event = (overrides: Record<string, unknown> = {}) => ({
  action: 'document.shared',
  occurredAt: new Date(),
  actor: { id: 'user_kaylee', type: 'user', name: 'Kaylee Frye', metadata: { role: 'mechanic' } },
  targets: [{ id: 'doc_7', type: 'document', name: 'Engine manual.pdf', metadata: { pages: 12 } }],
  context: { location: '203.0.113.77', userAgent: 'sdk7-e2e' },
  metadata: { channel: 'email' },
  ...overrides,
});

describe('workos-node 7.x audit logs', () => {
  it('createEvent writes the event as sent, once per call (each call gets its own idempotency key)', async () => {
    const org = `org_sdk7_${run}`;
    await workos.auditLogs.createEvent(org, event() as never);
    await workos.auditLogs.createEvent(org, event({ action: 'document.viewed' }) as never);
    const rows = await stored(org);
    expect(rows.map((r) => r.action).sort()).toEqual(['document.shared', 'document.viewed']);
    expect(rows[0]).toMatchObject({
      actor: { id: 'user_kaylee', name: 'Kaylee Frye' },
      targets: [{ id: 'doc_7' }],
      metadata: { channel: 'email' },
      context: { location: '203.0.113.77', user_agent: 'sdk7-e2e' },
    });
  });

  it('an explicit idempotency key retried writes one event', async () => {
    const org = `org_sdk7_idem_${run}`;
    const e = event();
    await workos.auditLogs.createEvent(org, e as never, { idempotencyKey: `k-${run}` });
    await workos.auditLogs.createEvent(org, e as never, { idempotencyKey: `k-${run}` });
    expect(await stored(org)).toHaveLength(1);
  });

  it('createSchema makes a version, and an event naming it is checked', async () => {
    const action = `ticket.closed_${run}`;
    const schema = await workos.auditLogs.createSchema({
      action,
      actor: { metadata: { role: 'string' } },
      targets: [{ type: 'ticket', metadata: { priority: 'number' } }],
      metadata: { reason: 'string' },
    });
    expect(schema).toMatchObject({ object: 'audit_log_schema', version: 1, targets: [{ type: 'ticket' }] });
    const org = `org_sdk7_schema_${run}`;
    const ok = { action, version: 1, occurredAt: new Date(), actor: { id: 'u', type: 'user', metadata: { role: 'agent' } }, targets: [{ id: 't1', type: 'ticket', metadata: { priority: 2 } }], context: { location: '::1' }, metadata: { reason: 'fixed' } };
    await workos.auditLogs.createEvent(org, ok as never);
    const refused = await workos.auditLogs.createEvent(org, { ...ok, metadata: { reason: 3 } } as never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((refused as BadRequestException).errors)).toContain('/metadata/reason');
    expect(await stored(org)).toHaveLength(1);
  });

  it('a malformed event is a BadRequestException naming the field, and nothing is written', async () => {
    const org = `org_sdk7_bad_${run}`;
    const refused = await workos.auditLogs.createEvent(org, event({ targets: [{ id: 'x', type: 5 }] }) as never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((refused as BadRequestException).errors)).toContain('/targets/0/type');
    expect(await stored(org)).toHaveLength(0);
  });
});
