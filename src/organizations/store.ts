// Organizations in D1, per project: create, read (by id or external id), list with keyset
// paging, update, delete, and names for ids (the dashboard's events viewer). Each write is
// one batch: the organization row and its domain rows together.
import { sql, type SQL } from 'drizzle-orm';
import { batch, statement, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import { newId } from '../lib/ids';
import type { Organization, OrganizationChange, OrganizationDomain } from './model';

export interface OrganizationPage {
  data: Organization[];
  before: string | null;
  after: string | null;
}

export interface OrganizationQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
  domains?: string[];
}

interface Row {
  id: string;
  projectId: string;
  name: string;
  externalId: string | null;
  domains: string;
  metadata: string;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = sql`id, project_id AS projectId, name, external_id AS externalId, domains, metadata, created_at AS createdAt, updated_at AS updatedAt`;

const toOrganization = (r: Row): Organization => ({
  id: r.id,
  projectId: r.projectId,
  name: r.name,
  externalId: r.externalId,
  domains: JSON.parse(r.domains) as OrganizationDomain[],
  metadata: JSON.parse(r.metadata) as Record<string, string>,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const notFound = (id: string) => new AppError('not_found', `Organization not found: '${id}'.`);

/** An organization of this project, or null (another project's id is null too). */
export async function getOrganization(db: Db, projectId: string, id: string): Promise<Organization | null> {
  const row = await db.get<Row | undefined>(sql`SELECT ${COLUMNS} FROM organizations WHERE project_id = ${projectId} AND id = ${id}`);
  return row ? toOrganization(row) : null;
}

export async function getOrganizationByExternalId(db: Db, projectId: string, externalId: string): Promise<Organization | null> {
  const row = await db.get<Row | undefined>(
    sql`SELECT ${COLUMNS} FROM organizations WHERE project_id = ${projectId} AND external_id = ${externalId}`,
  );
  return row ? toOrganization(row) : null;
}

/** Domain objects for a change: a domain the organization already has keeps its id. */
function domainsFor(change: OrganizationChange, current: OrganizationDomain[], now: number): OrganizationDomain[] {
  if (!change.domains) return current;
  return change.domains.map((d) => ({ id: current.find((c) => c.domain === d.domain)?.id ?? newId('organizationDomain', now), domain: d.domain, state: d.state }));
}

function writeStatements(db: Db, org: Organization, replaceDomains: boolean): D1PreparedStatement[] {
  const out = [
    statement(
      db,
      sql`INSERT INTO organizations (project_id, id, name, external_id, domains, metadata, created_at, updated_at)
        VALUES (${org.projectId}, ${org.id}, ${org.name}, ${org.externalId}, ${JSON.stringify(org.domains)}, ${JSON.stringify(org.metadata)}, ${org.createdAt}, ${org.updatedAt})
        ON CONFLICT (project_id, id) DO UPDATE SET name = excluded.name, external_id = excluded.external_id, domains = excluded.domains,
          metadata = excluded.metadata, updated_at = excluded.updated_at`,
    ),
  ];
  if (replaceDomains) {
    out.push(statement(db, sql`DELETE FROM organization_domains WHERE project_id = ${org.projectId} AND organization_id = ${org.id}`));
    if (org.domains.length > 0) {
      out.push(
        statement(
          db,
          sql`INSERT OR IGNORE INTO organization_domains (project_id, domain, organization_id)
            SELECT ${org.projectId}, d.value ->> 'domain', ${org.id} FROM json_each(${JSON.stringify(org.domains)}) AS d`,
        ),
      );
    }
  }
  return out;
}

/** A taken external id is a 409, as WorkOS answers. */
async function checkExternalId(db: Db, projectId: string, externalId: string | null | undefined, self?: string): Promise<void> {
  if (!externalId) return;
  const holder = await getOrganizationByExternalId(db, projectId, externalId);
  if (holder && holder.id !== self) {
    throw new AppError('conflict', `Another organization of this project has the external_id '${externalId}'.`, {
      problems: [{ path: ['external_id'], kind: 'invalid', message: 'external_id is already used by another organization' }],
    });
  }
}

async function write(db: Db, org: Organization, replaceDomains: boolean): Promise<void> {
  try {
    await db.$client.batch(writeStatements(db, org, replaceDomains));
  } catch (err) {
    // Two requests racing for one external id: the unique index refuses the second.
    if (String(err).includes('UNIQUE') && String(err).includes('external_id')) await checkExternalId(db, org.projectId, org.externalId, org.id);
    throw err;
  }
}

export async function createOrganization(db: Db, input: { projectId: string; change: OrganizationChange & { name: string }; now: number }): Promise<Organization> {
  const { projectId, change, now } = input;
  await checkExternalId(db, projectId, change.externalId);
  const org: Organization = {
    id: newId('organization', now),
    projectId,
    name: change.name,
    externalId: change.externalId ?? null,
    domains: domainsFor(change, [], now),
    metadata: change.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  await write(db, org, true);
  return org;
}

export async function updateOrganization(db: Db, input: { projectId: string; id: string; change: OrganizationChange; now: number }): Promise<Organization> {
  const { projectId, id, change, now } = input;
  const current = await getOrganization(db, projectId, id);
  if (!current) throw notFound(id);
  await checkExternalId(db, projectId, change.externalId, id);
  const org: Organization = {
    ...current,
    name: change.name ?? current.name,
    externalId: change.externalId !== undefined ? change.externalId : current.externalId,
    domains: domainsFor(change, current.domains, now),
    metadata: change.metadata ?? current.metadata,
    updatedAt: now,
  };
  await write(db, org, change.domains !== undefined);
  return org;
}

/**
 * Deletes the organization record (name, domains, metadata). Its events stay: they are the
 * audit record and leave only through retention; so do its retention and legal hold.
 */
export async function deleteOrganization(db: Db, projectId: string, id: string): Promise<void> {
  const results = await batch(db, [
    statement(db, sql`DELETE FROM organizations WHERE project_id = ${projectId} AND id = ${id}`),
    statement(db, sql`DELETE FROM organization_domains WHERE project_id = ${projectId} AND organization_id = ${id}`),
  ]);
  if ((results[0].meta.changes ?? 0) === 0) throw notFound(id);
}

/** Keyset paging over ids (`org_` + ULID: creation order); `after` continues in list order, `before` walks back. */
export async function listOrganizations(db: Db, projectId: string, q: OrganizationQuery): Promise<OrganizationPage> {
  const backwards = q.after === undefined && q.before !== undefined;
  const desc = (q.order === 'desc') !== backwards;
  const cursor = q.after ?? q.before;
  const keyset: SQL = cursor === undefined ? sql`` : desc ? sql`AND id < ${cursor}` : sql`AND id > ${cursor}`;
  const byDomain: SQL =
    q.domains && q.domains.length > 0
      ? sql`AND id IN (SELECT organization_id FROM organization_domains WHERE project_id = ${projectId} AND domain IN (SELECT value FROM json_each(${JSON.stringify(q.domains.map((d) => d.toLowerCase()))})))`
      : sql``;
  const rows = await db.all<Row>(sql`SELECT ${COLUMNS} FROM organizations WHERE project_id = ${projectId} ${byDomain} ${keyset}
    ORDER BY id ${sql.raw(desc ? 'DESC' : 'ASC')} LIMIT ${q.limit + 1}`);
  const more = rows.length > q.limit;
  const data = rows.slice(0, q.limit).map(toOrganization);
  if (backwards) data.reverse();
  const first = data[0]?.id ?? null;
  const last = data.length > 0 ? data[data.length - 1].id : null;
  if (backwards) return { data, before: more ? first : null, after: last };
  return { data, before: q.after !== undefined ? first : null, after: more ? last : null };
}

/** JSON bound per query (D1: 100 KB per statement): thousands of ordinary ids, so one query in practice. */
const NAMES_JSON_BYTES = 90_000;

/** Names of the organizations among `ids` that this project created, in one query; ids without one are absent. */
export async function organizationNames(db: Db, projectId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const groups: string[][] = [[]];
  let size = 2;
  for (const id of new Set(ids)) {
    const cost = JSON.stringify(id).length + 1;
    if (size + cost > NAMES_JSON_BYTES && groups[groups.length - 1].length > 0) {
      groups.push([]);
      size = 2;
    }
    groups[groups.length - 1].push(id);
    size += cost;
  }
  for (const group of groups) {
    if (group.length === 0) continue;
    const rows = await db.all<{ id: string; name: string }>(
      sql`SELECT id, name FROM organizations WHERE project_id = ${projectId} AND id IN (SELECT value FROM json_each(${JSON.stringify(group)}))`,
    );
    for (const r of rows) names.set(r.id, r.name);
  }
  return names;
}

/** The ids among `ids` that are not organizations of this project (one query), for managed organizations. */
export async function unknownOrganizations(db: Db, projectId: string, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const known = await organizationNames(db, projectId, unique);
  return unique.filter((id) => !known.has(id));
}
