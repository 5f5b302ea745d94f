// The viewer's cookies for frames: on HTTPS the session cookie is SameSite=None; Secure;
// Partitioned; on plain-http loopback a Lax cookie plus wm_viewer_frame (the HTTPS attributes);
// any other host gets the HTTPS attributes. The viewer reads the time zone from
// wm_viewer_tz (app.js's copy of wm_tz that reaches a cross-site iframe) before wm_tz.
import { env, exports } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { call, page } from './helpers';

/** Opens a fresh link for `org` on `origin`; the Set-Cookie lines. */
async function open(origin: string, org = 'org_frame_a'): Promise<string[]> {
  const res = await call('POST', '/portal/generate_link', { body: { intent: 'audit_logs', organization: org } });
  expect(res.status).toBe(201);
  const link = new URL(res.body.link);
  const opened = await exports.default.fetch(new Request(`${origin}${link.pathname}${link.search}`, { redirect: 'manual' }));
  expect(opened.status).toBe(303);
  return opened.headers.getSetCookie();
}

describe('viewer cookies', () => {
  it('HTTPS: one cookie, SameSite=None; Secure; Partitioned; HttpOnly; Path=/viewer', async () => {
    const cookies = await open('https://audit.example.com');
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^wm_viewer=/);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=None', 'Partitioned', 'Path=/viewer']) expect(cookies[0]).toContain(attr);
  });

  it('plain-http loopback: a Lax cookie and wm_viewer_frame with the HTTPS attributes; both open the viewer', async () => {
    const cookies = await open('http://127.0.0.1:8787');
    expect(cookies).toHaveLength(2);
    const [lax, frame] = cookies;
    expect(lax).toMatch(/^wm_viewer=/);
    expect(lax).toContain('SameSite=Lax');
    expect(lax).not.toContain('Secure');
    expect(frame).toMatch(/^wm_viewer_frame=/);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=None', 'Partitioned', 'Path=/viewer']) expect(frame).toContain(attr);
    for (const cookie of [lax, frame]) {
      const res = await page('/viewer/events', { headers: { cookie: cookie.split(';')[0] } });
      expect(res.status).toBe(200);
    }
    // A stale (expired) Lax cookie of an older session does not hide a live frame cookie.
    const older = (await open('http://127.0.0.1:8787'))[0].split(';')[0];
    const olderId = (await (await page('/viewer/events', { headers: { cookie: older } })).text()).match(/Audit log viewer \((link_[0-9A-Z]+)\)/)?.[1];
    expect(olderId).toBeTruthy();
    await drizzle(env.DB).run(sql`UPDATE portal_sessions SET expires_at = ${Date.now() - 1} WHERE link_id = ${olderId}`);
    expect((await page('/viewer/events', { headers: { cookie: older } })).status).toBe(401);
    expect((await page('/viewer/events', { headers: { cookie: `${older}; ${frame.split(';')[0]}` } })).status).toBe(200);
    // A tampered frame cookie opens nothing.
    const value = frame.split(';')[0];
    const tampered = `${value.slice(0, 20)}${value[20] === 'a' ? 'b' : 'a'}${value.slice(21)}`;
    expect((await page('/viewer/events', { headers: { cookie: tampered } })).status).toBe(401);
  });

  it('other hosts (a deployment): one cookie with the HTTPS attributes, never a Lax one', async () => {
    const cookies = await open('http://waymark.test');
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toContain('SameSite=None');
    expect(cookies[0]).toContain('Secure');
  });
});

describe('the viewer’s time zone', () => {
  it('is read from wm_viewer_tz (which reaches a cross-site frame), then wm_tz, else UTC', async () => {
    await call('POST', '/audit_logs/events', {
      body: { organization_id: 'org_frame_tz', event: { action: 'user.signed_in', occurred_at: '2026-07-01T10:00:00.000Z', actor: { id: 'u', type: 'user' }, targets: [{ id: 't', type: 'doc' }], context: { location: '203.0.113.1' } } },
    });
    const session = (await open('http://waymark.test', 'org_frame_tz'))[0].split(';')[0];
    const shown = async (extra: string) => (await (await page('/viewer/events', { headers: { cookie: `${session}${extra}` } })).text());
    const utc = await shown('');
    expect(utc).toContain('data-testid="zone-label">(UTC)');
    expect(utc).toContain('2026-07-01 10:00');
    const paris = await shown('; wm_viewer_tz=Europe/Paris');
    expect(paris).toContain('data-testid="zone-label">(Europe/Paris)');
    expect(paris).toContain('2026-07-01 12:00');
    // wm_viewer_tz wins over wm_tz; wm_tz alone still works (top-level viewer).
    expect(await shown('; wm_tz=Asia/Tokyo; wm_viewer_tz=Europe/Paris')).toContain('data-testid="zone-label">(Europe/Paris)');
    expect(await shown('; wm_tz=Asia/Tokyo')).toContain('data-testid="zone-label">(Asia/Tokyo)');
    // A bad value is ignored (UTC), never echoed.
    const bad = await shown('; wm_viewer_tz=%3Cscript%3E');
    expect(bad).toContain('data-testid="zone-label">(UTC)');
    expect(bad).not.toContain('<script>');
  });
});
