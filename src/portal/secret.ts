// The key that signs viewer links and viewer cookies: SESSION_SECRET, or one derived from
// ADMIN_PASSWORD, each under its own label so a dashboard signature never verifies here.
import type { Env } from '../env';
import { AppError } from '../lib/errors';

export function portalSecret(env: Env): string {
  if (env.SESSION_SECRET) return `waymark-portal-v1\u0000${env.SESSION_SECRET}`;
  if (env.ADMIN_PASSWORD) return `waymark-portal-v1\u0001${env.ADMIN_PASSWORD}`;
  throw new AppError('server_misconfigured', 'Set SESSION_SECRET (or ADMIN_PASSWORD) to sign viewer links.');
}
