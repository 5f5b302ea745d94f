// The customer viewer inside a real iframe in headless Chromium: host pages served by tiny
// node:http servers on other ports (other origins) frame a viewer link. With the host's origin in
// the project's "Origins allowed to embed the viewer" (the team's viewer settings), the viewer
// loads in the frame, live search works there and the detail opens; with it not listed, Chromium
// refuses to render the frame (frame-ancestors). Two embeddings: the same site on another port
// (http://127.0.0.1:<port>, cross-origin, same-site: the Lax cookie works) and another site
// (http://localhost:<port>: the session then rides on wm_viewer_frame, SameSite=None; Secure;
// Partitioned, the attributes the viewer cookie has on HTTPS, and the time zone on wm_viewer_tz). Uses the Demo project (its own
// viewer settings). Screenshots under test/artifacts/portal-iframe-*.png.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WorkOS } from '@workos-inc/node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { signInByFetch } from './session.ts';
import { E2E_VARS } from './vars.ts';

const BASE = inject('waymarkUrl');
const url = new URL(BASE);
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const KEY = E2E_VARS.DEMO_PROJECT_SECRET_KEY;
const ORG = `org_iframe_${Date.now().toString(36)}`;
const sdk = new WorkOS(KEY, { apiHostname: url.hostname, port: Number(url.port), https: false });

let browser: Browser;
const servers: Server[] = [];

/** A host app: a page with the viewer link (the `src` query parameter) in an iframe. */
async function hostApp(): Promise<number> {
  const server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://host').searchParams.get('src') ?? '';
    if (!src.startsWith(`${BASE}/viewer/`)) {
      res.writeHead(400).end('src must be a viewer link');
      return;
    }
    const attr = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Host app</title>
<style>body{font:14px system-ui;margin:0;background:#1f2937;color:#fff}h1{font-size:16px;margin:12px 16px}iframe{display:block;margin:0 16px 16px;border:0;background:#fff;width:1200px;height:820px}</style>
</head><body><h1>Host app (${req.headers.host}) — audit log below, in an iframe</h1><iframe id="viewer" src="${attr}"></iframe></body></html>`);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function link(): Promise<string> {
  return (await sdk.adminPortal.generateLink({ intent: 'audit_logs' as never, organization: ORG })).link;
}

async function shot(p: Page, name: string) {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

let sameSitePort: number;
let crossSitePort: number;
let unlistedPort: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (let i = 0; i < 4; i++) {
    await sdk.auditLogs.createEvent(ORG, {
      action: i % 2 ? 'document.exported' : 'user.signed_in',
      occurredAt: new Date(Date.now() - i * 60_000),
      actor: { id: `user_${i}`, type: 'user', name: i % 2 ? 'Ada Lovelace' : 'Grace Hopper' },
      targets: [{ id: `doc_${i}`, type: 'document', name: `Report ${i}.pdf` }],
      context: { location: '198.51.100.7', userAgent: 'e2e' },
    });
  }
  [sameSitePort, crossSitePort, unlistedPort] = [await hostApp(), await hostApp(), await hostApp()];
  // The team lists the two embedding origins in the Demo project's viewer settings.
  const team = await signInByFetch(BASE);
  const saved = await team.post('/projects/proj_demo/viewer-settings', {
    product_name: 'Embedded Demo',
    logo_url: '',
    accent_color: '#0b7285',
    frame_ancestors: `http://127.0.0.1:${sameSitePort}\nhttp://localhost:${crossSitePort}`,
  });
  expect(saved.status).toBe(303);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.close();
});

/** Opens a host page framing a fresh link; collects the console of the whole page. */
async function openHost(origin: string, timezoneId = 'UTC') {
  const context = await browser.newContext({ viewport: { width: 1240, height: 900 }, timezoneId });
  const page = await context.newPage();
  const console: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => console.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${origin}/?src=${encodeURIComponent(await link())}`);
  return { context, page, console, errors, frame: page.frameLocator('#viewer') };
}

/** Live search, then the detail, inside the frame. */
async function useViewer(frame: ReturnType<Page['frameLocator']>) {
  await frame.getByTestId('events-table').waitFor({ timeout: 15_000 });
  expect(await frame.getByTestId('product-name').innerText()).toBe('Embedded Demo');
  expect(await frame.getByTestId('viewer-org').innerText()).toBe(ORG);
  const results = frame.locator('#results');
  expect(await results.innerText()).toContain('Grace Hopper');
  // htmx must have taken the search form before we type: on a loaded machine typing can come first, and that input
  // event is never seen (CI failed so once). htmx 4 keeps an element's listeners in `el._htmx`.
  await expect
    .poll(() => frame.locator('form#filters').evaluate((el) => (el as { _htmx?: unknown })._htmx !== undefined), { timeout: 10_000 })
    .toBe(true);
  await frame.getByTestId('search').fill('lovelace');
  await expect.poll(async () => (await results.innerText()).includes('Grace Hopper'), { timeout: 10_000 }).toBe(false);
  expect(await results.innerText()).toContain('Ada Lovelace');
  await frame.locator('#results a.row-link').first().click();
  await frame.getByTestId('event-detail').waitFor({ timeout: 10_000 });
  expect(await frame.getByTestId('event-detail').innerText()).toContain('document.exported');
}

describe('the viewer in an iframe', () => {
  it('loads, searches live and opens the detail when the host origin is listed (same site, another port)', async () => {
    const { context, page, errors, frame } = await openHost(`http://127.0.0.1:${sameSitePort}`);
    await useViewer(frame);
    await shot(page, 'portal-iframe-same-site');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works from another site (localhost vs 127.0.0.1) with the SameSite=None; Secure; Partitioned cookie', async () => {
    const { context, page, errors, frame } = await openHost(`http://localhost:${crossSitePort}`, 'Europe/Paris');
    // The browser's zone reaches the frame through wm_viewer_tz (the Lax wm_tz cannot): times in Paris time.
    await expect.poll(async () => frame.getByTestId('zone-label').innerText().catch(() => ''), { timeout: 10_000 }).toBe('(Europe/Paris)');
    await useViewer(frame);
    expect(await frame.getByTestId('event-detail').innerText()).toMatch(/Occurred at \(Europe\/Paris\)|CET|GMT\+1/);
    await shot(page, 'portal-iframe-cross-site');
    // The Lax cookie was refused in the cross-site frame; the partitioned one carried the session.
    // (Partitioned cookies are listed only without a URL filter.)
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name).sort()).toEqual(['wm_viewer_frame', 'wm_viewer_tz']);
    expect(cookies.find((c) => c.name === 'wm_viewer_tz')).toMatchObject({ value: 'Europe%2FParis', path: '/viewer', sameSite: 'None', secure: true, partitionKey: 'http://localhost' });
    expect(cookies.find((c) => c.name === 'wm_viewer_frame')).toMatchObject({ domain: '127.0.0.1', sameSite: 'None', secure: true, httpOnly: true, path: '/viewer', partitionKey: 'http://localhost' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is refused by Chromium (frame-ancestors) when the host origin is not listed', async () => {
    const { context, page, console, frame } = await openHost(`http://127.0.0.1:${unlistedPort}`);
    await expect.poll(() => console.some((m) => m.includes('frame-ancestors')), { timeout: 10_000 }).toBe(true);
    const child = page.frames().find((f) => f !== page.mainFrame())!;
    expect(child.url()).not.toContain('/viewer/');
    expect(await frame.getByTestId('events-table').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('Grace Hopper');
    await shot(page, 'portal-iframe-refused');
    await context.close();
  });
});
