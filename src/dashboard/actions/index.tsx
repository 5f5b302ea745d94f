// Actions of one project: every action it has seen or given a schema, and each action's
// schema versions side by side. Mounted at /projects/:pid/actions.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { catalogValues } from '../../events/catalog';
import { AppError } from '../../lib/errors';
import { setProjectRequireSchema } from '../../projects/settings';
import { projectSchemas } from '../../schemas/store';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { requireRole } from '../session/require-session';
import { audit } from '../session/audit';
import { ActionsPage } from './actions-page';

export const actions = new Hono<AppEnv>();

actions.get('/', requireRole('viewer'), async (c) => {
  const ctx = await loadProject(c);
  const [names, schemas] = await Promise.all([catalogValues(c.var.db, ctx.project.id, 'action', 2_000), projectSchemas(c.var.db, ctx.project.id)]);
  const setting = { required: ctx.project.require_schema === true, action: `/projects/${ctx.project.id}/actions/require-schema`, csrf: c.var.session.csrf };
  return sendSectionPage(
    c,
    ctx,
    'actions',
    'Actions',
    <ActionsPage projectId={ctx.project.id} actions={names} schemas={schemas} now={c.var.now()} requireSchema={setting} />,
  );
});

actions.post('/require-schema', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const value = String(c.var.form?.get('required') ?? '');
  if (value !== 'on' && value !== 'off') {
    throw new AppError('validation_failed', 'Choose on or off.', { problems: [{ path: ['required'], kind: 'invalid', message: 'required must be on or off' }] });
  }
  await setProjectRequireSchema(c.env.KV, { projectId: project.id, required: value === 'on' });
  await audit(c, 'settings.updated', [{ id: project.id, type: 'project', name: project.name }], { metadata: { setting: 'require_schema', value } });
  return c.redirect(`/projects/${project.id}/actions`, 303);
});
