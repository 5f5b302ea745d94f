// The dashboard in a real headless Chromium against the Worker under `wrangler dev`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoEvents } from '../../src/demo/generate.ts';
import { launchChromium } from './browser.ts';
import { signIn as signInAs } from './session.ts';
import { E2E_VARS } from './vars.ts';

const BASE = inject('waymarkUrl');
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const DEMO = '/projects/proj_demo/events';
const XSS_SCRIPT = '<script>window.__xss = 1</script>';
const XSS_IMG = '<img src=x onerror="window.__xss = 2">';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let xssEventId: string;
const pageErrors: string[] = [];

async function api(path: string, init: RequestInit & { key?: string } = {}) {
  const res = await fetch(`${BASE}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? E2E_VARS.DEMO_PROJECT_SECRET_KEY}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function shot(name: string, p: Page = page) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const signIn = (p: Page) => signInAs(p, BASE);

const rowCount = () => page.locator('table.events tbody tr[data-event-id]').count();
const columnTexts = (col: number) => page.locator(`table.events tbody tr[data-event-id] td:nth-child(${col})`).allInnerTexts();

/** Waits for the live results to reflect the current search box. */
async function waitForResults(q: string) {
  await page.waitForFunction(
    (q) => {
      const meta = document.querySelector('[data-testid=result-meta]')?.textContent ?? '';
      const empty = document.querySelector('#results .empty')?.textContent ?? '';
      return q === '' ? meta !== '' && !meta.includes('matching') : meta.includes(`“${q}”`) || empty.includes(q);
    },
    q,
    { timeout: 5000 },
  );
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // 700 realistic events in Demo (more than one page), plus one hostile event.
  const events = demoEvents({ count: 700, now: Date.now(), seed: 11 });
  const seeded = await api('/audit_logs/events/batch', { method: 'POST', body: JSON.stringify({ events }) });
  expect(seeded.status).toBe(200);
  const xss = await api('/events', {
    method: 'POST',
    body: JSON.stringify({
      group: `org_${XSS_IMG}`,
      location: '198.51.100.66',
      action: 'user.xss_attempted',
      action_type: 'C',
      actor_name: `Mallory ${XSS_SCRIPT}`,
      actor_id: 'mallory',
      target_name: XSS_IMG,
      target_id: 'evil',
      occurred_at: new Date().toISOString(),
      metadata: { note: `${XSS_SCRIPT}${XSS_IMG}`, rtl: '\u202egnp.exe' },
    }),
  });
  expect(xss.status).toBe(201);
  xssEventId = xss.body.id;
  // A failing request whose error names a hostile field, for the usage page.
  const hostile = await api('/events', {
    method: 'POST',
    body: JSON.stringify({ group: 'g', location: 'l', action: 'a.b', action_type: 'C', actor_name: 'n', actor_id: 'i', target_name: 't', target_id: '', occurred_at: new Date().toISOString(), [XSS_IMG]: 1 }),
  });
  expect(hostile.status).toBe(422);

  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (d) => {
    pageErrors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('sign-in', () => {
  it('refuses a wrong password, then signs in', async () => {
    await page.goto(`${BASE}/projects/proj_demo/events`);
    expect(page.url()).toContain('/login?next=');
    await shot('login');
    await page.fill('[data-testid=password]', 'not-the-password');
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/login')), page.click('[data-testid=sign-in]')]);
    expect(res.status()).toBe(401);
    await expect(page.locator('[data-testid=login-error]').innerText()).resolves.toContain('not right');
    await page.fill('[data-testid=password]', E2E_VARS.ADMIN_PASSWORD);
    await page.click('[data-testid=sign-in]');
    await page.waitForURL(`${BASE}${DEMO}`);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'wm_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await rowCount()).toBe(50);
    await shot('events');
  });
});

describe('the Audit Events Viewer', () => {
  // Live: the results follow the keystrokes, no Enter. How fast is `npm run bench`'s job
  // (search p95 through the Worker), not a timed assertion on a shared CI machine.
  it('finds Clarence Birdseye while "clar" is typed letter by letter, without pressing Enter', async () => {
    await page.goto(`${BASE}${DEMO}`);
    const search = page.locator('[data-testid=search]');
    await search.pressSequentially('clar', { delay: 80 });
    await waitForResults('clar');
    const actors = await columnTexts(2);
    expect(actors.length).toBeGreaterThan(0);
    expect(actors[0]).toContain('Clarence');
    expect(page.url()).toBe(`${BASE}${DEMO}?q=clar`);
    await shot('search-clar');
  });

  it('searches an email and an exact event id', async () => {
    await page.goto(`${BASE}${DEMO}?q=${encodeURIComponent('clarence.birdseye@birdseye.example')}`);
    const actors = await columnTexts(2);
    expect(actors.length).toBeGreaterThan(0);
    for (const a of actors) expect(a).toContain('clarence.birdseye@birdseye.example');

    const { body } = await api('/events?limit=5');
    const id = body.data[3].id;
    await page.fill('[data-testid=search]', id);
    await waitForResults(id);
    expect(await rowCount()).toBe(1);
    expect(await page.locator('tr[data-event-id]').getAttribute('data-event-id')).toBe(id);
  });

  it('applies each filter, alone and combined with search', async () => {
    await page.goto(`${BASE}${DEMO}`);
    await page.selectOption('[data-testid=action]', 'document.exported');
    await page.waitForURL(/action=document.exported/);
    await page.waitForFunction(() => [...document.querySelectorAll('table.events tbody tr[data-event-id] td:nth-child(3)')].every((td) => td.textContent === 'document.exported'));
    expect(new Set(await columnTexts(3))).toEqual(new Set(['document.exported']));

    const orgs = await page.locator('[data-testid=org] option').allTextContents();
    const org = orgs.find((o) => o.includes('BIRDSEYE'))!;
    await page.selectOption('[data-testid=org]', org);
    await page.waitForURL(/org=/);
    await page.waitForFunction((org) => [...document.querySelectorAll('table.events tbody tr[data-event-id] td:nth-child(5)')].every((td) => td.textContent === org), org);

    await page.goto(`${BASE}${DEMO}`);
    // The actor field suggests while typing and searches when the value is committed (Enter, or leaving it).
    await page.fill('[data-testid=actor]', 'clarence.birdseye@birdseye.example');
    await page.press('[data-testid=actor]', 'Enter');
    await page.waitForURL(/actor=/);
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('table.events tbody tr[data-event-id] td:nth-child(2)')];
      return cells.length > 0 && cells.every((td) => td.textContent?.includes('clarence.birdseye@'));
    });

    await page.goto(`${BASE}${DEMO}`);
    await page.selectOption('[data-testid=range]', '24h');
    await page.waitForURL(/range=24h/);
    await page.waitForTimeout(300);
    const times = await page.locator('table.events tbody tr[data-event-id] time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    for (const t of times) expect(Date.now() - Date.parse(t)).toBeLessThan(86_400_000 + 60_000);

    const from = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 16);
    const to = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 16);
    await page.goto(`${BASE}${DEMO}?from=${from}&to=${to}&q=signed`);
    const custom = await page.locator('table.events tbody tr[data-event-id] time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime')!)));
    expect(custom.length).toBeGreaterThan(0);
    for (const t of custom) {
      expect(t).toBeGreaterThanOrEqual(Date.parse(`${from}:00Z`));
      expect(t).toBeLessThan(Date.parse(`${to}:00Z`));
    }
    await shot('filters');
  });

  it('loads more rows in place with a cursor', async () => {
    await page.goto(`${BASE}${DEMO}`);
    expect(await rowCount()).toBe(50);
    await page.click('[data-testid=load-more]');
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr[data-event-id]').length >= 100);
    const ids = await page.locator('tr[data-event-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-event-id')));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('opens an event detail by its own URL, and goes back and forward', async () => {
    await page.goto(`${BASE}${DEMO}`);
    await page.fill('[data-testid=search]', 'Birdseye');
    await waitForResults('Birdseye');
    await page.locator('a.row-link').first().click();
    await page.waitForURL(/\/events\/evt_/);
    const detailUrl = page.url();
    await expect(page.locator('[data-testid=event-detail]').innerText()).resolves.toContain('Raw JSON');
    await shot('event-detail');
    await page.goBack();
    await page.waitForURL(/q=Birdseye/);
    expect(await page.locator('[data-testid=search]').inputValue()).toBe('Birdseye');
    expect(await rowCount()).toBeGreaterThan(0);
    await page.goForward();
    await page.waitForURL(detailUrl);
    await expect(page.locator('[data-testid=event-detail]').isVisible()).resolves.toBe(true);
  });

  it('shows HTML and scripts in event fields as inert text everywhere', async () => {
    await page.goto(`${BASE}${DEMO}?q=${encodeURIComponent(XSS_SCRIPT)}`);
    await page.goto(`${BASE}${DEMO}?q=Mallory`);
    expect(await rowCount()).toBe(1);
    const row = await page.locator('tr[data-event-id]').innerText();
    expect(row).toContain(XSS_SCRIPT);
    expect(row).toContain(XSS_IMG);
    await page.goto(`${BASE}${DEMO}/${xssEventId}`);
    const detail = await page.locator('[data-testid=event-detail]').innerText();
    expect(detail).toContain(XSS_SCRIPT);
    expect(await page.locator('[data-testid=raw-json]').innerText()).toContain(XSS_SCRIPT);
    await shot('xss-detail');
    await page.goto(`${BASE}/projects/proj_demo/usage`);
    expect(await page.locator('[data-testid=failures-table]').innerText()).toContain('<img src=x onerror=');
    await page.goto(`${BASE}${DEMO}?q=${encodeURIComponent(XSS_IMG)}`);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe('projects and keys', () => {
  it('switches project from the switcher', async () => {
    await page.goto(`${BASE}${DEMO}`);
    await page.click('.switcher summary');
    await page.click('.switcher a:has-text("Default")');
    await page.waitForURL(`${BASE}/projects/proj_default/events`);
    expect(await page.locator('[data-testid=current-project]').innerText()).toBe('Default');
    await expect(page.locator('#results').innerText()).resolves.toContain('No events yet');
    await shot('empty-project');
  });

  it('creates a project, creates a key shown once, uses it, and revokes it', async () => {
    await page.click('.switcher summary');
    await page.fill('.new-project input[name=name]', 'Billing service');
    await page.click('.new-project button');
    await page.waitForURL(/\/projects\/proj_[0-9A-Z]+\/keys/);
    expect(await page.locator('[data-testid=current-project]').innerText()).toBe('Billing service');

    await page.fill('[data-testid=key-name]', 'CI key');
    await page.click('[data-testid=create-key]');
    const plain = await page.locator('[data-testid=new-key-value]').innerText();
    expect(plain).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    await shot('key-created');
    expect((await api('/events', { key: plain })).status).toBe(200);

    await page.reload();
    expect(await page.locator('[data-testid=new-key]').count()).toBe(0);
    expect(await page.locator('[data-testid=keys-table]').innerText()).toContain(`sk_test_…${plain.slice(-4)}`);
    expect(await page.content()).not.toContain(plain);

    await page.click('[data-testid=revoke]');
    await page.click('[data-testid=confirm-revoke]');
    await expect(page.locator('[data-testid=keys-table]').innerText()).resolves.toContain('Revoked');
    expect((await api('/events', { key: plain })).status).toBe(401);
    await shot('key-revoked');
  });

  it('creates a write-only key, and rotates it with an overlap', async () => {
    await page.fill('[data-testid=key-name]', 'Ingest only');
    await page.uncheck('[data-testid=scope-read]');
    await page.click('[data-testid=create-key]');
    const writer = await page.locator('[data-testid=new-key-value]').innerText();
    expect((await api('/events', { key: writer })).status).toBe(403);
    const row = page.locator('tr', { hasText: 'Ingest only' }).first();
    expect(await row.locator('[data-testid=key-scopes]').innerText()).toBe('write');

    await row.locator('[data-testid=rotate]').click();
    await row.locator('[data-testid=rotate-overlap]').selectOption('1');
    await row.locator('[data-testid=confirm-rotate]').click();
    const rotated = await page.locator('[data-testid=new-key-value]').innerText();
    expect(rotated).not.toBe(writer);
    expect(await page.locator('[data-testid=keys-table]').innerText()).toMatch(/rotated; stops/);
    await shot('key-rotated');
  });

  it('lists actions with their schema versions side by side', async () => {
    const schema = (extra: object) => ({ targets: [{ type: 'report', metadata: { type: 'object', properties: { pages: { type: 'number' } } } }], ...extra });
    expect((await api('/audit_logs/actions/report.generated/schemas', { method: 'POST', body: JSON.stringify(schema({})) })).status).toBe(201);
    const v2 = schema({ metadata: { type: 'object', properties: { format: { type: 'string' } }, required: ['format'] } });
    expect((await api('/audit_logs/actions/report.generated/schemas', { method: 'POST', body: JSON.stringify(v2) })).status).toBe(201);
    await page.goto(`${BASE}/projects/proj_demo/actions`);
    const row = page.locator('tr[data-action="report.generated"]');
    await row.locator('summary').click();
    expect(await row.locator('[data-testid=schema-version]').count()).toBe(2);
    expect(await row.innerText()).toContain('format: string (required)');
    expect(await page.locator('[data-testid=actions-table]').innerText()).toContain('user.signed_in');
    await shot('actions');

    // "Require a schema": on, an action without one is refused; off again for the other tests.
    await page.click('[data-testid=require-schema-toggle]');
    expect(await page.locator('[data-testid=require-schema-state]').innerText()).toBe('On:');
    const refused = await api('/audit_logs/events', {
      method: 'POST',
      body: JSON.stringify({ organization_id: 'org_x', event: { action: 'never.schemed', occurred_at: new Date().toISOString(), actor: { id: 'u', type: 'user' }, targets: [], context: { location: '192.0.2.9' } } }),
    });
    expect(refused.status).toBe(400);
    await page.click('[data-testid=require-schema-toggle]');
    expect(await page.locator('[data-testid=require-schema-state]').innerText()).toBe('Off:');
  });

  it('shows usage with a chart, endpoints and recent failures', async () => {
    await page.goto(`${BASE}/projects/proj_demo/usage`);
    expect(Number((await page.locator('[data-testid=total-requests]').innerText()).replace(/,/g, ''))).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=requests-chart] rect').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=endpoints-table]').innerText()).toContain('POST /audit_logs/events/batch');
    await shot('usage');
  });

  it('works on a phone-sized screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${BASE}${DEMO}?q=clarence`);
    expect(await phone.locator('table.events tbody tr[data-event-id]').count()).toBeGreaterThan(0);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('mobile-events', phone);
    await phone.close();
  });

  it('signs out', async () => {
    await page.goto(`${BASE}${DEMO}`);
    await page.click('.signout button');
    await page.waitForURL(/\/login/);
    await page.goto(`${BASE}${DEMO}`);
    expect(page.url()).toContain('/login');
  });
});

describe('response headers', () => {
  it('sends a strict CSP and friends on pages', async () => {
    const res = await fetch(`${BASE}/login`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
  });
});

