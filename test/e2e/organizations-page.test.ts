// The Organizations page in a real headless Chromium: names, event counts, retention, a legal
// hold placed with its button, and what the hourly purge (run through wrangler's real cron
// route) removed; names in the events viewer's organization picker.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { signIn } from './session.ts';
import { E2E_VARS } from './vars.ts';

const BASE = inject('waymarkUrl');
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const PAGE = '/projects/proj_default/organizations';
const DAY = 86_400_000;

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${E2E_VARS.DEFAULT_PROJECT_SECRET_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return (await res.json()) as any;
}

const events = (org: string, n: number, daysAgo: number) =>
  Array.from({ length: n }, (_, i) => ({
    organization_id: org,
    event: {
      action: 'invoice.paid',
      occurred_at: new Date(Date.now() - daysAgo * DAY - i * 60_000).toISOString(),
      actor: { id: `user_${i}`, type: 'user', name: `Payer ${i}` },
      targets: [{ id: `inv_${i}`, type: 'invoice' }],
      context: { location: '203.0.113.50' },
    },
  }));

const row = (id: string) => page.locator(`tr[data-organization="${id}"]`);

let initech: string;
let hooli: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  initech = (await api('POST', '/organizations', { name: 'Initech Corp', domains: ['initech.example'] })).id;
  hooli = (await api('POST', '/organizations', { name: 'Hooli' })).id;
  await api('POST', '/audit_logs/events/batch', { events: [...events(initech, 5, 100), ...events(initech, 2, 1), ...events(hooli, 3, 100)] });
  for (const org of [initech, hooli]) await api('PUT', `/organizations/${org}/audit_logs_retention`, { retention_period: '1_MONTH' });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await signIn(page, BASE);
});

afterAll(async () => {
  await browser?.close();
});

describe('Organizations page', () => {
  it('shows names, counts and retention; a hold placed with its button survives the purge', async () => {
    await page.goto(`${BASE}${PAGE}`);
    await expect(row(initech).locator('[data-testid=organization-name]').innerText()).resolves.toBe('Initech Corp');
    await expect(row(initech).locator('[data-testid=event-count]').innerText()).resolves.toBe('7');
    await expect(row(hooli).locator('[data-testid=event-count]').innerText()).resolves.toBe('3');
    await expect(row(initech).locator('[data-testid=retention]').innerText()).resolves.toContain('30 days');

    await row(hooli).locator('[data-testid=hold-toggle]').click();
    await page.waitForURL(`${BASE}${PAGE}`);
    await expect(row(hooli).locator('[data-testid=hold-state]').innerText()).resolves.toBe('On hold');
    await page.screenshot({ path: join(ARTIFACTS, 'organizations-before-purge.png'), fullPage: true });

    // The hourly cron, through wrangler dev's own scheduled route.
    const cron = await fetch(`${BASE}/__scheduled?cron=${encodeURIComponent('17 * * * *')}`);
    expect(cron.status).toBe(200);
    await expect
      .poll(async () => {
        await page.goto(`${BASE}${PAGE}`);
        return row(initech).locator('[data-testid=event-count]').innerText();
      }, { timeout: 20_000 })
      .toBe('2');
    await expect(row(initech).locator('[data-testid=last-purge]').innerText()).resolves.toMatch(/^5 events, 5 target rows/);
    await expect(row(hooli).locator('[data-testid=event-count]').innerText()).resolves.toBe('3');
    await expect(row(hooli).innerText()).resolves.toContain('never');
    await page.screenshot({ path: join(ARTIFACTS, 'organizations-after-purge.png'), fullPage: true });
  });

  it('refuses a bad retention typed into the page with a 422 that names the field', async () => {
    await page.goto(`${BASE}${PAGE}`);
    await row(initech).locator('[data-testid=retention-days]').fill('-4');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/organizations/retention')), row(initech).locator('button', { hasText: 'Set' }).click()]);
    expect(response.status()).toBe(422);
    await expect(page.locator('main').innerText()).resolves.toContain('days must be a whole number');
  });

  it('names organizations in the events viewer picker', async () => {
    await page.goto(`${BASE}/projects/proj_default/events`);
    const option = page.locator(`select[name=org] option[value="${initech}"]`);
    await expect(option.innerText()).resolves.toBe(`Initech Corp (${initech})`);
    expect(pageErrors).toEqual([]);
  });
});
