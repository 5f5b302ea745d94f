// Team accounts in a real headless Chromium: the owner invites a viewer, who joins with a
// password (and, in the second test, a passkey through Chromium's virtual authenticator),
// searches Demo's events and is refused the keys page by URL; the owner's key changes show
// up in the Waymark project's own trail with the owner as actor.
// WebAuthn needs a host name as its RP ID (not an IP address), so this file uses
// http://localhost:<port> (a secure context) for the Worker that listens on 127.0.0.1.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { signIn } from './session.ts';
import { E2E_VARS } from './vars.ts';

const BASE = inject('waymarkUrl').replace('//127.0.0.1:', '//localhost:');
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const WORD = `zanzibar${Date.now().toString(36)}`;

let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { context, page };
}

const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** The owner creates an invite on /members and reads the link, shown once. */
async function invite(owner: Page, email: string): Promise<string> {
  await owner.goto(`${BASE}/members`);
  await owner.fill('[data-testid=invite-email-input]', email);
  await owner.selectOption('[data-testid=invite-role-input]', 'viewer');
  await owner.click('[data-testid=invite-submit]');
  await owner.waitForSelector('[data-testid=invite-link]');
  return owner.locator('[data-testid=invite-link]').innerText();
}

/** A viewer's checks: searches Demo's events, and the keys page by URL is a 403. */
async function viewerChecks(p: Page, name: string) {
  await p.goto(`${BASE}/projects/proj_demo/events`);
  expect(await p.locator('[data-testid=signed-in-as]').innerText()).toContain('viewer');
  expect(await p.locator('nav[aria-label=Sections]').innerText()).not.toContain('API Keys');
  await p.fill('[data-testid=search]', WORD);
  await p.waitForFunction((w) => document.querySelectorAll('table.events tbody tr[data-event-id]').length === 2 && document.body.innerText.includes(w), WORD, { timeout: 10_000 });
  await shot(p, `teams-${name}-search`);
  const keys = await p.goto(`${BASE}/projects/proj_demo/keys`);
  expect(keys!.status()).toBe(403);
  expect(await p.locator('body').innerText()).toContain('signed in as a viewer');
  await shot(p, `teams-${name}-keys-403`);
  expect((await p.goto(`${BASE}/projects/proj_waymark/events`))!.status()).toBe(403);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const res = await fetch(`${BASE}/audit_logs/events/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${E2E_VARS.DEMO_PROJECT_SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      events: [1, 2].map((i) => ({
        organization_id: 'org_teams',
        event: {
          action: 'document.viewed',
          occurred_at: new Date(Date.now() - i * 1000).toISOString(),
          actor: { id: `user_${i}`, type: 'user', name: `Reader ${i}` },
          targets: [{ id: `doc_${i}`, type: 'document', name: `${WORD} plan ${i}` }],
          context: { location: '203.0.113.9' },
        },
      })),
    }),
  });
  expect(res.status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  expect(pageErrors).toEqual([]);
});

describe('team accounts in Chromium', () => {
  it('owner invites a viewer who joins with a password; the owner’s key changes land in the Waymark trail', async () => {
    const { page: owner } = await newPage();
    await signIn(owner, BASE);
    const link = await invite(owner, 'viola@example.com');
    expect(link).toMatch(new RegExp(`^${BASE}/invite/[A-Za-z0-9]{43}$`));
    await shot(owner, 'teams-invite-created');
    await owner.reload();
    expect(await owner.locator('[data-testid=invite-link]').count()).toBe(0);

    // The viewer, in a fresh browser context, opens the link and sets a password.
    const { page: viewer } = await newPage();
    await viewer.goto(link);
    expect(await viewer.locator('[data-testid=invite-role]').innerText()).toBe('viewer');
    await shot(viewer, 'teams-invite-page');
    await viewer.fill('[data-testid=invite-name]', 'Viola Viewer');
    await viewer.fill('[data-testid=invite-password]', 'viola-password-1');
    await viewer.click('[data-testid=invite-accept]');
    await viewer.waitForURL(/\/projects\/proj_[a-z]+\/events/);
    // The link worked once.
    expect((await viewer.goto(link))!.status()).toBe(404);
    // Sign out (the session ends on the server) and sign in with email and password.
    await viewer.goto(`${BASE}/account`);
    await viewer.click('.signout button');
    await viewer.waitForURL(/\/login/);
    await viewer.fill('[data-testid=email]', 'viola@example.com');
    await viewer.fill('[data-testid=password]', 'viola-password-1');
    await viewer.click('[data-testid=sign-in]');
    await viewer.waitForURL(/\/projects\//);
    await viewerChecks(viewer, 'password');

    // The owner creates and revokes a key.
    await owner.goto(`${BASE}/projects/proj_default/keys`);
    await owner.fill('[data-testid=key-name]', 'Teams e2e key');
    await owner.click('[data-testid=create-key]');
    await owner.waitForSelector('[data-testid=new-key-value]');
    await owner.click('[data-testid=revoke]');
    await owner.click('[data-testid=confirm-revoke]');
    await expect(owner.locator('[data-testid=keys-table]').innerText()).resolves.toContain('Revoked');

    // The Waymark project's viewer shows both, with the owner as actor.
    await owner.goto(`${BASE}/projects/proj_waymark/events`);
    await owner.fill('[data-testid=search]', 'api_key');
    await owner.waitForFunction(() => {
      const text = document.querySelector('table.events tbody')?.textContent ?? '';
      return text.includes('api_key.created') && text.includes('api_key.revoked');
    }, undefined, { timeout: 10_000 });
    const rows = await owner.locator('table.events tbody tr[data-event-id]').allInnerTexts();
    const created = rows.find((r) => r.includes('api_key.created'))!;
    const revoked = rows.find((r) => r.includes('api_key.revoked'))!;
    for (const row of [created, revoked]) expect(row).toMatch(/Owner|owner@waymark\.local/);
    await shot(owner, 'teams-waymark-trail');
  });

  it('an invitee registers a passkey with Chromium’s virtual authenticator and signs in with it', async () => {
    const { page: owner } = await newPage();
    await signIn(owner, BASE);
    const link = await invite(owner, 'pia@example.com');

    const { context, page: viewer } = await newPage();
    const cdp = await context.newCDPSession(viewer);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await viewer.goto(link);
    await viewer.fill('[data-testid=invite-name]', 'Pia Passkey');
    await viewer.click('[data-testid=invite-passkey]');
    await viewer.waitForURL(/\/projects\/proj_[a-z]+\/events/, { timeout: 15_000 });
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0].rpId).toBe('localhost');

    // Sign out, then sign in with the passkey alone.
    await viewer.click('.signout button');
    await viewer.waitForURL(/\/login/);
    await shot(viewer, 'teams-login');
    await viewer.click('[data-testid=passkey-sign-in]');
    await viewer.waitForURL(/\/projects\//, { timeout: 15_000 });
    expect(await viewer.locator('[data-testid=signed-in-as]').innerText()).toContain('Pia Passkey');
    await viewerChecks(viewer, 'passkey');

    // The owner sees the passkey-only member on the Members page.
    await owner.goto(`${BASE}/members`);
    expect(await owner.locator('[data-testid="member-pia@example.com"]').innerText()).toContain('1 passkey');
    await shot(owner, 'teams-members');
  });
});
