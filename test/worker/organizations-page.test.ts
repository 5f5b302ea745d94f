// The dashboard's Organizations page: what it shows, its forms (CSRF, bad input as inert
// 422 text, nothing changed), and organization names in the events viewer.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/lib/db';
import { getRetention } from '../../src/organizations/retention';
import { createProject, getProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { auditLogBody, call, page, postForm, signIn, type DashboardSession } from './helpers';

const NOW = Date.now();
const db = drizzle(env.DB) as unknown as Db;
let projectId: string;
let key: string;
let session: DashboardSession;
let namedId: string;

beforeAll(async () => {
  const project = await createProject(env.KV, { name: 'Org page', now: NOW });
  projectId = project.id;
  key = (await createKey(env.KV, { projectId, mode: 'test', name: 'k', now: NOW })).plain;
  namedId = (await call('POST', '/organizations', { key, body: { name: 'Acme <script>alert(1)</script>' } })).body.id;
  for (const org of [namedId, namedId, 'org_plain']) expect((await call('POST', '/audit_logs/events', { key, body: auditLogBody({}, org) })).status).toBe(200);
  session = await signIn({ client: '198.51.100.61' });
});

const html = async (path: string) => {
  const res = await page(path, { headers: { cookie: session.cookie } });
  return { status: res.status, text: await res.text() };
};

describe('Organizations page', () => {
  it('lists each organization with its name (escaped), id, event count, retention and hold', async () => {
    const r = await html(`/projects/${projectId}/organizations`);
    expect(r.status).toBe(200);
    expect(r.text).toContain('Acme &lt;script>alert(1)&lt;/script>');
    expect(r.text).not.toContain('<script>alert(1)');
    expect(r.text).toMatch(new RegExp(`data-organization="${namedId}"[\\s\\S]*?data-testid="event-count"[^>]*>2<`));
    expect(r.text).toMatch(/data-organization="org_plain"[\s\S]*?not created through the API[\s\S]*?data-testid="event-count"[^>]*>1</);
    expect(r.text).toContain('aria-current="page">Organizations');
  });

  it('sets retention, the hold and the project default through CSRF-protected forms', async () => {
    const base = `/projects/${projectId}/organizations`;
    expect((await postForm(session, `${base}/retention`, { organization_id: 'org_plain', days: '45' })).status).toBe(303);
    expect(await getRetention(db, projectId, 'org_plain', null)).toMatchObject({ days: 45, source: 'organization' });
    expect((await postForm(session, `${base}/hold`, { organization_id: 'org_plain', hold: 'on' })).status).toBe(303);
    expect((await getRetention(db, projectId, 'org_plain', null)).legalHold).toBe(true);
    expect((await postForm(session, `${base}/retention`, { organization_id: 'org_plain', days: '' })).status).toBe(303);
    expect(await getRetention(db, projectId, 'org_plain', null)).toMatchObject({ days: null, source: 'organization', legalHold: true });
    expect((await postForm(session, `${base}/retention`, { organization_id: 'org_plain', days: 'default' })).status).toBe(303);
    expect((await getRetention(db, projectId, 'org_plain', 9)).source).toBe('project');
    expect((await postForm(session, `${base}/default-retention`, { days: '400' })).status).toBe(303);
    expect((await getProject(env.KV, projectId))!.retention_days).toBe(400);
    expect((await postForm(session, `${base}/managed`, { managed: 'on' })).status).toBe(303);
    expect((await getProject(env.KV, projectId))!.managed_organizations).toBe(true);
    expect((await postForm(session, `${base}/managed`, { managed: 'off' })).status).toBe(303);
    const shown = await html(base);
    expect(shown.text).toMatch(/data-testid="default-retention-value">400 days</);
    expect(shown.text).toMatch(/data-organization="org_plain"[\s\S]*?On hold/);

    // Without the CSRF token, or from another origin: refused, nothing changed.
    const forged = await postForm(session, `${base}/hold`, { organization_id: 'org_plain', hold: 'off', _csrf: 'wrong' });
    expect(forged.status).toBe(403);
    expect((await getRetention(db, projectId, 'org_plain', null)).legalHold).toBe(true);
  });

  it('answers bad input with a 422 page naming the field, and changes nothing', async () => {
    const base = `/projects/${projectId}/organizations`;
    for (const days of ['0', '-3', 'ten', '1.5', '99999999']) {
      const res = await postForm(session, `${base}/retention`, { organization_id: namedId, days });
      expect(res.status, days).toBe(422);
      expect(await res.text()).toContain('days');
    }
    expect((await postForm(session, `${base}/default-retention`, { days: '0' })).status).toBe(422);
    expect((await postForm(session, `${base}/hold`, { organization_id: namedId, hold: 'maybe' })).status).toBe(422);
    const noOrg = await postForm(session, `${base}/hold`, { organization_id: '', hold: 'on' });
    expect(noOrg.status).toBe(422);
    expect(await noOrg.text()).toContain('organization_id');
    expect((await getRetention(db, projectId, namedId, null)).source).toBe('project');
    expect((await getProject(env.KV, projectId))!.retention_days).toBe(400);
  });

  it('shows organization names in the events viewer: rows, picker and detail', async () => {
    const list = await html(`/projects/${projectId}/events`);
    expect(list.text).toContain(`Acme &lt;script>alert(1)&lt;/script> (${namedId})`);
    expect(list.text).toMatch(/class="org-name">Acme &lt;script>/);
    const stored = await call('GET', `/audit_logs/events?organization_id[]=${namedId}&limit=1`, { key });
    const detail = await html(`/projects/${projectId}/events/${stored.body.data[0].id}`);
    expect(detail.text).toContain('Organization name');
    expect(detail.text).toContain('Acme &lt;script>');
  });

  it("never shows another project's organization names", async () => {
    const other = await createProject(env.KV, { name: 'Org page other', now: NOW });
    const otherKey = (await createKey(env.KV, { projectId: other.id, mode: 'test', name: 'k', now: NOW })).plain;
    // Events in the other project that name this project's organization id.
    expect((await call('POST', '/audit_logs/events', { key: otherKey, body: auditLogBody({}, namedId) })).status).toBe(200);
    const list = await html(`/projects/${other.id}/events`);
    expect(list.text).toContain(namedId);
    expect(list.text).not.toContain('Acme');
    const orgs = await html(`/projects/${other.id}/organizations`);
    expect(orgs.text).not.toContain('Acme');
  });
});
