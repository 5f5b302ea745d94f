// Organizations (WorkOS's Organizations API) and their Audit Logs retention: every endpoint,
// bad input, another project's organization as an attack, and managed organizations.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../src/lib/db';
import { drizzle } from 'drizzle-orm/d1';
import { sql } from 'drizzle-orm';
import { organizationNames } from '../../src/organizations/store';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { setProjectManagedOrganizations, setProjectRetention } from '../../src/projects/settings';
import { auditLogBody, call } from './helpers';

const NOW = Date.now();
let key: string;
let projectId: string;
let otherKey: string;
let readOnlyKey: string;

beforeAll(async () => {
  const project = await createProject(env.KV, { name: 'Orgs', now: NOW });
  projectId = project.id;
  key = (await createKey(env.KV, { projectId, mode: 'test', name: 'k', now: NOW })).plain;
  readOnlyKey = (await createKey(env.KV, { projectId, mode: 'test', name: 'r', now: NOW, scopes: ['read'] })).plain;
  const other = await createProject(env.KV, { name: 'Other', now: NOW });
  otherKey = (await createKey(env.KV, { projectId: other.id, mode: 'test', name: 'o', now: NOW })).plain;
});

describe('organizations API', () => {
  it('creates, reads, updates and deletes an organization in the WorkOS shape', async () => {
    const created = await call('POST', '/organizations', {
      key,
      body: { name: 'Foo Corp', external_id: 'ext-foo', domain_data: [{ domain: 'Foo-Corp.com', state: 'verified' }], metadata: { tier: 'gold' } },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      object: 'organization',
      name: 'Foo Corp',
      external_id: 'ext-foo',
      allow_profiles_outside_organization: false,
      metadata: { tier: 'gold' },
      domains: [{ object: 'organization_domain', domain: 'foo-corp.com', state: 'verified', organization_id: created.body.id }],
    });
    expect(created.body.id).toMatch(/^org_[0-9A-Z]{26}$/);
    expect(created.body.domains[0].id).toMatch(/^org_domain_/);
    const id = created.body.id;

    const got = await call('GET', `/organizations/${id}`, { key: readOnlyKey });
    expect(got.body).toEqual(created.body);
    const byExternal = await call('GET', '/organizations/external_id/ext-foo', { key });
    expect(byExternal.body.id).toBe(id);

    const updated = await call('PUT', `/organizations/${id}`, { key, body: { name: 'Foo Corporation', metadata: { region: 'eu' } } });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Foo Corporation', metadata: { region: 'eu' }, external_id: 'ext-foo' });
    expect(updated.body.domains[0].id).toBe(created.body.domains[0].id);

    const deleted = await call('DELETE', `/organizations/${id}`, { key });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect((await call('GET', `/organizations/${id}`, { key })).status).toBe(404);
    expect((await call('DELETE', `/organizations/${id}`, { key })).status).toBe(404);
  });

  it('lists with limit, after, before and order, as WorkOS shapes lists, and filters by domain', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/organizations', { key, body: { name: `List ${i}`, domains: [`list${i}.example.com`] } });
      ids.push(r.body.id);
    }
    const first = await call('GET', '/organizations?limit=2&order=asc', { key });
    expect(first.status, first.text).toBe(200);
    expect(first.body.object).toBe('list');
    const all = await call('GET', '/organizations?limit=100&order=asc', { key });
    const listed = all.body.data.map((o: { id: string }) => o.id);
    expect(listed.slice(-5)).toEqual(ids);
    expect(first.body.data.map((o: { id: string }) => o.id)).toEqual(listed.slice(0, 2));
    expect(first.body.list_metadata).toEqual({ before: null, after: listed[1] });
    const second = await call('GET', `/organizations?limit=2&order=asc&after=${listed[1]}`, { key });
    expect(second.body.data.map((o: { id: string }) => o.id)).toEqual(listed.slice(2, 4));
    const back = await call('GET', `/organizations?limit=2&order=asc&before=${listed[2]}`, { key });
    expect(back.body.data.map((o: { id: string }) => o.id)).toEqual(listed.slice(0, 2));
    const desc = await call('GET', '/organizations?limit=1', { key });
    expect(desc.body.data[0].id).toBe(ids[4]);
    const byDomain = await call('GET', '/organizations?domains[]=LIST3.example.com&domains[]=list1.example.com&order=asc', { key });
    expect(byDomain.body.data.map((o: { id: string }) => o.id)).toEqual([ids[1], ids[3]]);
  });

  it('refuses bad input with a 422 naming the field, and a taken external_id with a 409', async () => {
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', domain_data: [{ domain: 'not a domain', state: 'verified' }] }, 'domain_data[0].domain'],
      [{ name: 'x', domain_data: [{ domain: 'a.com', state: 'maybe' }] }, 'domain_data[0].state'],
      [{ name: 'x', metadata: { k: 'v'.repeat(601) } }, 'metadata.k'],
      [{ name: 'x', metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
      [{ name: 'x', external_id: 'e'.repeat(65) }, 'external_id'],
      [{ name: 'x', colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const r = await call('POST', '/organizations', { key, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.map((e: { field: string }) => e.field), JSON.stringify(body)).toContain(field);
    }
    await call('POST', '/organizations', { key, body: { name: 'Taken', external_id: 'taken' } });
    const dup = await call('POST', '/organizations', { key, body: { name: 'Again', external_id: 'taken' } });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].field).toBe('external_id');
    expect((await call('GET', '/organizations?limit=0', { key })).status).toBe(422);
    expect((await call('GET', '/organizations?after=nope', { key })).status).toBe(422);
    expect((await call('GET', '/organizations?colour=red', { key })).status).toBe(422);
    expect((await call('POST', '/organizations', { key: readOnlyKey, body: { name: 'No' } })).status).toBe(403);
    expect((await call('GET', '/organizations', { key: null })).status).toBe(401);
  });

  it("never shows, changes or deletes another project's organization", async () => {
    const mine = (await call('POST', '/organizations', { key, body: { name: 'Mine', external_id: 'mine-ext' } })).body;
    expect((await call('GET', `/organizations/${mine.id}`, { key: otherKey })).status).toBe(404);
    expect((await call('GET', '/organizations/external_id/mine-ext', { key: otherKey })).status).toBe(404);
    expect((await call('PUT', `/organizations/${mine.id}`, { key: otherKey, body: { name: 'Stolen' } })).status).toBe(404);
    expect((await call('DELETE', `/organizations/${mine.id}`, { key: otherKey })).status).toBe(404);
    const list = await call('GET', '/organizations?limit=100', { key: otherKey });
    expect(list.body.data.map((o: { id: string }) => o.id)).not.toContain(mine.id);
    // The other project may use the same external id for its own organization.
    expect((await call('POST', '/organizations', { key: otherKey, body: { name: 'Theirs', external_id: 'mine-ext' } })).status).toBe(201);
    expect((await call('GET', `/organizations/${mine.id}`, { key })).body.name).toBe('Mine');
  });

  it('names organizations in one indexed query', async () => {
    const a = (await call('POST', '/organizations', { key, body: { name: 'Alpha' } })).body;
    const names = await organizationNames(drizzle(env.DB) as never, projectId, [a.id, 'org_unknown', a.id]);
    expect([...names]).toEqual([[a.id, 'Alpha']]);
    const db = drizzle(env.DB);
    const plan = await explain(db as never, {
      toSQL: () => ({ sql: 'SELECT id, name FROM organizations WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))', params: [projectId, '["x"]'] }),
    });
    expect(plan.join(' ')).toMatch(/USING PRIMARY KEY/);
    const list = await explain(db as never, {
      toSQL: () => ({ sql: 'SELECT id FROM organizations WHERE project_id = ? AND id < ? ORDER BY id DESC LIMIT 11', params: [projectId, 'org_z'] }),
    });
    expect(list.join(' ')).toMatch(/USING PRIMARY KEY/);
    expect(list.join(' ')).not.toMatch(/TEMP B-TREE/);
    void sql;
  });
});

