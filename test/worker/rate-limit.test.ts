// Rate limits per API key with the Rate Limiting binding of the project's tier: 429
// `rate_limit_exceeded` with Retry-After, counted per key, a tier per project.
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setProjectRateLimit } from '../../src/projects/settings';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { startOfWindow } from '../rate-window';
import { call, legacyEvent, ORIGIN, page, signIn } from './helpers';

const NOW = Date.now();

async function projectWithKeys(tier: string, keys = 1) {
  const project = await createProject(env.KV, { name: `Rate ${tier}`, now: NOW });
  await setProjectRateLimit(env.KV, { projectId: project.id, tier });
  const plains: string[] = [];
  for (let i = 0; i < keys; i++) plains.push((await createKey(env.KV, { projectId: project.id, mode: 'test', name: `k${i}`, now: NOW })).plain);
  return { projectId: project.id, keys: plains };
}

describe('rate limits', { timeout: 30_000 }, () => {
  it('the strict tier: the 11th request in 10 seconds is a 429 with Retry-After, in either API', async () => {
    const { keys } = await projectWithKeys('strict');
    await startOfWindow(5_000);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await call('GET', '/events?limit=1', { key: keys[0] })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    for (const path of ['/events?limit=1', '/audit_logs/events?limit=1']) {
      const r = await call('GET', path, { key: keys[0] });
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('10');
      expect(r.body).toEqual({ message: 'Too many requests.', code: 'rate_limit_exceeded' });
    }
  });

  it('counts per key: another key of the same project has its own budget', async () => {
    const { keys } = await projectWithKeys('strict', 2);
    await startOfWindow(5_000);
    for (let i = 0; i < 11; i++) await call('POST', '/events', { key: keys[0], body: legacyEvent() });
    expect((await call('POST', '/events', { key: keys[0], body: legacyEvent() })).status).toBe(429);
    expect((await call('POST', '/events', { key: keys[1], body: legacyEvent() })).status).toBe(201);
  });

  it('a rate-limited write stores nothing', async () => {
    const { keys } = await projectWithKeys('strict', 2);
    await startOfWindow(5_000);
    for (let i = 0; i < 10; i++) await call('GET', '/events?limit=1', { key: keys[0] });
    const r = await call('POST', '/events', { key: keys[0], body: legacyEvent({ actor_id: 'user_limited' }) });
    expect(r.status).toBe(429);
    const read = await call('GET', '/events?actor_id=user_limited', { key: keys[1] });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual([]);
  });

  it('the off tier does not limit', async () => {
    const { keys } = await projectWithKeys('off');
    for (let i = 0; i < 25; i++) expect((await call('GET', '/events?limit=1', { key: keys[0] })).status).toBe(200);
  });

  it('refuses an unknown tier', async () => {
    const project = await createProject(env.KV, { name: 'Rate bad', now: NOW });
    await expect(setProjectRateLimit(env.KV, { projectId: project.id, tier: 'ludicrous' })).rejects.toThrow(/Unknown rate-limit tier/);
  });
});

describe('the usage page shows and sets the tier', () => {
  let cookie: string;
  let csrf: string;
  let projectId: string;

  beforeAll(async () => {
    projectId = (await createProject(env.KV, { name: 'Rate page', now: NOW })).id;
    ({ cookie, csrf } = await signIn({ client: '198.51.100.99', csrfFrom: `/projects/${projectId}/usage` }));
    const html = await (await page(`/projects/${projectId}/usage`, { headers: { cookie } })).text();
    expect(html).toContain('Standard: 5,000 requests per 10 seconds per key');
  });

  it('saves a tier from the form', async () => {
    const res = await page(`/projects/${projectId}/usage/rate-limit`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: `rate_limit=high&_csrf=${csrf}`,
    });
    expect(res.status).toBe(303);
    const html = await (await page(`/projects/${projectId}/usage`, { headers: { cookie } })).text();
    expect(html).toMatch(/data-testid="rate-limit-tier">High: 20,000 requests/);
  });

  it('refuses a tier it does not offer', async () => {
    const res = await page(`/projects/${projectId}/usage/rate-limit`, {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: `rate_limit=ludicrous&_csrf=${csrf}`,
    });
    expect(res.status).toBe(422);
  });
});
