// Actions of one project: every action it has seen or given a schema, and each action's
// schema versions side by side. Mounted at /projects/:pid/actions.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { catalogValues } from '../../events/catalog';
import { projectSchemas } from '../../schemas/store';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { requireSession } from '../session/require-session';
import { ActionsPage } from './actions-page';

export const actions = new Hono<AppEnv>();

actions.get('/', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const [names, schemas] = await Promise.all([catalogValues(c.var.db, ctx.project.id, 'action', 2_000), projectSchemas(c.var.db, ctx.project.id)]);
  return sendSectionPage(c, ctx, 'actions', 'Actions', <ActionsPage projectId={ctx.project.id} actions={names} schemas={schemas} now={c.var.now()} />);
});
