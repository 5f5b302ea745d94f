// The customer-facing viewer end to end: WorkOS's real SDKs ask for a link, and a real
// headless Chromium opens it and sees only that organization's events; live search,
// filters and the detail work there. Screenshots under test/artifacts/portal-*.png.
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WorkOS as WorkOS11 } from '@workos-inc/node';
import { WorkOS as WorkOS7 } from 'workos-node-7';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { E2E_VARS } from './vars.ts';
import { parseCsv } from '../csv.ts';

const BASE = inject('waymarkUrl');
const url = new URL(BASE);
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const KEY = E2E_VARS.DEFAULT_PROJECT_SECRET_KEY;
const run = Date.now().toString(36);
const ORG_A = `org_portal_e2e_a_${run}`;
const ORG_B = `org_portal_e2e_b_${run}`;

const sdk11 = new WorkOS11(KEY, { apiHostname: url.hostname, port: Number(url.port), https: false });
const sdk7 = new WorkOS7(KEY, { apiHostname: url.hostname, port: Number(url.port), https: false });

let browser: Browser;

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const send = (org: string, action: string, name: string, i: number) =>
    sdk11.auditLogs.createEvent(org, {
      action,
      occurredAt: new Date(Date.now() - i * 60_000),
      actor: { id: `user_${name.split(' ')[0].toLowerCase()}_${i}`, type: 'user', name },
      targets: [{ id: `doc_${i}`, type: 'document', name: `Report ${i}.pdf` }],
      context: { location: '198.51.100.7', userAgent: 'e2e' },
    });
  for (let i = 0; i < 4; i++) await send(ORG_A, i % 2 ? 'document.exported' : 'user.signed_in', i % 2 ? 'Ada Lovelace' : 'Grace Hopper', i);
  for (let i = 0; i < 3; i++) await send(ORG_B, 'secret.rotated', 'Bob Otherorg', i);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the viewer through a real SDK link', () => {
  it('SDK 11 adminPortal.generateLink opens a viewer of that organization only; search, filters and detail work', async () => {
    const { link } = await sdk11.adminPortal.generateLink({ intent: 'audit_logs' as never, organization: ORG_A, returnUrl: 'https://app.example.com/settings' });
    expect(link).toMatch(/\/viewer\/open\?token=wpl_/);
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(link);
    await expect.poll(() => page.url()).toContain('/viewer/events');
    await page.getByTestId('events-table').waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toContain(ORG_A);
    expect(text).toContain('Grace Hopper');
    expect(text).toContain('audit_log.viewed');
    expect(text).not.toContain('Bob Otherorg');
    expect(text).not.toContain(ORG_B);
    expect(await page.getByTestId('return-link').getAttribute('href')).toBe('https://app.example.com/settings');
    await shot(page, 'portal-viewer');

    // Live search: typing narrows the rows without a page load.
    await page.getByTestId('search').fill('lovelace');
    await expect.poll(async () => (await page.locator('#results').innerText()).includes('Grace Hopper')).toBe(false);
    expect(await page.locator('#results').innerText()).toContain('Ada Lovelace');
    await page.getByTestId('search').fill('Otherorg');
    await expect.poll(async () => page.locator('#results').innerText()).toContain('No events match');
    await page.getByTestId('search').fill('');
    await expect.poll(async () => page.locator('#results').innerText()).toContain('Grace Hopper');

    // The action filter lists this organization's actions only.
    const options = await page.getByTestId('action').locator('option').allInnerTexts();
    expect(options).toContain('user.signed_in');
    expect(options).not.toContain('secret.rotated');
    await page.getByTestId('action').selectOption('user.signed_in');
    await expect.poll(async () => (await page.locator('#results').innerText()).includes('Ada Lovelace')).toBe(false);
    await shot(page, 'portal-filtered');

    // The detail, by its own URL.
    await page.locator('#results a.row-link').first().click();
    await page.getByTestId('event-detail').waitFor();
    expect(await page.getByTestId('event-detail').innerText()).toContain('user.signed_in');
    await shot(page, 'portal-detail');
    expect(errors).toEqual([]);

    // The same link does not open twice.
    const second = await context.newPage();
    const res = await second.goto(link);
    expect(res?.status()).toBe(401);
    expect(await second.locator('body').innerText()).toContain('already been used');
    await shot(second, 'portal-link-reused');
    await context.close();
  });

  it('Export in the viewer: the file holds exactly that organization’s events (none of another)', async () => {
    const { link } = await sdk11.adminPortal.generateLink({ intent: 'audit_logs' as never, organization: ORG_A });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByTestId('events-table').waitFor();
    await page.getByTestId('export-format').selectOption('csv');
    await page.getByTestId('export').click();
    await page.waitForURL(/\/viewer\/exports$/);
    expect(await page.getByTestId('export-list').innerText()).toMatch(/Running…|Ready/);
    await shot(page, 'portal-export-running');
    // The list refreshes itself until the file is ready.
    await page.getByTestId('export-download').first().waitFor({ timeout: 30_000 });
    await shot(page, 'portal-exports');
    const row = page.locator('[data-testid=exports-table] tbody tr').first();
    expect(await row.innerText()).toContain(`organization ${ORG_A}`);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('export-download').click()]);
    const text = await readFile((await download.path())!, 'utf8');
    const [header, ...rows] = parseCsv(text);
    const ids = rows.map((r) => r[header.indexOf('id')]);
    // Every event of A (its own, and the viewer's audited reads up to the export), each once; none of B.
    const listed = await fetch(`${BASE}/audit_logs/events?organization_id=${ORG_A}&limit=100`, { headers: { authorization: `Bearer ${KEY}` } });
    const aIds: string[] = ((await listed.json()) as { data: { id: string }[] }).data.map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...aIds].sort());
    expect(rows.every((r) => r[header.indexOf('organization_id')] === ORG_A)).toBe(true);
    expect(text).not.toContain(ORG_B);
    expect(text).not.toContain('Bob Otherorg');
    // The export is in A's own trail.
    const exported = await fetch(`${BASE}/audit_logs/events?organization_id=${ORG_A}&actions=audit_log.exported`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(((await exported.json()) as { data: unknown[] }).data).toHaveLength(1);
    await context.close();
  });

  it('SDK 7.x portal.generateLink gets a link that opens the viewer', async () => {
    const { link } = await sdk7.portal.generateLink({ intent: 'audit_logs' as never, organization: ORG_B });
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    const html = await (await fetch(`${BASE}/viewer/events`, { headers: { cookie } })).text();
    expect(html).toContain('Bob Otherorg');
    expect(html).not.toContain('Grace Hopper');
  });

  it('SDK 11 gets a 422 naming the supported intents for another intent', async () => {
    await expect(sdk11.adminPortal.generateLink({ intent: 'sso' as never, organization: ORG_A })).rejects.toMatchObject({ status: 422 });
  });
});
