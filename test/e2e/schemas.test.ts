// Action schemas through WorkOS's real Node SDK (11.x): createSchema, listSchemas, and an
// event that names its schema version, accepted when it conforms and refused when not.
import { WorkOS, BadRequestException } from '@workos-inc/node';
import { describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));
const workos = new WorkOS(E2E_VARS.DEFAULT_PROJECT_SECRET_KEY, { apiHostname: url.hostname, port: Number(url.port), https: false });

const event = (metadata: Record<string, string | number | boolean>, version: number) => ({
  action: 'invoice.sent',
  version,
  occurredAt: new Date(),
  actor: { id: 'user_sdk_schema', type: 'user', metadata: { role: 'billing' } },
  targets: [{ id: 'inv_1', type: 'invoice', metadata: { amount: 120 } }],
  context: { location: '203.0.113.3' },
  metadata,
});

describe('action schemas with @workos-inc/node 11', () => {
  it('createSchema makes versions, listSchemas lists them, and events are checked against their version', async () => {
    const first = await workos.auditLogs.createSchema({
      action: 'invoice.sent',
      actor: { metadata: { role: 'string' } },
      targets: [{ type: 'invoice', metadata: { amount: 'number' } }],
      metadata: { channel: 'string' },
    });
    expect(first.version).toBe(1);
    expect(first.targets).toEqual([{ type: 'invoice', metadata: { amount: 'number' } }]);
    const second = await workos.auditLogs.createSchema({ action: 'invoice.sent', targets: [{ type: 'invoice' }] });
    expect(second.version).toBe(2);

    const listed = await workos.auditLogs.listSchemas('invoice.sent');
    expect(listed.data.map((s) => s.version)).toEqual([2, 1]);

    await workos.auditLogs.createEvent('org_sdk_schema', event({ channel: 'email' }, 1));
    const refused = await workos.auditLogs.createEvent('org_sdk_schema', event({ channel: 42 }, 1)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestException);
    expect(JSON.stringify((refused as BadRequestException).errors)).toContain('/metadata/channel');
  });
});
