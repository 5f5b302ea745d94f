// Helpers for tests that run inside workerd against the real Worker.
import { env, exports } from 'cloudflare:workers';
import { decodeRaw, type RowText, type StoredRaw } from '../../src/events/stored-raw';

export const DEFAULT_KEY = 'sk_test_DefaultDefaultDefaultDefault0001';
export const DEMO_KEY = 'sk_test_DemoDemoDemoDemoDemoDemoDemo0002';

export async function call(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const key = options.key === undefined ? DEFAULT_KEY : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await exports.default.fetch(new Request(`http://waymark.test${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, headers: res.headers, text };
}

let counter = 0;

export function legacyEvent(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    group: 'foo-corp.com',
    location: '203.0.113.7',
    action: 'user.signed_in',
    action_type: 'R',
    actor_name: 'clarence@example.com',
    actor_id: `user_${counter}`,
    target_name: 'dashboard',
    target_id: 'dash_1',
    occurred_at: new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + counter * 1000).toISOString(),
    ...overrides,
  };
}

export function auditLogBody(overrides: Record<string, unknown> = {}, orgId = 'org_foo') {
  counter++;
  return {
    organization_id: orgId,
    event: {
      action: 'document.exported',
      occurred_at: new Date(Date.UTC(2026, 0, 2, 12, 0, 0) + counter * 1000).toISOString(),
      actor: { id: `user_${counter}`, type: 'user', name: 'Zoë Washburne', metadata: { email: 'zoe@serenity.io' } },
      targets: [{ id: `doc_${counter}`, type: 'document', name: 'Q3 report.pdf' }],
      context: { location: '198.51.100.4', user_agent: 'Mozilla/5.0' },
      metadata: { plan: 'pro' },
      ...overrides,
    },
  };
}

export const ORIGIN = 'http://waymark.test';

/** A dashboard request through the real Worker (redirects are not followed). */
export function page(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

export interface DashboardSession {
  cookie: string;
  csrf: string;
  /** The sign-in response (303), for tests of the sign-in itself. */
  response: Response;
}

/**
 * Signs in to the dashboard as the owner (the only way to sign in the tests share), from `client` (an IP,
 * so the per-address sign-in throttle of one test does not reach another), and reads a CSRF token from
 * `csrfFrom` (any signed-in page with a form).
 */
export async function signIn(
  options: { client?: string; next?: string; csrfFrom?: string } = {},
): Promise<DashboardSession> {
  const next = options.next ?? '/';
  const response = await page('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': options.client ?? '198.51.100.1', origin: ORIGIN },
    body: new URLSearchParams({ password: 'test-admin-password', next }).toString(),
  });
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0];
  const html = await (await page(options.csrfFrom ?? '/projects/proj_demo/keys', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('no CSRF token on the page after sign-in');
  return { cookie, csrf, response };
}

/** A form POST from the dashboard's own origin with the session's cookie and CSRF token. */
export function postForm(session: DashboardSession, path: string, form: Record<string, string | string[]>): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  if (!body.has('_csrf')) body.append('_csrf', session.csrf);
  return page(path, { method: 'POST', headers: { cookie: session.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body });
}

/**
 * Makes a team member the way a person does: the owner (`owner`) creates an invite on /members,
 * the invitee opens the link and sets a password. Returns the member's signed-in session.
 */
export async function inviteMember(
  owner: DashboardSession,
  input: { email: string; role: 'admin' | 'viewer'; password?: string; name?: string; client?: string },
): Promise<DashboardSession & { link: string }> {
  const created = await postForm(owner, '/members/invites', { email: input.email, role: input.role });
  if (created.status !== 303) throw new Error(`invite answered ${created.status}: ${await created.text()}`);
  const flash = /wm_new_invite=([^;]+)/.exec(created.headers.get('set-cookie') ?? '')?.[1];
  if (!flash) throw new Error('no invite link after creating an invite');
  const link: string = JSON.parse(decodeURIComponent(flash)).link;
  const path = new URL(link).pathname;
  const response = await page(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'cf-connecting-ip': input.client ?? '198.51.100.50' },
    body: new URLSearchParams({ name: input.name ?? input.email.split('@')[0], password: input.password ?? 'member-password-1' }).toString(),
  });
  if (response.status !== 303) throw new Error(`accepting the invite answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.get('set-cookie')!.split(';')[0];
  const html = await (await page('/account', { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error('no CSRF token on the account page');
  return { cookie, csrf, response, link };
}

/** Signs in as a member with email and password (a 303 with the session cookie, or the refusal). */
export function signInWith(email: string, password: string, client = '198.51.100.60'): Promise<Response> {
  return page('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': client, origin: ORIGIN },
    body: new URLSearchParams({ email, password, next: '/' }).toString(),
  });
}

/** The columns a stored raw event is read back with (format 2 of src/events/stored-raw.ts deflates against them). */
export const STORED_RAW_COLUMNS = `raw, typeof(raw) AS rawType, organization_id AS organizationId, action, actor_id AS actorId,
  actor_name AS actorName, actor_email AS actorEmail, location, targets`;

/** An event's raw JSON as stored, read straight from D1 and decoded; `rawType` says how it is kept. */
export async function storedRaw(id: string): Promise<{ text: string; rawType: string; source: string }> {
  const row = await env.DB.prepare(`SELECT source, ${STORED_RAW_COLUMNS} FROM events WHERE id = ?`).bind(id).first<StoredRawRow & { source: string }>();
  if (!row) throw new Error(`no event ${id}`);
  return { text: decodeRaw(row.raw, row), rawType: row.rawType, source: row.source };
}

export type StoredRawRow = RowText & { raw: StoredRaw; rawType: string };
