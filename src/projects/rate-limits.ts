// The rate-limit tiers a project can be on. Each tier is a Rate Limiting binding in
// wrangler.toml with the same numbers (Cloudflare counts per key, per location). Imports
// nothing, so the API, the dashboard and the environment check can all read it.

export const RATE_TIERS = {
  strict: { binding: 'RATE_LIMIT_STRICT', limit: 10, periodSeconds: 10, label: 'Strict' },
  standard: { binding: 'RATE_LIMIT_STANDARD', limit: 5_000, periodSeconds: 10, label: 'Standard' },
  high: { binding: 'RATE_LIMIT_HIGH', limit: 20_000, periodSeconds: 10, label: 'High' },
  off: { binding: null, limit: null, periodSeconds: null, label: 'Off' },
} as const;

export type RateTier = keyof typeof RATE_TIERS;
/** The tier of a project that has not chosen one (a deployment can change it with RATE_LIMIT_DEFAULT). */
export const DEFAULT_RATE_TIER: RateTier = 'standard';
export const isRateTier = (v: unknown): v is RateTier => typeof v === 'string' && Object.hasOwn(RATE_TIERS, v);

export function describeTier(tier: RateTier): string {
  const t = RATE_TIERS[tier];
  if (t.limit === null) return `${t.label}: no limit`;
  return `${t.label}: ${t.limit.toLocaleString('en-US')} requests per ${t.periodSeconds} seconds per key`;
}
