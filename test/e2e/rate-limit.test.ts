// A rate-limited project through WorkOS's real Node SDK: the SDK waits for Retry-After
// and retries with the same idempotency key, and every event is stored exactly once.
import { WorkOS } from '@workos-inc/node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { E2E_VARS } from './vars.ts';

const url = new URL(inject('waymarkUrl'));
const origin = url.origin;

/** Signs in to the dashboard, creates a project on the strict tier and a key for it. */
async function strictProjectKey(): Promise<string> {
  const form = (body: Record<string, string>) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie },
    body: new URLSearchParams(body).toString(),
  });
  let cookie = '';
  const login = await fetch(`${origin}/login`, form({ password: E2E_VARS.ADMIN_PASSWORD, next: '/' }));
  cookie = login.headers.get('set-cookie')!.split(';')[0];
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await fetch(`${origin}/projects/proj_demo/keys`, { headers: { cookie } })).text())![1];
  const created = await fetch(`${origin}/projects`, form({ name: 'Rate-limited app', _csrf: csrf }));
  const keysPath = created.headers.get('location')!;
  const projectPath = keysPath.replace(/\/keys$/, '');
  expect((await fetch(`${origin}${projectPath}/usage/rate-limit`, form({ rate_limit: 'strict', _csrf: csrf }))).status).toBe(303);
  const made = await fetch(`${origin}${keysPath}`, form({ name: 'SDK', _csrf: csrf }));
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
