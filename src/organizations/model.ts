// An organization as Waymark keeps it (the WorkOS Organizations API's fields), and the
// validation of create and update bodies into neutral problems (the API edge renders them).
import { z } from 'zod';
import { AppError } from '../lib/errors';
import { validate } from '../events/validate';
import { MAX_ID } from '../events/limits';

/** WorkOS's limits: 10 metadata pairs, keys up to 40 and values up to 600 ASCII characters; external ids up to 64. */
export const ORG_METADATA_MAX_KEYS = 10;
export const ORG_METADATA_KEY_MAX = 40;
export const ORG_METADATA_VALUE_MAX = 600;
export const ORG_EXTERNAL_ID_MAX = 64;
export const ORG_NAME_MAX = 256;
export const ORG_MAX_DOMAINS = 50;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ASCII = /^[\x20-\x7e]*$/;

export type DomainState = 'verified' | 'pending';

export interface OrganizationDomain {
  id: string;
  domain: string;
  state: DomainState;
}

export interface Organization {
  id: string;
  projectId: string;
  name: string;
  externalId: string | null;
  domains: OrganizationDomain[];
  metadata: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** What a create or update asks for (absent fields are left as they are on update). */
export interface OrganizationChange {
  name?: string;
  externalId?: string | null;
  /** Domains with their state; `domains` (deprecated, plain names) arrive here as verified. */
  domains?: { domain: string; state: DomainState }[];
  metadata?: Record<string, string>;
}

const name = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => s.length >= 1 && s.length <= ORG_NAME_MAX, `name must be 1 to ${ORG_NAME_MAX} characters`);
const domain = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => DOMAIN_PATTERN.test(s), 'must be a domain name such as example.com');
const domainData = z.array(z.strictObject({ domain, state: z.enum(['verified', 'pending']) })).max(ORG_MAX_DOMAINS);
const externalId = z
  .string()
  .max(ORG_EXTERNAL_ID_MAX, `external_id must be at most ${ORG_EXTERNAL_ID_MAX} characters`)
  .refine((s) => s.length > 0, 'external_id must not be empty')
  .nullable();
const metadata = z
  .record(
    z.string().max(ORG_METADATA_KEY_MAX, `metadata keys must be at most ${ORG_METADATA_KEY_MAX} characters`).regex(ASCII, 'metadata keys must be ASCII'),
    z.string().max(ORG_METADATA_VALUE_MAX, `metadata values must be at most ${ORG_METADATA_VALUE_MAX} characters`).regex(ASCII, 'metadata values must be ASCII').nullable(),
  )
  .refine((m) => Object.keys(m).length <= ORG_METADATA_MAX_KEYS, `metadata holds at most ${ORG_METADATA_MAX_KEYS} keys`);

const fields = {
  domain_data: domainData.optional(),
  domains: z.array(domain).max(ORG_MAX_DOMAINS).optional(),
  external_id: externalId.optional(),
  metadata: metadata.optional(),
  // Deprecated WorkOS fields the SDKs may still send: accepted, not stored (they concern SSO and billing).
  allow_profiles_outside_organization: z.boolean().optional(),
  stripe_customer_id: z.string().max(MAX_ID).nullable().optional(),
};
/**
 * Domains are compared lower-cased, so two entries that differ only in case are one domain sent twice: a 422 naming
 * the second. `domains` (deprecated) and `domain_data` are two spellings of the same list: sending both is a 422.
 */
function checkDomains(v: { domains?: string[]; domain_data?: { domain: string }[] }, ctx: z.RefinementCtx) {
  if (v.domains !== undefined && v.domain_data !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['domains'], message: 'send either domains or domain_data, not both' });
  }
  const repeats = (field: string, list: string[]) => {
    const seen = new Set<string>();
    list.forEach((d, i) => {
      if (seen.has(d)) ctx.addIssue({ code: 'custom', path: field === 'domains' ? [field, i] : [field, i, 'domain'], message: `${d} is listed twice (domains are compared without case)` });
      seen.add(d);
    });
  };
  if (v.domains) repeats('domains', v.domains);
  if (v.domain_data) repeats('domain_data', v.domain_data.map((d) => d.domain));
}
const createBody = z.strictObject({ name, ...fields }).superRefine(checkDomains);
const updateBody = z.strictObject({ name: name.optional(), ...fields }).superRefine(checkDomains);

/**
 * `raw` is the body as parsed from JSON: metadata is taken from it (its keys and values are checked, none transformed),
 * because the schema's output is a plain object on which a `__proto__` key would set the prototype and be lost.
 */
function toChange(v: z.output<typeof updateBody>, raw: { metadata?: unknown }): OrganizationChange {
  const change: OrganizationChange = {};
  if (v.name !== undefined) change.name = v.name;
  if (v.external_id !== undefined) change.externalId = v.external_id;
  if (v.domain_data !== undefined || v.domains !== undefined) {
    change.domains = v.domain_data ?? (v.domains ?? []).map((domain) => ({ domain, state: 'verified' as const }));
  }
  if (v.metadata !== undefined) {
    // A key set to null is left out: metadata is replaced by what the request sends.
    const entries = Object.entries(raw.metadata as Record<string, string | null>);
    change.metadata = Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== null));
  }
  return change;
}

function parse(schema: z.ZodType, body: unknown): OrganizationChange {
  const result = validate(schema, body ?? {});
  if (!result.ok) throw new AppError('validation_failed', 'Validation failed.', { problems: result.problems });
  return toChange(result.value as z.output<typeof updateBody>, body as { metadata?: unknown });
}

/** A create body (`name` required), or a 422 naming every bad field. */
export const parseCreate = (body: unknown): OrganizationChange & { name: string } => parse(createBody, body) as OrganizationChange & { name: string };

/** An update body (every field optional), or a 422 naming every bad field. */
export const parseUpdate = (body: unknown): OrganizationChange => parse(updateBody, body);

/** An organization id as a path or filter names it: any id events may carry (they are not all `org_…`). */
export function organizationIdParam(value: string): string {
  if (value.length < 1 || value.length > MAX_ID) {
    throw new AppError('validation_failed', 'Validation failed.', {
      problems: [{ path: ['id'], kind: 'invalid', message: `organization_id must be 1 to ${MAX_ID} characters` }],
    });
  }
  return value;
}
