// API usage of one project: requests and events per day, and recent failures.
// Mounted at /projects/:pid/usage.
import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { DEFAULT_RATE_TIER, isRateTier } from '../../projects/rate-limits';
import { setProjectRateLimit } from '../../projects/settings';
import { recentFailures, usageSince } from '../../usage/store';
import { loadProject, sendSectionPage } from '../projects/section-page';
import { requireRole } from '../session/require-session';
import { audit } from '../session/audit';
import { UsagePage } from './usage-page';

export const usage = new Hono<AppEnv>();

usage.get('/', requireRole('admin'), async (c) => {
  const ctx = await loadProject(c);
  const now = c.var.now();
  const [days, failures] = await Promise.all([usageSince(c.var.db, ctx.project.id, now), recentFailures(c.var.db, ctx.project.id)]);
  const fallback = isRateTier(c.env.RATE_LIMIT_DEFAULT) ? c.env.RATE_LIMIT_DEFAULT : DEFAULT_RATE_TIER;
  const rateLimit = {
    tier: ctx.project.rate_limit ?? fallback,
    action: `/projects/${ctx.project.id}/usage/rate-limit`,
    csrf: c.var.session.csrf,
    limited: failures.filter((f) => f.status === 429).length,
  };
  return sendSectionPage(c, ctx, 'usage', 'Usage', <UsagePage days={days} failures={failures} now={now} rateLimit={rateLimit} />);
});

usage.post('/rate-limit', requireRole('admin'), async (c) => {
  const { project } = await loadProject(c);
  const tier = String(c.var.form?.get('rate_limit') ?? '');
  await setProjectRateLimit(c.env.KV, { projectId: project.id, tier });
  await audit(c, 'settings.updated', [{ id: project.id, type: 'project', name: project.name }], { metadata: { setting: 'rate_limit', value: tier } });
  return c.redirect(`/projects/${project.id}/usage`, 303);
});
