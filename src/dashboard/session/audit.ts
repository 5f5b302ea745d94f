// Records a dashboard action in the Waymark project's trail (team/audit.ts), with the signed-in
// member as actor and the request's address and user agent as context.
import type { Context } from 'hono';
import type { AppEnv } from '../../context';
import { recordDashboardEvent, type DashboardAction, type DashboardActor, type DashboardTarget } from '../../team/audit';
import { clientAddress } from './cookie';

export function audit(
  c: Context<AppEnv>,
  action: DashboardAction,
  targets: DashboardTarget[],
  options: { actor?: DashboardActor; metadata?: Record<string, string | number | boolean> } = {},
): Promise<void> {
  const { id, email, name } = options.actor ?? c.var.session.member;
  return recordDashboardEvent(c.env, {
    action,
    actor: { id, email, name },
    targets,
    context: { ip: clientAddress(c), userAgent: c.req.header('user-agent') ?? null },
    metadata: options.metadata,
    now: c.var.now(),
  });
}
