// What lands in the dashboard's own trail (proj_waymark) from the features that arrived beside team
// accounts: portal links through the API, retention, legal holds and settings from the dashboard.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { getEvent } from '../../src/events/store';
import { call, postForm, signIn } from './helpers';

async function newest(action: string) {
  const row = await env.DB.prepare("SELECT id FROM events WHERE project_id = 'proj_waymark' AND action = ? ORDER BY seq DESC LIMIT 1").bind(action).first<{ id: string }>();
  expect(row, action).not.toBeNull();
  return (await getEvent(drizzle(env.DB), 'proj_waymark', row!.id))!;
}

describe('the Waymark trail', () => {
  it('records portal_link.generated with the API key as actor and the organization as target', async () => {
    const r = await call('POST', '/portal/generate_link', { body: { organization: 'org_trail', intent: 'audit_logs' }, headers: { 'user-agent': 'PortalTrail/1' } });
    expect(r.status, r.text).toBe(201);
    const e = await newest('portal_link.generated');
    expect(e.actor.type).toBe('api_key');
    expect(e.targets.map((t) => [t.type, t.id])).toContainEqual(['organization', 'org_trail']);
    expect(e.context.userAgent).toBe('PortalTrail/1');
  }, 30_000);

  it('retention and deletion through the API need a key with both scopes, and are recorded with the key as actor', async () => {
    const { createProject } = await import('../../src/projects/store');
    const { createKey } = await import('../../src/projects/keys-store');
    const project = await createProject(env.KV, { name: 'Retention by API', now: Date.now() });
    const ingest = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'ingest', now: Date.now(), scopes: ['write'] })).plain;
    const full = await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'full', now: Date.now() });
    const made = await call('POST', '/organizations', { key: full.plain, body: { name: 'Victim' } });
    expect(made.status, made.text).toBe(201);
    const org = made.body.id as string;
    // A leaked ingest key cannot shorten what is kept, nor delete the organization.
    const shortened = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key: ingest, body: { retention_period_in_days: 1 } });
    expect(shortened.status).toBe(403);
    expect((await call('DELETE', `/organizations/${org}`, { key: ingest })).status).toBe(403);
    expect((await call('GET', `/organizations/${org}/audit_logs_retention`, { key: full.plain })).body.retention_period_in_days).toBeNull();

    const set = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key: full.plain, body: { retention_period_in_days: 30 } });
    expect(set.status, set.text).toBe(200);
    const changed = await newest('retention.changed');
    expect(changed.actor).toMatchObject({ id: full.key.id, type: 'api_key' });
    expect(changed.targets.map((t) => [t.type, t.id])).toEqual([['organization', org], ['project', project.id]]);
    expect(changed.metadata).toMatchObject({ days: 30, source: 'organization' });

    expect((await call('DELETE', `/organizations/${org}`, { key: full.plain })).status).toBe(204);
    const deleted = await newest('organization.deleted');
    expect(deleted.actor.id).toBe(full.key.id);
    expect(deleted.targets.map((t) => t.id)).toContain(org);
  }, 30_000);

  it('records legal_hold.changed, retention.changed and settings.updated with the member as actor', async () => {
    const owner = await signIn({ client: '198.51.100.141', csrfFrom: '/projects/proj_demo/organizations' });
    expect((await postForm(owner, '/projects/proj_demo/organizations/hold', { organization_id: 'org_trail', hold: 'on' })).status).toBe(303);
    const hold = await newest('legal_hold.changed');
    expect(hold.actor.id).toBe('mem_owner');
    expect(hold.metadata).toMatchObject({ hold: true });
    expect(hold.targets.map((t) => t.id)).toContain('org_trail');
    expect((await postForm(owner, '/projects/proj_demo/organizations/retention', { organization_id: 'org_trail', days: '90' })).status).toBe(303);
    expect((await newest('retention.changed')).metadata).toMatchObject({ days: 90 });
    expect((await postForm(owner, '/projects/proj_demo/organizations/hold', { organization_id: 'org_trail', hold: 'off' })).status).toBe(303);
    expect((await postForm(owner, '/projects/proj_demo/organizations/managed', { managed: 'off' })).status).toBe(303);
    expect((await newest('settings.updated')).metadata).toMatchObject({ managed_organizations: false });
  }, 60_000);

  it('its own settings cannot shorten it below a year or make it refuse its own events', async () => {
    const owner = await signIn({ client: '198.51.100.142', csrfFrom: '/projects/proj_waymark/organizations' });
    expect((await postForm(owner, '/projects/proj_waymark/organizations/default-retention', { days: '1' })).status).toBe(422);
    expect((await postForm(owner, '/projects/proj_waymark/organizations/retention', { organization_id: 'org_waymark', days: '30' })).status).toBe(422);
    expect((await postForm(owner, '/projects/proj_waymark/organizations/managed', { managed: 'on' })).status).toBe(403);
    expect((await postForm(owner, '/projects/proj_waymark/actions/require-schema', { required: 'on' })).status).toBe(403);
    // Longer is allowed, and so is forever.
    expect((await postForm(owner, '/projects/proj_waymark/organizations/retention', { organization_id: 'org_waymark', days: '400' })).status).toBe(303);
    expect((await postForm(owner, '/projects/proj_waymark/organizations/retention', { organization_id: 'org_waymark', days: 'default' })).status).toBe(303);
    expect((await postForm(owner, '/projects/proj_waymark/organizations/default-retention', { days: '' })).status).toBe(303);
    // The trail still records sign-ins afterwards.
    await signIn({ client: '198.51.100.143' });
    expect((await newest('dashboard.signed_in')).actor.id).toBe('mem_owner');
  }, 60_000);
});
