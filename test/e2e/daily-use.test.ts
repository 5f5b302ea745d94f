// Daily-use details of the team dashboard in a real headless Chromium (issue: the viewer's daily use):
// readable badges (WCAG AA contrast), a skip link, client and server errors apart on the usage page,
// and each API key's last use and request count.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { signIn, signInByFetch } from './session.ts';

const BASE = inject('waymarkUrl');
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');

let browser: Browser;
let page: Page;
let projectPath: string;
let liveKey: string;

/** WCAG contrast of an element's text against its own (or nearest opaque ancestor's) background. */
function contrastOf(p: Page, selector: string): Promise<number[]> {
  return p.$$eval(selector, (els) => {
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    return els.map((el) => {
      let bgEl: Element | null = el;
      let bg = getComputedStyle(el).backgroundColor;
      while (bgEl && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
        bgEl = bgEl.parentElement;
        bg = bgEl ? getComputedStyle(bgEl).backgroundColor : 'rgb(255, 255, 255)';
      }
      const a = lum(rgb(getComputedStyle(el).color));
      const b = lum(rgb(bg));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // A project with two keys: one used five times and revoked later, one never used.
  const session = await signInByFetch(new URL(BASE).origin);
  const created = await session.post('/projects', { name: 'Daily use' });
  const keysPath = created.headers.get('location')!;
  projectPath = keysPath.replace(/\/keys$/, '');
  const make = async (name: string) => {
    const made = await session.post(keysPath, { name });
    const flash = made.headers.get('set-cookie')!.split(';')[0];
    const html = await (await fetch(`${BASE}${keysPath}`, { headers: { cookie: `${session.cookie}; ${flash}` } })).text();
    return /data-testid="new-key-value">([^<]+)</.exec(html)![1];
  };
  liveKey = await make('Backend');
  await make('Unused');
  const auth = { authorization: `Bearer ${liveKey}` };
  for (let i = 0; i < 4; i++) expect((await fetch(`${BASE}/events?limit=1`, { headers: auth })).status).toBe(200);
  expect((await fetch(`${BASE}/events?limit=100000`, { headers: auth })).status).toBe(422);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await signIn(page, BASE);
});

afterAll(async () => {
  await browser?.close();
});

describe('usage and keys', () => {
  it('shows client errors (4xx) and server errors (5xx) apart', async () => {
    // Usage counts are written a moment after the requests (buffered per isolate).
    await expect.poll(async () => {
      await page.goto(`${BASE}${projectPath}/usage`);
      return page.locator('[data-testid=total-requests]').innerText();
    }, { timeout: 10_000 }).toBe('5');
    expect(await page.locator('[data-testid=client-errors]').innerText()).toBe('20.0%');
    expect(await page.locator('[data-testid=server-errors]').innerText()).toBe('0.0%');
    // 4xx is a warning colour, not the red of a server failure.
    const colours = await page.$$eval('[data-testid=client-errors], [data-testid=server-errors]', (els) => els.map((e) => getComputedStyle(e).color));
    expect(colours[0]).not.toBe('rgb(201, 42, 42)');
    for (const ratio of await contrastOf(page, '.badge, .stat-value')) expect(ratio).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(ARTIFACTS, 'usage-error-split.png'), fullPage: true });
  });

  it("shows each key's last use and request count, and every badge is readable", async () => {
    await page.goto(`${BASE}${projectPath}/keys`);
    const row = (name: string) => page.locator('[data-testid=keys-table] tbody tr', { hasText: name });
    expect(await row('Backend').locator('[data-testid=key-requests]').innerText()).toBe('5');
    expect(await row('Backend').locator('[data-testid=key-last-used]').innerText()).not.toBe('Never');
    expect(await row('Unused').locator('[data-testid=key-last-used]').innerText()).toBe('Never');
    // Revoke the used key: the "Revoked" pill must meet WCAG AA (4.5:1) like every other badge.
    await row('Backend').locator('[data-testid=revoke]').click();
    await row('Backend').locator('[data-testid=confirm-revoke]').click();
    await page.waitForSelector('.badge.off');
    const ratios = await contrastOf(page, '.badge');
    expect(ratios.length).toBeGreaterThanOrEqual(2);
    for (const ratio of ratios) expect(ratio).toBeGreaterThanOrEqual(4.5);
    await page.screenshot({ path: join(ARTIFACTS, 'keys-last-used.png'), fullPage: true });
  });
});

describe('keyboard', () => {
  it('the first Tab reaches a skip link that moves focus to the content', async () => {
    // (The events page focuses its search box on load; every other page starts at the skip link.)
    await page.goto(`${BASE}/projects/proj_demo/keys`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('skip-link');
    expect(await page.locator('[data-testid=skip-link]').isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'skip-link.png') });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });
});
