// POST /portal/generate_link as WorkOS shapes it (the SDK's adminPortal.generateLink, or
// portal.generateLink in older SDKs): a single-use link, valid 5 minutes, that opens the
// customer-facing viewer on one organization of the key's project. A link lets its holder
// read that organization's events, so the key needs the read scope.
import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context';
import { AppError, type Problem } from '../lib/errors';
import { MAX_ID } from '../events/limits';
import { issueLink } from '../portal/link';
import { portalSecret } from '../portal/secret';
import { recordDashboardEvent, requestContext } from '../team/audit';
import { requireScope } from './auth';
import { readJsonBody } from './body';

/** The intents Waymark serves; WorkOS's others (sso, dsync, ...) get a 422 naming these. */
export const SUPPORTED_INTENTS = ['audit_logs'] as const;
const MAX_BODY_BYTES = 16 * 1024;
const MAX_RETURN_URL = 2048;

const Body = z.looseObject({
  intent: z.string({ error: (i) => (i.input === undefined ? 'intent is required' : 'intent must be a string') }),
  organization: z.string({ error: (i) => (i.input === undefined ? 'organization is required' : 'organization must be a string') }).min(1, 'organization must not be empty').max(MAX_ID, `organization must be at most ${MAX_ID} characters`),
  return_url: z.string({ error: 'return_url must be a string' }).max(MAX_RETURN_URL).nullish(),
  success_url: z.string({ error: 'success_url must be a string' }).nullish(),
});

function invalid(problems: Problem[]): AppError {
  return new AppError('validation_failed', 'Validation failed.', { problems });
}

export function registerPortalRoutes(api: Hono<AppEnv>) {
  api.post('/portal/generate_link', requireScope('read'), async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_BODY_BYTES);
    const parsed = Body.safeParse(body.value, { reportInput: true });
    if (!parsed.success) {
      throw invalid(parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), kind: i.code === 'invalid_type' && i.input === undefined ? 'required' : 'invalid', message: i.message })));
    }
    const { intent, organization, return_url } = parsed.data;
    if (!(SUPPORTED_INTENTS as readonly string[]).includes(intent)) {
      throw invalid([{ path: ['intent'], kind: 'invalid', message: `intent "${intent.slice(0, 64)}" is not supported; Waymark supports: ${SUPPORTED_INTENTS.join(', ')}` }]);
    }
    let returnUrl: string | null = null;
    if (return_url) {
      const url = URL.parse(return_url);
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        throw invalid([{ path: ['return_url'], kind: 'invalid', message: 'return_url must be an http(s) URL' }]);
      }
      returnUrl = url.href;
    }
    const { link } = await issueLink(c.var.db, {
      secret: portalSecret(c.env),
      origin: new URL(c.req.url).origin,
      projectId: c.var.projectId,
      organizationId: organization,
      returnUrl,
      now: c.var.now(),
    });
    await recordDashboardEvent(c.env, {
      action: 'portal_link.generated',
      actor: { id: c.var.apiKeyId, name: 'API key', type: 'api_key' },
      targets: [
        { id: organization, type: 'organization' },
        { id: c.var.projectId, type: 'project' },
      ],
      context: requestContext(c.req),
      metadata: { intent },
      now: c.var.now(),
    });
    return c.json({ link }, 201);
  });
}
