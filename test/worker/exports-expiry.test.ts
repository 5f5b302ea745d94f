// Exports are kept EXPORT_KEEP_DAYS: the hourly cron then deletes the file in R2 and the record,
// so events removed by a retention purge do not stay downloadable from an old export.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { EXPORT_KEEP_DAYS, sweepExports } from '../../src/exports/expiry';
import { call, page } from './helpers';

async function readyExport(organization: string) {
  const made = await call('POST', '/audit_logs/exports', { body: { organization_id: organization, range_start: '2000-01-01T00:00:00Z', range_end: '2100-01-01T00:00:00Z' } });
  expect(made.status, made.text).toBe(201);
  let e = made.body;
  for (let i = 0; i < 200 && e.state !== 'ready'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    e = (await call('GET', `/audit_logs/exports/${made.body.id}`)).body;
  }
  expect(e.state).toBe('ready');
  return e as { id: string; url: string };
}

describe('export expiry', () => {
  it(`deletes an export ${EXPORT_KEEP_DAYS} days after it was asked for, file and record; younger ones stay`, async () => {
    const old = await readyExport('org_expiry_old');
    const young = await readyExport('org_expiry_young');
    const day = 86_400_000;
    await env.DB.prepare('UPDATE exports SET created_at = created_at - ? WHERE id = ?').bind((EXPORT_KEEP_DAYS + 1) * day, old.id).run();
    const oldUrl = new URL(old.url);
    expect(await sweepExports(drizzle(env.DB), env.EXPORTS, Date.now())).toBeGreaterThanOrEqual(1);
    expect((await call('GET', `/audit_logs/exports/${old.id}`)).status).toBe(404);
    expect((await page(oldUrl.pathname + oldUrl.search)).status).toBe(404);
    expect((await env.EXPORTS.list({ prefix: 'exports/' })).objects.map((o) => o.key).filter((k) => k.includes(old.id))).toEqual([]);
    expect((await call('GET', `/audit_logs/exports/${young.id}`)).body.state).toBe('ready');
  }, 60_000);
});
