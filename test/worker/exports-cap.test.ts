// The cap on exports in progress (migration 0017, src/exports/create.ts): at most 3 per
// organization and 10 per project are pending with a job that wrote in the last 15 minutes.
// Past either, the API answers 429 with Retry-After and stores nothing; the customer viewer's
// export is refused with its `audit_log.exported` event (one batch); another organization or
// project is not affected; a stuck export stops counting. The pending exports are written into
// the real D1 directly, so that no Queue consumer finishes them during the test.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORTS_IN_PROGRESS } from '../../src/exports/create';
import { auditLogBody, call, DEMO_KEY, ORIGIN, page } from './helpers';

const T0 = Date.UTC(2026, 9, 1);
const body = (organization: string) => ({ organization_id: organization, range_start: new Date(T0).toISOString(), range_end: new Date(T0 + 86_400_000).toISOString() });
let seeded = 0;

/** `n` pending exports of `organization` whose job last wrote `ageMs` ago. */
async function pending(projectId: string, organization: string | null, n: number, ageMs = 0): Promise<string[]> {
  const at = Date.now() - ageMs;
  const ids = Array.from({ length: n }, () => `audit_log_export_CAPTEST${String(seeded++).padStart(18, '0')}`);
  await env.DB.batch(
    ids.map((id) =>
      env.DB.prepare(`INSERT INTO exports (id, project_id, organization_id, state, format, query, created_at, updated_at) VALUES (?, ?, ?, 'pending', 'csv', '{}', ?, ?)`).bind(id, projectId, organization, at, at),
    ),
  );
  return ids;
}

const exportsOf = async (projectId: string, organization: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM exports WHERE project_id = ? AND organization_id = ?').bind(projectId, organization).first<{ n: number }>())!.n;

describe('exports in progress are capped, per organization and per project', () => {
  it('the 4th export of an organization is a 429 with Retry-After that stores nothing; another organization still exports', async () => {
    await pending('proj_default', 'org_cap_a', EXPORTS_IN_PROGRESS.organization);
    const refused = await call('POST', '/audit_logs/exports', { body: body('org_cap_a') });
    expect(refused.status, refused.text).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.text).toMatch(/Too many exports in progress for this organization \(at most 3 at once\)/);
    expect(await exportsOf('proj_default', 'org_cap_a')).toBe(EXPORTS_IN_PROGRESS.organization);
    const other = await call('POST', '/audit_logs/exports', { body: body('org_cap_b') });
    expect(other.status, other.text).toBe(201);
  });

  it('an export whose job stopped writing 15 minutes ago no longer counts; a finished one never does', async () => {
    await pending('proj_default', 'org_cap_c', EXPORTS_IN_PROGRESS.organization, 16 * 60_000);
    expect((await call('POST', '/audit_logs/exports', { body: body('org_cap_c') })).status).toBe(201);
    // All of them finished (the one just asked for included, whatever its job has done by now).
    await env.DB.prepare(`UPDATE exports SET state = 'ready' WHERE organization_id = 'org_cap_c'`).run();
    const live = await pending('proj_default', 'org_cap_c', EXPORTS_IN_PROGRESS.organization, 14 * 60_000);
    expect((await call('POST', '/audit_logs/exports', { body: body('org_cap_c') })).status).toBe(429);
    await env.DB.prepare(`UPDATE exports SET state = 'error' WHERE id = ?`).bind(live[0]).run();
    expect((await call('POST', '/audit_logs/exports', { body: body('org_cap_c') })).status).toBe(201);
  });

  it('the project cap counts every organization and project-wide exports; another project is not affected', async () => {
    const { project, key } = await newProject();
    await pending(project, null, 4);
    for (let i = 0; i < 3; i++) await pending(project, `org_cap_p${i}`, 2);
    const refused = await call('POST', '/audit_logs/exports', { key, body: body('org_cap_fresh') });
    expect(refused.status, refused.text).toBe(429);
    expect(refused.text).toMatch(/Too many exports in progress for this project \(at most 10 at once\)/);
    expect(await exportsOf(project, 'org_cap_fresh')).toBe(0);
    // The same organization id in another project is another organization.
    expect((await call('POST', '/audit_logs/exports', { key: DEMO_KEY, body: body('org_cap_fresh') })).status).toBe(201);
  });
});

describe('the customer viewer under the cap', () => {
  beforeAll(async () => {
    expect((await call('POST', '/audit_logs/events', { body: auditLogBody({}, 'org_cap_v') })).status).toBe(200);
  });

  it('a refused export writes no `audit_log.exported` event; once one finishes, the next is accepted and recorded', async () => {
    const link = new URL((await call('POST', '/portal/generate_link', { body: { intent: 'audit_logs', organization: 'org_cap_v' } })).body.link);
    const open = await page(link.pathname + link.search);
    expect(open.status).toBe(303);
    const cookie = open.headers.get('set-cookie')!.split(';')[0];
    const html = await (await page('/viewer/events', { headers: { cookie } })).text();
    const csrf = /data-testid="export-form"[\s\S]*?name="_csrf" value="([^"]+)"/.exec(html)![1];
    const post = () =>
      page('/viewer/exports', {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, format: 'csv' }),
      });
    const exported = async () =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM events WHERE project_id = 'proj_default' AND organization_id = 'org_cap_v' AND action = 'audit_log.exported'`).first<{ n: number }>())!.n;

    const ids = await pending('proj_default', 'org_cap_v', EXPORTS_IN_PROGRESS.organization);
    const refused = await post();
    expect(refused.status).toBe(429);
    const text = await refused.text();
    expect(text).toContain('Too many exports in progress for this organization');
    expect(await exported()).toBe(0);
    expect(await exportsOf('proj_default', 'org_cap_v')).toBe(EXPORTS_IN_PROGRESS.organization);

    await env.DB.prepare(`UPDATE exports SET state = 'ready' WHERE id = ?`).bind(ids[0]).run();
    const accepted = await post();
    expect(accepted.status).toBe(303);
    expect(await exported()).toBe(1);
    expect(await exportsOf('proj_default', 'org_cap_v')).toBe(EXPORTS_IN_PROGRESS.organization + 1);
  });
});

/** A project of its own with a read/write key. */
async function newProject(): Promise<{ project: string; key: string }> {
  const { createProject } = await import('../../src/projects/store');
  const { createKey } = await import('../../src/projects/keys-store');
  const project = await createProject(env.KV, { name: 'Export cap', now: Date.now() });
  const key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'cap', now: Date.now() })).plain;
  return { project: project.id, key };
}
