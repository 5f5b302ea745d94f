// Daily-use details of the team dashboard in a real headless Chromium (issue: the viewer's daily use):
// readable badges (WCAG AA contrast), a skip link, client and server errors apart on the usage page,
// and each API key's last use and request count.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { signIn, signInByFetch } from './session.ts';
import { E2E_VARS } from './vars.ts';

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

describe('time, in the viewer\'s own zone', () => {
  let tz: Page;
  let probeId: string;
  const EVENTS = `${BASE}/projects/proj_demo/events`;
  const probeRow = () => tz.locator('tr[data-event-id]', { hasText: 'Tzprobe Person' });

  beforeAll(async () => {
    const res = await fetch(`${BASE}/audit_logs/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_VARS.DEMO_PROJECT_SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organization_id: 'org_tz',
        event: {
          action: 'report.viewed',
          occurred_at: '2026-11-20T10:00:00.123Z',
          actor: { id: 'user_tzprobe', type: 'user', name: 'Tzprobe Person' },
          targets: [{ id: 'rep_1', type: 'report' }],
          context: { location: '203.0.113.9', user_agent: 'curl' },
        },
      }),
    });
    expect(res.status).toBe(200);
    // India has no daylight saving time: +05:30 all year.
    tz = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Asia/Kolkata' })).newPage();
    await signIn(tz, BASE);
  });

  it('shows rows in the browser\'s zone with a relative hint, and says which zone', async () => {
    await tz.goto(`${EVENTS}?q=tzprobe`);
    // (Chromium's ICU names the zone by its older canonical name, Asia/Calcutta.)
    expect(await tz.locator('[data-testid=time-zone]').innerText()).toMatch(/Times in Asia\/(Kolkata|Calcutta)/);
    expect(await tz.locator('[data-testid=zone-label]').innerText()).toMatch(/^\(Asia\/(Kolkata|Calcutta)\)$/);
    const cell = probeRow().locator('td.time');
    expect(await cell.locator('time').innerText()).toBe('2026-11-20 15:30:00');
    expect(await cell.locator('.rel').innerText()).toMatch(/days? ago/);
    probeId = (await probeRow().getAttribute('data-event-id'))!;
    await tz.screenshot({ path: join(ARTIFACTS, 'events-local-time.png') });
  });

  it('shows both times to the millisecond on the detail', async () => {
    await tz.goto(`${EVENTS}/${probeId}`);
    expect(await tz.locator('[data-testid=occurred-local]').innerText()).toBe('2026-11-20 15:30:00.123 GMT+5:30');
    expect(await tz.locator('[data-testid=occurred-utc]').innerText()).toContain('2026-11-20T10:00:00.123Z');
  });

  it('reads From/To in the zone shown', async () => {
    await tz.goto(`${EVENTS}?q=tzprobe&from=2026-11-20T15:29&to=2026-11-20T15:31`);
    expect(await tz.locator('[data-testid=range]').inputValue()).toBe('custom');
    expect(await probeRow().count()).toBe(1);
    // The same wall-clock numbers read as UTC would miss the event by five and a half hours.
    await tz.goto(`${EVENTS}?q=tzprobe&from=2026-11-20T10:29&to=2026-11-20T10:31`);
    expect(await probeRow().count()).toBe(0);
  });

  it('one switch shows every time in UTC, and back', async () => {
    await tz.goto(`${EVENTS}?q=tzprobe`);
    await tz.click('[data-testid=time-switch]');
    await tz.waitForURL(/q=tzprobe/);
    expect(await tz.locator('[data-testid=time-zone]').innerText()).toContain('Times in UTC');
    expect(await probeRow().locator('td.time time').innerText()).toBe('2026-11-20 10:00:00');
    expect(await tz.locator('[data-testid=zone-label]').innerText()).toBe('(UTC)');
    await tz.screenshot({ path: join(ARTIFACTS, 'events-utc.png') });
    await tz.click('[data-testid=time-switch]');
    await tz.waitForURL(/q=tzprobe/);
    expect(await probeRow().locator('td.time time').innerText()).toBe('2026-11-20 15:30:00');
  });

  it('"When" cannot contradict itself: a preset empties From/To, a typed date selects Custom', async () => {
    await tz.goto(`${EVENTS}?from=2026-10-01T00:00&to=2026-10-31T00:00`);
    expect(await tz.locator('[data-testid=range]').inputValue()).toBe('custom');
    await tz.selectOption('[data-testid=range]', '24h');
    await tz.waitForURL((u) => u.searchParams.get('range') === '24h');
    expect(new URL(tz.url()).searchParams.get('from')).toBeNull();
    expect(await tz.locator('[data-testid=from]').inputValue()).toBe('');
    // Typing a date switches the control to the custom range.
    await tz.fill('[data-testid=from]', '2026-11-20T15:29');
    await tz.waitForURL((u) => u.searchParams.get('range') === 'custom');
    expect(await tz.locator('[data-testid=range]').inputValue()).toBe('custom');
    // A URL that names both keeps the preset (what the control shows), never silently the dates.
    await tz.goto(`${EVENTS}?range=24h&from=2026-10-01T00:00`);
    expect(await tz.locator('[data-testid=range]').inputValue()).toBe('24h');
    expect(await tz.locator('[data-testid=from]').inputValue()).toBe('');
  });
});

describe('searching', () => {
  const EVENTS = `${BASE}/projects/proj_demo/events`;

  it('a malformed qualifier says what was expected', async () => {
    await page.goto(`${EVENTS}?q=${encodeURIComponent('after:banana')}`);
    const hint = await page.locator('[data-testid=search-hint]').innerText();
    expect(hint).toContain('after: expects a date');
    expect(hint).toContain('“banana”');
    await page.goto(EVENTS);
    await page.fill('[data-testid=search]', 'after:3days');
    await page.waitForSelector('[data-testid=search-hint]');
    expect(await page.locator('[data-testid=search-hint]').innerText()).toContain('an age (30m, 24h, 7d');
    await page.screenshot({ path: join(ARTIFACTS, 'search-hint.png') });
  });

  it('the syntax help is one click away, with every qualifier', async () => {
    await page.goto(EVENTS);
    expect(await page.locator('[data-testid=search-help] table').isVisible()).toBe(false);
    await page.click('[data-testid=search-help] summary');
    const help = await page.locator('[data-testid=search-help] table').innerText();
    for (const q of ['actor:', 'action:', 'target:', 'org:', 'ip:', 'type:', 'after:', 'id:', '-word', '"exact phrase"']) expect(help).toContain(q);
    await page.screenshot({ path: join(ARTIFACTS, 'search-help.png') });
  });

  it('no empty-state flash on the first keystroke, and no "filters set" when none are', async () => {
    await page.goto(EVENTS);
    await page.fill('[data-testid=search]', 'c');
    await page.waitForSelector('[data-testid=keep-typing]');
    expect(await page.locator('#results .empty').count()).toBe(0);
    expect(await page.locator('tr[data-event-id]').count()).toBeGreaterThan(0);
    await page.fill('[data-testid=search]', 'zzqqxxnothing');
    await page.waitForSelector('#results .empty');
    const empty = await page.locator('#results .empty').innerText();
    expect(empty).toContain('zzqqxxnothing');
    expect(empty).not.toContain('with the filters set');
    await page.selectOption('[data-testid=range]', '7d');
    await page.waitForURL((u) => u.searchParams.get('range') === '7d');
    expect(await page.locator('#results .empty').innerText()).toContain('with the filters set');
  });
});
