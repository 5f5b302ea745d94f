// Organizations of one project: retention, legal holds and what purges removed, and the
// project's default retention and managed-organizations switch. Mounted at /projects/:pid/organizations.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import type { Db } from '../../lib/db';
import { checkDays, lastPurges, retentionOf, setLegalHold, setRetention, type RetentionChange } from '../../organizations/retention';
import { organizationIdParam } from '../../organizations/model';
import { setProjectManagedOrganizations, setProjectRetention } from '../../projects/settings';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { audit } from '../session/audit';
import { requireRole } from '../session/require-session';
import { OrganizationsPage, type OrganizationRow } from './organizations-page';

export const organizations = new Hono<AppEnv>();

/** Organizations shown on one page: those with events (from the catalog) and those created through the API. */
const MAX_ROWS = 500;

async function organizationRows(db: Db, projectId: string, projectDays: number | null): Promise<{ rows: OrganizationRow[]; truncated: boolean }> {
  const [seen, created] = await Promise.all([
    db.all<{ id: string; events: number }>(
      sql`SELECT value AS id, events FROM catalog WHERE project_id = ${projectId} AND kind = 'organization' ORDER BY value LIMIT ${MAX_ROWS + 1}`,
    ),
    db.all<{ id: string; name: string }>(sql`SELECT id, name FROM organizations WHERE project_id = ${projectId} ORDER BY id LIMIT ${MAX_ROWS + 1}`),
  ]);
  const byId = new Map<string, { name: string | null; events: number }>();
  for (const s of seen.slice(0, MAX_ROWS)) byId.set(s.id, { name: null, events: s.events });
  for (const o of created.slice(0, MAX_ROWS)) byId.set(o.id, { name: o.name, events: byId.get(o.id)?.events ?? 0 });
  const ids = [...byId.keys()].sort().slice(0, MAX_ROWS);
  const [retention, purges] = await Promise.all([retentionOf(db, projectId, ids, projectDays), lastPurges(db, projectId, ids)]);
  const rows = ids.map((id) => ({ id, ...byId.get(id)!, retention: retention.get(id)!, lastPurge: purges.get(id) ?? null }));
  return { rows, truncated: seen.length > MAX_ROWS || created.length > MAX_ROWS || byId.size > MAX_ROWS };
}

organizations.get('/', requireRole('admin'), async (c) => {
  const ctx = await loadProject(c);
  const days = ctx.project.retention_days ?? null;
  const { rows, truncated } = await organizationRows(c.var.db, ctx.project.id, days);
  return sendSectionPage(
    c,
    ctx,
    'organizations',
    'Organizations',
    <OrganizationsPage
      projectId={ctx.project.id}
      rows={rows}
      truncated={truncated}
      csrf={c.var.session.csrf}
      now={c.var.now()}
      retentionDays={days}
      managed={ctx.project.managed_organizations === true}
    />,
  );
});

const field = (form: FormData | null, name: string) => String(form?.get(name) ?? '').trim();

/** Runs a form's checks; a 422 shows what is wrong with which field (the error page shows the message). */
function checked<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof AppError && err.problems?.length) throw new AppError(err.code, err.problems.map((p) => p.message).join('; '), { problems: err.problems });
    throw err;
  }
}

/** A days field of a form: empty is forever (null), else a whole number of days (a 422 naming the field otherwise). */
function formDays(value: string, name: string): number | null {
  if (value === '') return null;
  return checkDays(/^\d+$/.test(value) ? Number(value) : value, name);
}

organizations.post('/default-retention', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const days = checked(() => formDays(field(c.var.form, 'days'), 'days'));
  await setProjectRetention(c.env.KV, { projectId: project.id, days });
  await audit(c, 'retention.changed', [{ id: project.id, type: 'project', name: project.name }], { metadata: { days: days ?? 'forever', scope: 'project default' } });
  return c.redirect(`/projects/${project.id}/organizations`, 303);
});

organizations.post('/managed', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const value = field(c.var.form, 'managed');
  if (value !== 'on' && value !== 'off') {
    throw new AppError('validation_failed', 'managed must be on or off.', { problems: [{ path: ['managed'], kind: 'invalid', message: 'managed must be on or off' }] });
  }
  await setProjectManagedOrganizations(c.env.KV, { projectId: project.id, managed: value === 'on' });
  await audit(c, 'settings.updated', [{ id: project.id, type: 'project', name: project.name }], { metadata: { managed_organizations: value === 'on' } });
  return c.redirect(`/projects/${project.id}/organizations`, 303);
});

organizations.post('/retention', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const organizationId = checked(() => organizationIdParam(field(c.var.form, 'organization_id')));
  const raw = field(c.var.form, 'days');
  const change: RetentionChange = raw.toLowerCase() === 'default' ? { kind: 'default' } : { kind: 'days', days: checked(() => formDays(raw, 'days')) };
  await setRetention(c.var.db, { projectId: project.id, organizationId, change, now: c.var.now() });
  await audit(c, 'retention.changed', [{ id: organizationId, type: 'organization' }, { id: project.id, type: 'project', name: project.name }], {
    metadata: { days: change.kind === 'default' ? 'project default' : (change.days ?? 'forever') },
  });
  return c.redirect(`/projects/${project.id}/organizations`, 303);
});

organizations.post('/hold', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const organizationId = checked(() => organizationIdParam(field(c.var.form, 'organization_id')));
  const value = field(c.var.form, 'hold');
  if (value !== 'on' && value !== 'off') {
    throw new AppError('validation_failed', 'hold must be on or off.', { problems: [{ path: ['hold'], kind: 'invalid', message: 'hold must be on or off' }] });
  }
  await setLegalHold(c.var.db, { projectId: project.id, organizationId, hold: value === 'on', now: c.var.now() });
  await audit(c, 'legal_hold.changed', [{ id: organizationId, type: 'organization' }, { id: project.id, type: 'project', name: project.name }], { metadata: { hold: value === 'on' } });
  return c.redirect(`/projects/${project.id}/organizations`, 303);
});
