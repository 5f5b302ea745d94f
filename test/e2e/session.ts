// Signing in to the dashboard from the e2e tests: one place, so a change to how people sign in
// changes every test's sign-in at once.
import type { Page } from 'playwright-core';
import { E2E_VARS } from './vars.ts';

/** Signs in as the owner in a browser page and waits for the first project page. */
export async function signIn(p: Page, base: string): Promise<void> {
  await p.goto(`${base}/login`);
  await p.fill('[data-testid=password]', E2E_VARS.ADMIN_PASSWORD);
  await p.click('[data-testid=sign-in]');
  await p.waitForURL(/\/projects\//);
}

export interface FetchSession {
  cookie: string;
  csrf: string;
  /** A same-origin form POST with the session's cookie and CSRF token (redirects not followed). */
  post(path: string, body: Record<string, string>): Promise<Response>;
}

/** Signs in as the owner with plain HTTP requests (no browser). */
export async function signInByFetch(origin: string): Promise<FetchSession> {
  const form = (cookie: string, body: Record<string, string>) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin, cookie },
    body: new URLSearchParams(body).toString(),
  });
  const login = await fetch(`${origin}/login`, form('', { password: E2E_VARS.ADMIN_PASSWORD, next: '/' }));
  if (login.status !== 303) throw new Error(`sign-in answered ${login.status}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  const html = await (await fetch(`${origin}/projects/proj_demo/keys`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1];
  return { cookie, csrf, post: (path, body) => fetch(`${origin}${path}`, form(cookie, { _csrf: csrf, ...body })) };
}
