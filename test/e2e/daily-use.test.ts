// Daily-use details of the team dashboard in a real headless Chromium (issue: the viewer's daily use):
// readable badges (WCAG AA contrast), a skip link, client and server errors apart on the usage page,
// and each API key's last use and request count.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoEvents } from '../../src/demo/generate.ts';
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

  it('From/To can be typed with the keyboard alone', async () => {
    await tz.goto(`${EVENTS}?q=tzprobe`);
    await tz.focus('[data-testid=from]');
    // en-US segments: month, day, year (up to six digits, so → moves on), hour, minute, AM/PM.
    await tz.keyboard.type('11202026');
    await tz.keyboard.press('ArrowRight');
    await tz.keyboard.type('0329P');
    await tz.keyboard.press('Tab');
    await tz.waitForURL((u) => u.searchParams.get('from') === '2026-11-20T15:29' && u.searchParams.get('range') === 'custom');
    expect(await probeRow().count()).toBe(1);
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

describe('narrowing down and daily use', () => {
  const EVENTS = `${BASE}/projects/proj_demo/events`;
  /** This file's own 120 events (more than two pages), whatever else Demo holds. */
  const DAILY = `${EVENTS}?org=org_daily`;
  const rows = () => page.locator('tr[data-event-id]');

  beforeAll(async () => {
    const events = demoEvents({ count: 120, now: Date.now(), seed: 5 }).map((e) => ({ ...e, organization_id: 'org_daily' }));
    const res = await fetch(`${BASE}/audit_logs/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_VARS.DEMO_PROJECT_SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(200);
    const one = await fetch(`${BASE}/audit_logs/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_VARS.DEMO_PROJECT_SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organization_id: 'org_eol',
        event: { action: 'list.ended', occurred_at: new Date().toISOString(), actor: { id: 'user_eol', type: 'user', name: 'Endoflist Probe' }, targets: [], context: { location: '203.0.113.2' } },
      }),
    });
    expect(one.status).toBe(200);
  });

  it('clicking an actor, action, target, organization or IP in a row adds that filter', async () => {
    await page.goto(EVENTS);
    const first = rows().first();
    const actorId = new URL((await first.locator('[data-filter=actor]').getAttribute('href'))!, BASE).searchParams.get('actor')!;
    await first.locator('[data-filter=actor]').click();
    await page.waitForURL((u) => u.searchParams.get('actor') === actorId);
    expect(await rows().count()).toBeGreaterThan(0);
    const action = await rows().first().locator('[data-filter=action]').innerText();
    await rows().first().locator('[data-filter=action]').click();
    await page.waitForURL((u) => u.searchParams.get('action') === action && u.searchParams.get('actor') === actorId);
    for (const text of await page.locator('tr[data-event-id] [data-filter=action]').allInnerTexts()) expect(text).toBe(action);
    // A target and an IP from an unfiltered list.
    await page.goto(EVENTS);
    const targetLink = rows().locator('[data-filter=target]').first();
    const targetId = new URL((await targetLink.getAttribute('href'))!, BASE).searchParams.get('target')!;
    await targetLink.click();
    await page.waitForURL((u) => u.searchParams.get('target') === targetId);
    expect(await page.locator('[data-testid=target]').inputValue()).toBe(targetId);
    expect(await rows().count()).toBeGreaterThan(0);
    await page.goto(EVENTS);
    const ip = await rows().locator('[data-filter=ip]').first().innerText();
    await rows().locator('[data-filter=ip]').first().click();
    await page.waitForURL((u) => (u.searchParams.get('q') ?? '').includes(`ip:"${ip}"`));
    for (const text of await page.locator('tr[data-event-id] [data-filter=ip]').allInnerTexts()) expect(text).toBe(ip);
    await page.screenshot({ path: join(ARTIFACTS, 'click-to-filter.png') });
  });

  it('the actor filter suggests actors from a name or email prefix, and filters on the one chosen', async () => {
    await page.goto(DAILY);
    const before = page.url();
    await page.locator('[data-testid=actor]').pressSequentially('Clar', { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#actor-suggestions option').length > 0);
    const options = await page.$$eval('#actor-suggestions option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));
    expect(options.some(([value, label]) => value!.startsWith('clarence') && label!.includes('Clarence'))).toBe(true);
    // Typing did not search (no empty list flashed for "Clar").
    expect(page.url()).toBe(before);
    const email = options.find(([value]) => value!.startsWith('clarence'))![0]!;
    await page.fill('[data-testid=actor]', email);
    await page.press('[data-testid=actor]', 'Enter');
    await page.waitForURL((u) => u.searchParams.get('actor') === email);
    const names = await page.locator('tr[data-event-id] td.actor [data-filter=actor]').allInnerTexts();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(n).toContain('Clarence');
    await page.screenshot({ path: join(ARTIFACTS, 'actor-filter.png') });
  });

  it('a timeline counts the events of the search over time; a click or a drag zooms into a range', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(DAILY);
    await page.waitForSelector('[data-testid=timeline]');
    expect(await page.locator('[data-testid=total-count]').innerText()).toBe('120 events');
    const bars = page.locator('svg.timeline-bars [data-bar]');
    const n = await bars.count();
    expect(n).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'timeline.png') });
    // Drag from the second bar to the fifth: From/To become that range.
    const a = (await bars.nth(1).locator('rect.slot').boundingBox())!;
    const b = (await bars.nth(4).locator('rect.slot').boundingBox())!;
    await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL((u) => u.searchParams.get('range') === 'custom' && u.searchParams.has('from') && u.searchParams.has('to'));
    const zoomed = new URL(page.url());
    expect(zoomed.searchParams.get('org')).toBe('org_daily');
    await page.waitForSelector('[data-testid=timeline], #results .empty');
    // A click on one bar zooms to it.
    await page.goto(DAILY);
    await page.waitForSelector('[data-testid=timeline]');
    const tallest = await page.$$eval('svg.timeline-bars [data-bar]', (els) =>
      els.map((el) => Number(el.querySelector('rect.bar')?.getAttribute('height') ?? 0)).reduce((best, h, i, all) => (h > all[best] ? i : best), 0),
    );
    const title = await bars.nth(tallest).locator('title').textContent();
    const expected = Number(/: ([\d,]+) event/.exec(title!)![1].replace(/,/g, ''));
    await bars.nth(tallest).locator('rect.slot').click();
    await page.waitForURL((u) => u.searchParams.get('range') === 'custom');
    await page.waitForSelector('[data-testid=timeline]');
    expect(await page.locator('[data-testid=total-count]').innerText()).toBe(`${expected} event${expected === 1 ? '' : 's'}`);
  });

  it('Export exports exactly the search and filters on screen, shows progress, and lists the file to download', async () => {
    await page.goto(DAILY);
    await page.fill('[data-testid=search]', 'clarence');
    await page.waitForURL((u) => u.searchParams.get('q') === 'clarence');
    await page.waitForSelector('[data-testid=export-form]');
    const shown = Number(/^(\d+)/.exec(await page.locator('[data-testid=total-count]').innerText())?.[1] ?? NaN);
    await page.click('[data-testid=export]');
    await page.waitForURL(/\/exports$/);
    await page.waitForSelector('[data-testid=export-download]', { timeout: 20_000 });
    const row = page.locator('[data-testid=exports-table] tbody tr').first();
    expect(await row.innerText()).toContain('organization org_daily');
    expect(await row.innerText()).toContain('“clarence”');
    const rows = Number((await row.locator('[data-testid=export-rows]').innerText()).replace(/,/g, ''));
    expect(rows).toBe(shown);
    const href = await row.locator('[data-testid=export-download]').getAttribute('href');
    const file = await page.request.get(`${BASE}${href}`);
    expect(file.status()).toBe(200);
    const lines = (await file.text()).trim().split('\r\n');
    expect(lines).toHaveLength(rows + 1);
    await page.screenshot({ path: join(ARTIFACTS, 'exports.png') });
  });

  it('the detail offers the same filters', async () => {
    await page.goto(EVENTS);
    await rows().first().locator('a.row-link').click();
    await page.waitForSelector('[data-testid=event-detail]');
    await page.locator('a.filter-link[data-filter=Organization]').click();
    await page.waitForURL((u) => u.pathname.endsWith('/events') && u.searchParams.has('org'));
    expect(await rows().count()).toBeGreaterThan(0);
  });

  it('shows the end of the list, and a one-line summary for screen readers', async () => {
    await page.goto(`${EVENTS}?q=endoflist`);
    expect(await page.locator('[data-testid=end-of-list]').innerText()).toContain('End of the list');
    await page.fill('[data-testid=search]', 'zzqqxxnothing');
    await page.waitForFunction(() => document.querySelector('#live-summary')?.textContent === 'No events match.');
    await page.fill('[data-testid=search]', 'endoflist');
    await page.waitForFunction(() => document.querySelector('#live-summary')?.textContent === '1 event matching endoflist.');
    // The results themselves are not a live region (that would read the whole table).
    expect(await page.locator('#results').getAttribute('aria-live')).toBeNull();
  });

  it('keys: / searches, j and k move through rows, Enter opens, Esc goes back', async () => {
    await page.goto(DAILY);
    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('q');
    await page.keyboard.press('Escape');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('j');
    const focused = await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-event-id'));
    expect(focused).toBe(await rows().nth(1).getAttribute('data-event-id'));
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/events/${focused}$`));
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => u.pathname.endsWith('/events'));
  });

  it('back from an event restores the loaded rows and the scroll position', async () => {
    await page.goto(DAILY);
    await page.click('[data-testid=load-more]');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-event-id]').length > 50);
    const row = rows().nth(60);
    await row.scrollIntoViewIfNeeded();
    // Scrolling may bring the next "load more" into view (it loads on sight): let it settle.
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(300);
    const loaded = await rows().count();
    const y = await page.evaluate(() => scrollY);
    expect(y).toBeGreaterThan(500);
    await row.locator('a.row-link').click();
    await page.waitForSelector('[data-testid=event-detail]');
    await page.goBack();
    await page.waitForFunction((n) => document.querySelectorAll('tr[data-event-id]').length === n, loaded);
    await page.waitForFunction((target) => Math.abs(scrollY - target) < 50, y);
  });

  it('the detail can open as a side panel, with j/k for next/previous and Esc to close', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(DAILY);
    await page.click('[data-testid=view-menu] summary');
    await page.check('[data-testid=panel-mode]');
    const first = await rows().nth(0).getAttribute('data-event-id');
    const second = await rows().nth(1).getAttribute('data-event-id');
    await rows().nth(0).locator('a.row-link').click();
    await page.waitForSelector(`#panel [data-testid=event-detail][data-event-id="${first}"]`);
    expect(page.url()).not.toContain(first!);
    await page.screenshot({ path: join(ARTIFACTS, 'side-panel.png') });
    await page.keyboard.press('j');
    await page.waitForSelector(`#panel [data-testid=event-detail][data-event-id="${second}"]`);
    await page.keyboard.press('k');
    await page.waitForSelector(`#panel [data-testid=event-detail][data-event-id="${first}"]`);
    await page.keyboard.press('Escape');
    expect(await page.locator('#panel').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-event-id'))).toBe(first);
    // Back to pages of their own.
    await page.locator('[data-testid=view-menu]').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await page.uncheck('[data-testid=panel-mode]');
    await rows().nth(0).locator('a.row-link').click();
    await page.waitForURL(new RegExp(`/events/${first}$`));
  });

  it('a live notice counts new events within seconds, without reloading', async () => {
    await page.goto(EVENTS);
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const res = await fetch(`${BASE}/audit_logs/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_VARS.DEMO_PROJECT_SECRET_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        organization_id: 'org_tail',
        event: { action: 'tail.arrived', occurred_at: new Date().toISOString(), actor: { id: 'user_tail', type: 'user' }, targets: [], context: { location: '203.0.113.1' } },
      }),
    });
    expect(res.status).toBe(200);
    await page.waitForSelector('[data-testid=new-events]', { timeout: 12_000 });
    expect(await page.locator('[data-testid=new-events]').innerText()).toContain('1 new event');
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'live-tail.png') });
    await page.click('[data-testid=new-events]');
    await page.waitForSelector('tr[data-event-id] code.action:text("tail.arrived")');
  });

  it('fits 1280 px without horizontal scrolling; columns and density are a choice that is remembered', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(EVENTS);
    const overflow = await page.evaluate(() => {
      const wrap = document.querySelector('#results .table-wrap')!;
      return { page: document.documentElement.scrollWidth - innerWidth, table: wrap.scrollWidth - wrap.clientWidth };
    });
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.table).toBeLessThanOrEqual(0);
    await page.click('[data-testid=view-menu] summary');
    await page.uncheck('[data-column=location]');
    await page.check('[data-density=compact]');
    expect(await page.locator('td.col-location').first().isVisible()).toBe(false);
    await page.reload();
    expect(await page.locator('td.col-location').first().isVisible()).toBe(false);
    expect(await page.locator('#results').getAttribute('class')).toContain('compact');
    await page.screenshot({ path: join(ARTIFACTS, 'view-compact.png') });
    await page.click('[data-testid=view-menu] summary');
    await page.check('[data-column=location]');
    await page.uncheck('[data-density=compact]');
    expect(await page.locator('td.col-location').first().isVisible()).toBe(true);
  });

  it('on a phone the filters fold behind one button and results are on the first screen', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    await signIn(phone, BASE);
    await phone.goto(EVENTS);
    expect(await phone.locator('[data-testid=filters-toggle]').isVisible()).toBe(true);
    expect(await phone.locator('[data-testid=range]').isVisible()).toBe(false);
    // (On a phone the layout viewport grows with the content: compare with the device width.)
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const top = await phone.locator('tr[data-event-id]').first().boundingBox();
    expect(top!.y + top!.height).toBeLessThan(844);
    await phone.screenshot({ path: join(ARTIFACTS, 'phone-events.png') });
    await phone.click('[data-testid=filters-toggle]');
    expect(await phone.locator('[data-testid=range]').isVisible()).toBe(true);
    for (const path of ['keys', 'usage']) {
      await phone.goto(`${BASE}/projects/proj_demo/${path}`);
      expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await phone.screenshot({ path: join(ARTIFACTS, `phone-${path}.png`), fullPage: true });
    }
  });
});
