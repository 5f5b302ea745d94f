// API usage of one project: requests and events per day, and recent failures.
// Mounted at /projects/:pid/usage.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { recentFailures, usageSince } from '../../usage/store';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { requireSession } from '../session/require-session';
import { UsagePage } from './usage-page';

export const usage = new Hono<AppEnv>();

usage.get('/', requireSession, async (c) => {
  const ctx = await loadProject(c);
  const now = c.var.now();
  const [days, failures] = await Promise.all([usageSince(c.var.db, ctx.project.id, now), recentFailures(c.var.db, ctx.project.id)]);
  return sendSectionPage(c, ctx, 'usage', 'Usage', <UsagePage days={days} failures={failures} now={now} />);
});
