// The part of WorkOS's Organizations API that its SDKs' `organizations` module calls, and
// the Audit Logs retention of an organization, per project (the API key's):
//   POST   /organizations                                  create
//   GET    /organizations                                  list (limit, before, after, order, domains)
//   GET    /organizations/:id                              read
//   GET    /organizations/external_id/:external_id         read by external id
//   PUT    /organizations/:id                              update
//   DELETE /organizations/:id                              delete (the record; its events stay; read + write scopes)
//   GET    /organizations/:id/audit_logs_retention         {"retention_period_in_days": N | null}
//   PUT    /organizations/:id/audit_logs_retention         either body form (see organizations/retention.ts); read + write scopes
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';
import type { Organization } from '../organizations/model';
import { organizationIdParam, parseCreate, parseUpdate } from '../organizations/model';
import { getRetention, parseRetentionBody, periodName, setRetention, type OrganizationRetention } from '../organizations/retention';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  getOrganizationByExternalId,
  listOrganizations,
  updateOrganization,
  type OrganizationQuery,
} from '../organizations/store';
import { recordDashboardEvent, requestContext } from '../team/audit';
import { requireScope } from './auth';
import { readJsonBody } from './body';
import { list, pageQuery, parseQuery, type QueryValues } from './query';

const MAX_BODY_BYTES = 64 * 1024;
const iso = (ms: number) => new Date(ms).toISOString();

/** An organization as WorkOS shapes it. */
export function organizationJson(o: Organization) {
  return {
    object: 'organization',
    id: o.id,
    name: o.name,
    allow_profiles_outside_organization: false,
    domains: o.domains.map((d) => ({
      object: 'organization_domain',
      id: d.id,
      organization_id: o.id,
      domain: d.domain,
      state: d.state,
      verification_strategy: 'manual',
      created_at: iso(o.createdAt),
      updated_at: iso(o.updatedAt),
    })),
    external_id: o.externalId,
    metadata: o.metadata,
    created_at: iso(o.createdAt),
    updated_at: iso(o.updatedAt),
  };
}

/**
 * WorkOS answers `retention_period_in_days` (and names the SDK's `retention_period` in its
 * spec); Waymark adds where the period comes from and the legal hold.
 */
function retentionJson(r: OrganizationRetention) {
  return { retention_period_in_days: r.days, retention_period: periodName(r.days), source: r.source, legal_hold: r.legalHold };
}

const listQuery = pageQuery((v) => /^org_[0-9A-HJKMNP-TV-Z]{26}$/i.test(v), 'must be an organization id from this list', {
  domains: list('domains'),
}) as unknown as z.ZodType<OrganizationQuery, QueryValues>;

/** Records a change made through the API in the Waymark trail, with the API key as actor. */
async function recordApiChange(c: Context<AppEnv>, action: 'retention.changed' | 'organization.deleted', organizationId: string, metadata: Record<string, string | number>) {
  await recordDashboardEvent(c.env, {
    action,
    actor: { id: c.var.apiKeyId, name: 'API key', type: 'api_key' },
    targets: [
      { id: organizationId, type: 'organization' },
      { id: c.var.projectId, type: 'project' },
    ],
    context: requestContext(c.req),
    metadata,
    now: c.var.now(),
  });
}

/** The organization of this project named in the path, or a 404 (another project's id included). */
async function existing(c: Context<AppEnv>, id: string): Promise<Organization> {
  const org = await getOrganization(c.var.db, c.var.projectId, organizationIdParam(id));
  if (!org) throw new AppError('not_found', `Organization not found: '${id}'.`);
  return org;
}

/**
 * The organization a retention request names: with managed organizations it must have been
 * created; otherwise any id events may name is accepted, as events for it are.
 */
async function retentionTarget(c: Context<AppEnv>): Promise<string> {
  const id = organizationIdParam(c.req.param('id')!);
  if (c.var.projectSettings.managedOrganizations) await existing(c, id);
  return id;
}

export function registerOrganizationRoutes(app: Hono<AppEnv>): void {
  app.post('/organizations', requireScope('write'), async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_BODY_BYTES);
    const org = await createOrganization(c.var.db, { projectId: c.var.projectId, change: parseCreate(body.value), now: c.var.now() });
    return c.json(organizationJson(org), 201);
  });

  app.get('/organizations', requireScope('read'), async (c) => {
    const page = await listOrganizations(c.var.db, c.var.projectId, parseQuery(listQuery, new URL(c.req.url)));
    const metadata = { before: page.before, after: page.after };
    return c.json({ object: 'list', data: page.data.map(organizationJson), list_metadata: metadata, listMetadata: metadata });
  });

  app.get('/organizations/external_id/:external_id', requireScope('read'), async (c) => {
    const externalId = c.req.param('external_id');
    const org = await getOrganizationByExternalId(c.var.db, c.var.projectId, externalId);
    if (!org) throw new AppError('not_found', `Organization not found with external_id: '${externalId}'.`);
    return c.json(organizationJson(org));
  });

  app.get('/organizations/:id', requireScope('read'), async (c) => c.json(organizationJson(await existing(c, c.req.param('id')))));

  app.put('/organizations/:id', requireScope('write'), async (c) => {
    const id = organizationIdParam(c.req.param('id'));
    const body = await readJsonBody(c.req.raw, MAX_BODY_BYTES);
    const org = await updateOrganization(c.var.db, { projectId: c.var.projectId, id, change: parseUpdate(body.value), now: c.var.now() });
    return c.json(organizationJson(org));
  });

  // Deleting an organization or changing how long its events are kept can erase history:
  // a write-only (ingest) key cannot, and every change is recorded in the Waymark trail.
  app.delete('/organizations/:id', requireScope('read'), requireScope('write'), async (c) => {
    const id = organizationIdParam(c.req.param('id'));
    await deleteOrganization(c.var.db, c.var.projectId, id);
    await recordApiChange(c, 'organization.deleted', id, {});
    // No body and no JSON type: the SDKs parse a body only when the type says JSON.
    return c.body(null, 204);
  });

  app.get('/organizations/:id/audit_logs_retention', requireScope('read'), async (c) => {
    const id = await retentionTarget(c);
    return c.json(retentionJson(await getRetention(c.var.db, c.var.projectId, id, c.var.projectSettings.retentionDays)));
  });

  app.put('/organizations/:id/audit_logs_retention', requireScope('read'), requireScope('write'), async (c) => {
    const id = await retentionTarget(c);
    const body = await readJsonBody(c.req.raw, MAX_BODY_BYTES);
    const change = parseRetentionBody(body.value);
    const projectDays = c.var.projectSettings.retentionDays;
    const retention = await setRetention(c.var.db, { projectId: c.var.projectId, organizationId: id, change, now: c.var.now(), projectDays });
    await recordApiChange(c, 'retention.changed', id, { days: retention.days ?? 'forever', source: retention.source });
    return c.json(retentionJson(retention));
  });
}
