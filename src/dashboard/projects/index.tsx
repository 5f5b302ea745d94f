// Projects: the landing redirect, creating a project (from the switcher; a refused name comes
// back inline), a project's own URL (opens its events), and the owner's Project page: rename,
// and delete with a typed confirmation (projects/delete.ts).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { hasEvents } from '../../events/catalog';
import { AppError } from '../../lib/errors';
import { BUILT_IN_PROJECT_IDS, DEFAULT_PROJECT, DEMO_PROJECT } from '../../projects/bootstrap';
import { deleteProjectEvents, startProjectDeletion } from '../../projects/delete';
import { createProject, getProject, listProjects, renameProject } from '../../projects/store';
import { audit } from '../session/audit';
import { requireRole } from '../session/require-session';
import { NewProjectPage } from './new-project-page';
import { ProjectPage } from './project-page';
import { loadProject, sendSectionPage, type ProjectContext } from './section-page';

export const projects = new Hono<AppEnv>();

/** A 422 about the name field, to show beside it instead of an error page. */
const fieldError = (err: unknown) => (err instanceof AppError && err.status === 422 ? err.message : null);

projects.get('/', requireRole('viewer'), async (c) => {
  // Land on Default, or on Demo while Default has no events yet.
  const hasDefault = await hasEvents(c.var.db, DEFAULT_PROJECT.id);
  return c.redirect(`/projects/${hasDefault ? DEFAULT_PROJECT.id : DEMO_PROJECT.id}/events`, 303);
});

projects.post('/projects', requireRole('admin'), async (c) => {
  const name = String(c.var.form?.get('name') ?? '');
  try {
    const project = await createProject(c.env.KV, { name, now: c.var.now(), uniqueName: true });
    await audit(c, 'project.created', [{ id: project.id, type: 'project', name: project.name }]);
    return c.redirect(`/projects/${project.id}/keys`, 303);
  } catch (err) {
    const message = fieldError(err);
    if (!message) throw err;
    const ctx = await defaultContext(c);
    return sendSectionPage(c, ctx, 'project', 'New project', <NewProjectPage csrf={c.var.session.csrf} name={name} error={message} />, 422);
  }
});

async function defaultContext(c: Context<AppEnv>): Promise<ProjectContext> {
  const [project, all] = await Promise.all([getProject(c.env.KV, DEFAULT_PROJECT.id), listProjects(c.env.KV)]);
  return { project: project ?? all[0], projects: all };
}

projects.get('/projects/:pid', requireRole('viewer'), async (c) => {
  const { project } = await loadProject(c);
  return c.redirect(`/projects/${project.id}/events`, 303);
});

const projectPage = (c: Context<AppEnv>, ctx: ProjectContext, extra: { nameError?: string; name?: string; deleteError?: string } = {}, status = 200) =>
  sendSectionPage(
    c,
    ctx,
    'project',
    'Project',
    <ProjectPage project={ctx.project} csrf={c.var.session.csrf} builtIn={BUILT_IN_PROJECT_IDS.includes(ctx.project.id)} {...extra} />,
    status,
  );

projects.get('/projects/:pid/project', requireRole('owner'), async (c) => projectPage(c, await loadProject(c)));

projects.post('/projects/:pid/project/rename', requireRole('owner'), async (c) => {
  const ctx = await loadProject(c);
  const name = String(c.var.form?.get('name') ?? '');
  try {
    const { before, project } = await renameProject(c.env.KV, { id: ctx.project.id, name });
    await audit(c, 'project.renamed', [{ id: project.id, type: 'project', name: project.name }], { metadata: { from: before, to: project.name } });
    return c.redirect(`/projects/${project.id}/project`, 303);
  } catch (err) {
    const message = fieldError(err);
    if (!message) throw err;
    return projectPage(c, ctx, { nameError: message, name }, 422);
  }
});

projects.post('/projects/:pid/project/delete', requireRole('owner'), async (c) => {
  const ctx = await loadProject(c);
  const now = c.var.now();
  try {
    const project = await startProjectDeletion(c.var.db, c.env.KV, { id: ctx.project.id, confirmation: c.var.form?.get('confirm'), now });
    await audit(c, 'project.deleted', [{ id: project.id, type: 'project', name: project.name }]);
    // As many chunks as this request's budget allows; the cron deletes the rest.
    await deleteProjectEvents(c.var.db, project.id, now);
    return c.redirect('/', 303);
  } catch (err) {
    const message = fieldError(err);
    if (!message) throw err;
    return projectPage(c, ctx, { deleteError: message }, 422);
  }
});
