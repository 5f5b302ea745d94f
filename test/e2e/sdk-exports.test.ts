// Exports through WorkOS's real Node SDKs (11.x and 7.x), changed only in host and key: create,
// poll to `ready`, download the CSV from the signed url and count its rows against the events sent.
import { WorkOS as WorkOS11 } from '@workos-inc/node';
import { WorkOS as WorkOS7 } from 'workos-node-7';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));
const port = Number(url.port);
const KEY = E2E_VARS.DEFAULT_PROJECT_SECRET_KEY;
const ORG = `org_sdk_export_${Date.now()}`;
const START = new Date(Date.UTC(2026, 9, 1));
const COUNT = 137;

/** CSV data rows (RFC 4180; our fields hold no line breaks here). */
const csvRows = (text: string) => text.trim().split('\r\n').slice(1);

beforeAll(async () => {
  const events = Array.from({ length: COUNT }, (_, i) => ({
    organization_id: ORG,
    event: {
      action: i % 2 ? 'invoice.paid' : 'invoice.sent',
      occurred_at: new Date(START.getTime() + i * 3_600_000).toISOString(),
      actor: { id: `user_${i % 5}`, type: 'user', name: `Person ${i % 5}` },
      targets: [{ id: `inv_${i}`, type: 'invoice' }],
      context: { location: '203.0.113.7', user_agent: 'sdk-e2e' },
    },
  }));
  const res = await fetch(`${url.origin}/audit_logs/events/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(200);
});

async function untilReady(get: () => Promise<{ state: string; url?: string | null }>) {
  const deadline = Date.now() + 30_000;
  let e = await get();
  while (e.state === 'pending' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    e = await get();
  }
  return e;
}

describe.each([
  ['11', () => new WorkOS11({ apiKey: KEY, apiHostname: url.hostname, port, https: false })],
  ['7', () => new WorkOS7(KEY, { apiHostname: url.hostname, port, https: false })],
] as const)('WorkOS Node SDK %s.x', (_version, make) => {
  it('createExport, getExport until ready, then the CSV has every event in the range', async () => {
    const workos = make();
    const created = await workos.auditLogs.createExport({ organizationId: ORG, rangeStart: START, rangeEnd: new Date(START.getTime() + COUNT * 3_600_000) });
    expect(created.object).toBe('audit_log_export');
    expect(created.state).toBe('pending');
    const ready = await untilReady(() => workos.auditLogs.getExport(created.id));
    expect(ready.state).toBe('ready');
    const file = await fetch(ready.url!);
    expect(file.status).toBe(200);
    expect(csvRows(await file.text())).toHaveLength(COUNT);
    // Filters the SDK sends: one action, two actors.
    const some = await workos.auditLogs.createExport({
      organizationId: ORG,
      rangeStart: START,
      rangeEnd: new Date(START.getTime() + COUNT * 3_600_000),
      actions: ['invoice.paid'],
      actorIds: ['user_1', 'user_2'],
    });
    const done = await untilReady(() => workos.auditLogs.getExport(some.id));
    const rows = csvRows(await (await fetch(done.url!)).text());
    const want = Array.from({ length: COUNT }, (_, i) => i).filter((i) => i % 2 === 1 && [1, 2].includes(i % 5)).length;
    expect(rows).toHaveLength(want);
  });
});
