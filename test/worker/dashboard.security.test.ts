// The dashboard's guards, without a browser: sessions, CSRF, lockout, escaping, fragments.
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, DEMO_KEY, legacyEvent, ORIGIN, page, signIn as signInAs } from './helpers';

async function signIn(client = '198.51.100.1'): Promise<{ cookie: string; csrf: string }> {
  const session = await signInAs({ client, next: '/projects/proj_demo/keys' });
  expect(session.response.headers.get('location')).toBe('/projects/proj_demo/keys');
  const setCookie = session.response.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  return session;
}

describe('sessions', () => {
  it('sends signed-out visitors to the sign-in page, and htmx requests get HX-Redirect', async () => {
    const res = await page('/projects/proj_demo/events?q=x');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fprojects%2Fproj_demo%2Fevents%3Fq%3Dx');
    const hx = await page('/projects/proj_demo/events', { headers: { 'hx-request': 'true' } });
    expect(hx.status).toBe(401);
    expect(hx.headers.get('hx-redirect')).toMatch(/^\/login/);
  });

  it('refuses a tampered or forged cookie', async () => {
    const { cookie } = await signIn();
    const [name, value] = cookie.split('=');
    const [payload, sig] = value.split('.');
    const forgedPayload = btoa(JSON.stringify({ exp: 9999999999, csrf: 'x' })).replace(/=+$/, '');
    for (const bad of [`${name}=${payload}.${sig.slice(0, -2)}xx`, `${name}=${forgedPayload}.${sig}`, `${name}=garbage`, `${name}=a.b.c`]) {
      const res = await page('/projects/proj_demo/events', { headers: { cookie: bad } });
      expect(res.status).toBe(303);
    }
  });

  it('marks the cookie Secure outside localhost', async () => {
    const res = await exports.default.fetch(
      new Request('https://audit.example.com/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '198.51.100.2', origin: 'https://audit.example.com' },
        body: 'password=test-admin-password',
        redirect: 'manual',
      }),
    );
    expect(res.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('never redirects off-site after sign-in', async () => {
    const res = await page('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '198.51.100.3', origin: ORIGIN },
      body: `password=test-admin-password&next=${encodeURIComponent('//evil.example/x')}`,
    });
    expect(res.headers.get('location')).toBe('/');
  });

  it('pauses sign-in after repeated failures from one address', async () => {
    const attempt = (password: string) =>
      page('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '203.0.113.99', origin: ORIGIN },
        body: `password=${password}`,
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong')).status).toBe(401);
    const locked = await attempt('test-admin-password');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await locked.text()).toContain('Too many failed attempts');
  });
});

describe('CSRF', () => {
  it('refuses a state change without the token, with a wrong token, or from another origin', async () => {
    const { cookie, csrf } = await signIn('198.51.100.4');
    const post = (body: string, headers: Record<string, string> = {}) =>
      page('/projects/proj_demo/keys', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expect((await post('name=x')).status).toBe(403);
    expect((await post('name=x&_csrf=wrong')).status).toBe(403);
    expect((await post(`name=x&_csrf=${csrf}`, { origin: 'https://evil.example' })).status).toBe(403);
    const ok = await post(`name=x&_csrf=${csrf}`, { origin: ORIGIN });
    expect(ok.status).toBe(303);
  });
});

describe('origin check (hono/csrf)', () => {
  it('refuses a form POST with no Origin or a foreign one, even with a right password or token', async () => {
    const login = (headers: Record<string, string>) =>
      page('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': '198.51.100.8', ...headers },
        body: 'password=test-admin-password',
      });
    for (const headers of [{}, { origin: 'https://evil.example' }, { origin: 'null' }] as Record<string, string>[]) {
      const res = await login(headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect((await login({ 'sec-fetch-site': 'same-origin' })).status).toBe(303);
    const { cookie, csrf } = await signIn('198.51.100.9');
    const logout = await page('/logout', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` });
    expect(logout.status).toBe(403);
  });
});

describe('pages and fragments', () => {
  it('renders a whole page for a plain request and a fragment for htmx', async () => {
    const { cookie } = await signIn('198.51.100.5');
    const full = await (await page('/projects/proj_demo/events?q=abc', { headers: { cookie } })).text();
    expect(full.startsWith('<!doctype html>')).toBe(true);
    expect(full).toContain('id="filters"');
    const frag = await page('/projects/proj_demo/events?q=abc', { headers: { cookie, 'hx-request': 'true', 'hx-request-type': 'partial' } });
    const text = await frag.text();
    expect(text).not.toContain('<html');
    expect(text).not.toContain('id="filters"');
    expect(frag.headers.get('hx-replace-url')).toBe('/projects/proj_demo/events?q=abc');
    const restore = await (await page('/projects/proj_demo/events?q=abc', { headers: { cookie, 'hx-request': 'true', 'hx-history-restore-request': 'true' } })).text();
    expect(restore.startsWith('<!doctype html>')).toBe(true);
  });

  it('escapes event fields in every page', async () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const r = await call('POST', '/events', { key: (await import('./helpers')).DEMO_KEY, body: legacyEvent({ actor_name: evil, target_name: evil, group: evil, metadata: { [`k`]: evil } }) });
    expect(r.status).toBe(201);
    const { cookie } = await signIn('198.51.100.6');
    for (const path of [`/projects/proj_demo/events?q=${encodeURIComponent(evil)}`, `/projects/proj_demo/events/${r.body.id}`, '/projects/proj_demo/events']) {
      const html = await (await page(path, { headers: { cookie } })).text();
      expect(html).not.toContain('<script>alert(1)');
      expect(html).not.toContain('<img src=x');
    }
    const detail = await (await page(`/projects/proj_demo/events/${r.body.id}`, { headers: { cookie } })).text();
    expect(detail).toContain('&lt;script>alert(1)&lt;/script>');
  });

  it('answers unknown projects and events with an HTML 404', async () => {
    const { cookie } = await signIn('198.51.100.7');
    for (const path of ['/projects/proj_nope/events', '/projects/proj_demo/events/evt_01HZZZZZZZZZZZZZZZZZZZZZZZ', '/projects/..%2F..%2Fetc/events']) {
      const res = await page(path, { headers: { cookie } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });

  it('sends security headers', async () => {
    const res = await page('/login');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  });
});

describe('actor suggestions', () => {
  it("suggest the project's own actors by prefix, never another project's", async () => {
    await call('POST', '/events', { body: legacyEvent({ actor_name: 'Zyxwvut Default', actor_id: 'user_zyx_default' }) });
    await call('POST', '/events', { key: DEMO_KEY, body: legacyEvent({ actor_name: 'Zyxwvut Demo', actor_id: 'user_zyx_demo' }) });
    const { cookie } = await signIn('198.51.100.31');
    const html = await (await page('/projects/proj_demo/events/actors?prefix=zyxw', { headers: { cookie, 'hx-request': 'true' } })).text();
    expect(html).toContain('Zyxwvut Demo');
    expect(html).not.toContain('Default');
    expect(html).not.toContain('user_zyx_default');
    // Too short, or nothing but punctuation: no query, no options.
    for (const prefix of ['z', '"', '%20%20']) {
      const none = await (await page(`/projects/proj_demo/events/actors?prefix=${prefix}`, { headers: { cookie } })).text();
      expect(none).not.toContain('<option');
    }
  });
});
