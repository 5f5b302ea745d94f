// Events of one project in the team dashboard: the viewer (a page, the live results
// fragment, or the next rows), its fragments, and one event by its own URL. Mounted at
// /projects/:pid/events; the handlers are shared with the customer-facing viewer (viewer-scope.tsx).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../context';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { requireRole } from '../session/require-session';
import { actorSuggestions, detailPage, listPage, newerFragment, teamScope, timelineFragment, type ViewerScope } from './viewer-scope';

export const events = new Hono<AppEnv>();

async function scope(c: Context<AppEnv>): Promise<ViewerScope> {
  const ctx = await loadProject(c);
  return teamScope(c, ctx.project.id, (title, body) => sendSectionPage(c, ctx, 'events', title, body));
}

events.get('/', requireRole('viewer'), async (c) => listPage(c, await scope(c)));
events.get('/actors', requireRole('viewer'), async (c) => actorSuggestions(c, await scope(c)));
events.get('/timeline', requireRole('viewer'), async (c) => timelineFragment(c, await scope(c)));
events.get('/newer', requireRole('viewer'), async (c) => newerFragment(c, await scope(c)));
events.get('/:eid', requireRole('viewer'), async (c) => detailPage(c, await scope(c)));
