// What every page of one project shares: the project named in the URL (404 when
// there is none), and the layout with the project switcher around the page's body.
import type { Context } from 'hono';
import type { VNode } from 'preact';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { PROJECT_ID_PATTERN } from '../../lib/ids';
import { getProject, listProjects, type Project } from '../../projects/store';
import { Layout, type Section } from '../components/layout';
import { sendHtml } from '../render';

export interface ProjectContext {
  project: Project;
  projects: Project[];
}

/** The project of the `:pid` path parameter, and all projects for the switcher. */
export async function loadProject(c: Context<AppEnv>): Promise<ProjectContext> {
  const id = c.req.param('pid') ?? '';
  const [project, projects] = await Promise.all([PROJECT_ID_PATTERN.test(id) ? getProject(c.env.KV, id) : null, listProjects(c.env.KV)]);
  if (!project) throw new AppError('not_found', 'No such project.');
  return { project, projects: projects.some((p) => p.id === project.id) ? projects : [...projects, project] };
}

export function sendSectionPage(c: Context<AppEnv>, ctx: ProjectContext, section: Section, title: string, body: VNode, status = 200) {
  return sendHtml(
    c,
    <Layout title={title} project={ctx.project} projects={ctx.projects} section={section} csrf={c.var.session.csrf}>
      {body}
    </Layout>,
    status,
  );
}