describe('retention API', () => {
  it('reads and sets retention in both body forms, and goes back to the project default', async () => {
    const org = 'org_retention_1';
    const none = await call('GET', `/organizations/${org}/audit_logs_retention`, { key });
    expect(none.status, none.text).toBe(200);
    expect(none.body).toEqual({ retention_period_in_days: null, retention_period: null, source: 'project', legal_hold: false });

    const days = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body: { retention_period_in_days: 365 } });
    expect(days.body.retention_period_in_days).toBe(365);
    const odd = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body: { retention_period_in_days: 7 } });
    expect(odd.body).toMatchObject({ retention_period_in_days: 7, source: 'organization' });
    for (const [period, n] of [['1_MONTH', 30], ['11_MONTHS', 330], ['1_YEAR', 365], ['10_YEARS', 3650]] as const) {
      const r = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body: { retention_period: period } });
      expect(r.body.retention_period_in_days, period).toBe(n);
      expect(r.body.retention_period, period).toBe(period);
    }
    const forever = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body: { retention_period_in_days: null } });
    expect(forever.body).toMatchObject({ retention_period_in_days: null, source: 'organization' });

    await setProjectRetention(env.KV, { projectId, days: 90 });
    expect((await call('GET', `/organizations/${org}/audit_logs_retention`, { key })).body.retention_period_in_days).toBe(null);
    const back = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body: { use_project_default: true } });
    expect(back.body).toEqual({ retention_period_in_days: 90, retention_period: '3_MONTHS', source: 'project', legal_hold: false });
    await setProjectRetention(env.KV, { projectId, days: null });
  });

  it('refuses 0, negative, fractional, text and unknown periods with a 422 naming the field', async () => {
    const org = 'org_retention_bad';
    const cases: [unknown, string][] = [
      [{ retention_period_in_days: 0 }, 'retention_period_in_days'],
      [{ retention_period_in_days: -30 }, 'retention_period_in_days'],
      [{ retention_period_in_days: 1.5 }, 'retention_period_in_days'],
      [{ retention_period_in_days: '30' }, 'retention_period_in_days'],
      [{ retention_period_in_days: 'forever' }, 'retention_period_in_days'],
      [{ retention_period: '12_MONTHS' }, 'retention_period'],
      [{ retention_period: '1_MONTHS' }, 'retention_period'],
      [{ retention_period: 30 }, 'retention_period'],
      [{ retention_days: 30 }, 'retention_days'],
      [{}, 'retention_period_in_days'],
    ];
    for (const [body, field] of cases) {
      const r = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.map((e: { field: string }) => e.field), JSON.stringify(body)).toContain(field);
    }
    expect((await call('GET', `/organizations/${org}/audit_logs_retention`, { key })).body.source).toBe('project');
    expect((await call('PUT', `/organizations/${org}/audit_logs_retention`, { key: readOnlyKey, body: { retention_period_in_days: 30 } })).status).toBe(403);
  });

  it("keeps each project's retention to itself", async () => {
    await call('PUT', '/organizations/org_shared_name/audit_logs_retention', { key, body: { retention_period_in_days: 5 } });
    const theirs = await call('GET', '/organizations/org_shared_name/audit_logs_retention', { key: otherKey });
    expect(theirs.body.retention_period_in_days).toBe(null);
  });
});

