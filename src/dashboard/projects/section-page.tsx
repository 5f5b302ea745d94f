// What every page of one project shares: the project named in the URL (404 when
// there is none), and the layout with the project switcher around the page's body.
import type { Context } from 'hono';
import type { VNode } from 'preact';
import type { AppEnv } from '../../context';
import { AppError } from '../../lib/errors';
import { PROJECT_ID_PATTERN } from '../../lib/ids';
import { WAYMARK_PROJECT_ID, getProject, listProjects, type Project } from '../../projects/store';
import { atLeast } from '../../team/roles';
import { Layout, type Section } from '../components/layout';
import { sendHtml } from '../render';

export interface ProjectContext {
  project: Project;
  projects: Project[];
}

/** The project of the `:pid` path parameter, and all projects for the switcher. */
export async function loadProject(c: Context<AppEnv>): Promise<ProjectContext> {
  const id = c.req.param('pid') ?? '';
  const [project, all] = await Promise.all([PROJECT_ID_PATTERN.test(id) ? getProject(c.env.KV, id) : null, listProjects(c.env.KV)]);
  if (!project) throw new AppError('not_found', 'No such project.');
  // The dashboard's own trail is for owners and admins.
  const role = c.var.session.member.role;
  if (project.id === WAYMARK_PROJECT_ID && !atLeast(role, 'admin')) {
    throw new AppError('forbidden', 'Only admins and the owner can read the Waymark project.');
  }
  const projects = atLeast(role, 'admin') ? all : all.filter((p) => p.id !== WAYMARK_PROJECT_ID);
  return { project, projects: projects.some((p) => p.id === project.id) ? projects : [...projects, project] };
}

/** The signed-in member, for the page frame. */
export const viewerOf = (c: Context<AppEnv>) => c.var.session.member;

export function sendSectionPage(c: Context<AppEnv>, ctx: ProjectContext, section: Section, title: string, body: VNode, status = 200) {
  return sendHtml(
    c,
    <Layout title={title} project={ctx.project} projects={ctx.projects} section={section} csrf={c.var.session.csrf} viewer={viewerOf(c)}>
      {body}
    </Layout>,
    status,
  );
}
