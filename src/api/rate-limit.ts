// Rate limits per API key, with Cloudflare's Rate Limiting binding of the project's tier
// (projects/rate-limits.ts). Over the limit: 429 `rate_limit_exceeded` with Retry-After,
// as WorkOS answers; its SDKs retry after that time with the same idempotency key.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import { DEFAULT_RATE_TIER, isRateTier, RATE_TIERS } from '../projects/rate-limits';
import { projectSettings } from '../projects/settings';

export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const fallback = isRateTier(c.env.RATE_LIMIT_DEFAULT) ? c.env.RATE_LIMIT_DEFAULT : DEFAULT_RATE_TIER;
  const settings = await projectSettings(c.env.KV, c.var.projectId, c.var.now(), fallback);
  c.set('projectSettings', settings);
  const tier = RATE_TIERS[settings.rateTier];
  if (tier.binding !== null) {
    const { success } = await c.env[tier.binding].limit({ key: c.var.apiKeyId });
    if (!success) {
      // The binding does not say when its window ends: a whole period is the honest wait.
      throw new AppError('rate_limit_exceeded', 'Too many requests.', { headers: { 'Retry-After': String(tier.periodSeconds) } });
    }
  }
  await next();
});