describe('managed organizations', () => {
  it('refuses events, batches and retention for an unknown organization with a 404, and accepts known ones', async () => {
    const project = await createProject(env.KV, { name: 'Managed', now: NOW });
    const k = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'm', now: NOW })).plain;
    // Unmanaged by default: any organization id is accepted.
    expect((await call('POST', '/audit_logs/events', { key: k, body: auditLogBody({}, 'org_anything') })).status).toBe(200);
    await setProjectManagedOrganizations(env.KV, { projectId: project.id, managed: true });
    const known = (await call('POST', '/organizations', { key: k, body: { name: 'Known' } })).body.id;

    const single = await call('POST', '/audit_logs/events', { key: k, body: auditLogBody({}, 'org_unknown') });
    expect(single.status).toBe(404);
    expect(single.body.code).toBe('not_found');
    expect(single.body.errors[0].field).toBe('organization_id');
    expect((await call('POST', '/audit_logs/events', { key: k, body: auditLogBody({}, known) })).status).toBe(200);

    const batch = await call('POST', '/audit_logs/events/batch', { key: k, body: { events: [auditLogBody({}, known), auditLogBody({}, 'org_nope')] } });
    expect(batch.status).toBe(404);
    expect(batch.body.errors.map((e: { field: string }) => e.field)).toEqual(['events[1].organization_id']);
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM events WHERE project_id = ?').bind(project.id).first<{ n: number }>();
    expect(stored!.n).toBe(2);

    expect((await call('GET', '/organizations/org_unknown/audit_logs_retention', { key: k })).status).toBe(404);
    const range = { range_start: '2026-01-01T00:00:00Z', range_end: '2026-12-31T00:00:00Z' };
    const unknownExport = await call('POST', '/audit_logs/exports', { key: k, body: { organization_id: 'org_unknown', ...range } });
    expect(unknownExport.status, unknownExport.text).toBe(404);
    expect(unknownExport.body.errors[0].field).toBe('organization_id');
    expect((await call('POST', '/audit_logs/exports', { key: k, body: { organization_id: known, ...range } })).status).toBe(201);
    expect((await call('PUT', `/organizations/${known}/audit_logs_retention`, { key: k, body: { retention_period_in_days: 30 } })).status).toBe(200);
    // Another project's organization is unknown here too.
    const foreign = (await call('POST', '/organizations', { key: otherKey, body: { name: 'Foreign' } })).body.id;
    expect((await call('POST', '/audit_logs/events', { key: k, body: auditLogBody({}, foreign) })).status).toBe(404);
    // The legacy API's groups are not organizations: still accepted.
    expect((await call('POST', '/events', { key: k, body: { group: 'foo.com', location: '::1', action: 'user.login', action_type: 'R', actor_name: 'a', actor_id: 'a', target_name: 't', target_id: 't', occurred_at: new Date().toISOString() } })).status).toBe(201);
  });
});
