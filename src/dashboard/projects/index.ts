// Projects: the landing redirect, creating a project (from the switcher), and a
// project's own URL, which opens its events.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { hasEvents } from '../../events/catalog';
import { DEFAULT_PROJECT, DEMO_PROJECT } from '../../projects/bootstrap';
import { createProject } from '../../projects/store';
import { requireSession } from '../session/require-session';
import { loadProject } from './section-page';

export const projects = new Hono<AppEnv>();

projects.get('/', requireSession, async (c) => {
  // Land on Default, or on Demo while Default has no events yet.
  const hasDefault = await hasEvents(c.var.db, DEFAULT_PROJECT.id);
  return c.redirect(`/projects/${hasDefault ? DEFAULT_PROJECT.id : DEMO_PROJECT.id}/events`, 303);
});

projects.post('/projects', requireSession, async (c) => {
  const project = await createProject(c.env.KV, { name: String(c.var.form?.get('name') ?? ''), now: c.var.now() });
  return c.redirect(`/projects/${project.id}/keys`, 303);
});

projects.get('/projects/:pid', requireSession, async (c) => {
  const { project } = await loadProject(c);
  return c.redirect(`/projects/${project.id}/events`, 303);
});
