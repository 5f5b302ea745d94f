// The dashboard's own audit trail: every dashboard action becomes an ordinary Audit Logs
// event of the built-in project `proj_waymark`, validated by the same parser as the API's
// and written through the project's committer, like any single event sent to the API.
import { parseAuditLogEvent } from '../api/wire/audit-logs';
import type { Env } from '../env';
import { planWrite } from '../events/store';
import { newId } from '../lib/ids';
import { WAYMARK_PROJECT } from '../projects/bootstrap';

/** The organization every dashboard event belongs to. */
export const WAYMARK_ORGANIZATION = 'org_waymark';

/** The dotted action names the trail uses. */
export const DASHBOARD_ACTIONS = [
  'dashboard.signed_in',
  'dashboard.sign_in_failed',
  'dashboard.signed_out',
  'member.invited',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'member.password_changed',
  'member.passkey_added',
  'invite.revoked',
  'session.ended',
  'project.created',
  'project.renamed',
  'project.deleted',
  'api_key.created',
  'api_key.rotated',
  'api_key.revoked',
  'export.created',
  'export.downloaded',
  'settings.updated',
  'retention.changed',
  'organization.deleted',
  'legal_hold.changed',
  'schema.created',
  'portal_link.generated',
] as const;
export type DashboardAction = (typeof DASHBOARD_ACTIONS)[number];

export interface DashboardActor {
  id: string;
  /** A member's email; absent for an API key acting through the API. */
  email?: string;
  name: string;
  /** `member` (the default), `api_key` (actions through the API: schema.created, export.created) or `download_link` (a signed export link). */
  type?: 'member' | 'api_key' | 'download_link';
}

export interface DashboardTarget {
  id: string;
  type: string;
  name?: string;
}

export interface DashboardEvent {
  action: DashboardAction;
  actor: DashboardActor;
  targets: DashboardTarget[];
  context: { ip: string; userAgent: string | null };
  metadata?: Record<string, string | number | boolean>;
  now: number;
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/**
 * Records one dashboard action. A failure is logged, not thrown: the action it describes has
 * already happened, and the person should see its result.
 */
export async function recordDashboardEvent(env: Pick<Env, 'COMMITTER'>, e: DashboardEvent): Promise<void> {
  const body = {
    organization_id: WAYMARK_ORGANIZATION,
    event: {
      action: e.action,
      occurred_at: new Date(e.now).toISOString(),
      actor: {
        id: clip(e.actor.id, 200),
        type: e.actor.type ?? 'member',
        name: clip(e.actor.name, 200),
        ...(e.actor.email ? { metadata: { email: clip(e.actor.email, 320) } } : {}),
      },
      targets: e.targets.map((t) => ({ id: clip(t.id, 200), type: t.type, ...(t.name ? { name: clip(t.name, 200) } : {}) })),
      context: { location: clip(e.context.ip || 'unknown', 100), ...(e.context.userAgent ? { user_agent: clip(e.context.userAgent, 500) } : {}) },
      ...(e.metadata ? { metadata: e.metadata } : {}),
    },
  };
  try {
    const parsed = parseAuditLogEvent(body, JSON.stringify(body.event), () => e.now);
    if (!parsed.ok) throw new Error(`invalid dashboard event: ${JSON.stringify(parsed.problems)}`);
    const plan = planWrite({
      projectId: WAYMARK_PROJECT.id,
      events: [parsed.event],
      now: e.now,
      requestId: newId('request', e.now),
      respond: ([id]) => ({ status: 200, body: { success: true, id } }),
    });
    const stub = env.COMMITTER.get(env.COMMITTER.idFromName(WAYMARK_PROJECT.id));
    const outcome = (await stub.write(plan)) as unknown as { ok: boolean };
    if (!outcome.ok) throw new Error(`dashboard event not written: ${JSON.stringify(outcome)}`);
  } catch (err) {
    console.error(`dashboard audit event ${e.action} not recorded`, err);
  }
}

/** The request's address and user agent, for actions recorded outside the dashboard (the API, download links). */
export const requestContext = (req: { header(name: string): string | undefined }) => ({
  ip: req.header('cf-connecting-ip') ?? 'unknown',
  userAgent: req.header('user-agent') ?? null,
});
