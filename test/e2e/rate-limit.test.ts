// A rate-limited project through WorkOS's real Node SDK: the SDK waits for Retry-After
// and retries with the same idempotency key, and every event is stored exactly once.
import { WorkOS } from '@workos-inc/node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { signInByFetch } from './session.ts';
import { startOfWindow } from '../rate-window.ts';

const url = new URL(inject('waymarkUrl'));
const origin = url.origin;

/** Signs in to the dashboard, creates a project on the strict tier and a key for it. */
async function strictProjectKey(): Promise<string> {
  const session = await signInByFetch(origin);
  const { cookie } = session;
  const created = await session.post('/projects', { name: 'Rate-limited app' });
  const keysPath = created.headers.get('location')!;
  const projectPath = keysPath.replace(/\/keys$/, '');
  expect((await session.post(`${projectPath}/usage/rate-limit`, { rate_limit: 'strict' })).status).toBe(303);
  const made = await session.post(keysPath, { name: 'SDK' });
  const flash = made.headers.get('set-cookie')!.split(';')[0];
  const html = await (await fetch(`${origin}${keysPath}`, { headers: { cookie: `${cookie}; ${flash}` } })).text();
  return /data-testid="new-key-value">([^<]+)</.exec(html)![1];
}

describe('rate limits with the real SDK', () => {
  let key: string;
  beforeAll(async () => {
    key = await strictProjectKey();
  });

  it('12 events on a 10-per-10-seconds key: the SDK retries the 429s and each event is stored once', async () => {
    const workos = new WorkOS(key, { apiHostname: url.hostname, port: Number(url.port), https: false });
    await startOfWindow(9_000);
    const raw = await fetch(`${origin}/audit_logs/events?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    expect(raw.status).toBe(200);
    const started = Date.now();
    for (let i = 0; i < 12; i++) {
      await workos.auditLogs.createEvent('org_rate', {
        action: 'user.signed_in',
        occurredAt: new Date(),
        actor: { id: `user_rate_${i}`, type: 'user' },
        targets: [{ id: 'app', type: 'app' }],
        context: { location: '203.0.113.1' },
      });
    }
    // Over the limit, the SDK slept for Retry-After (10 s) at least once.
    expect(Date.now() - started).toBeGreaterThan(5_000);
    await new Promise((r) => setTimeout(r, 10_500));
    const list = await fetch(`${origin}/audit_logs/events?organization_id=org_rate&limit=100`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);
    const actors = ((await list.json()) as { data: { actor: { id: string } }[] }).data.map((e) => e.actor.id).sort();
    expect(actors).toEqual(Array.from({ length: 12 }, (_, i) => `user_rate_${i}`).sort());
  }, 90_000);
});
