// Retention and legal holds per organization: how long each organization's events are kept
// (its own period, else the project's default, else forever), whether a hold stops purges,
// and what the last purge removed. Any organization id events name can carry these, created
// through the API or not. The purge itself: organizations/expiry.ts and events/purge.ts.
import { sql } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';
import { AppError } from '../lib/errors';
import { WAYMARK_PROJECT_ID } from '../projects/store';

/** Waymark takes any whole number of days from 1 up to this (about 100 years). */
export const MAX_RETENTION_DAYS = 36_500;
export const DAY_MS = 86_400_000;
/** The dashboard's own trail (proj_waymark) is never kept for less than a year, whatever its settings say. */
export const WAYMARK_MIN_RETENTION_DAYS = 365;

/**
 * Refuses a period that would keep the dashboard's own trail for less than a year (the purge
 * also never goes below it: organizations/expiry.ts). Other projects: any period.
 */
export function checkTrailRetention(projectId: string, days: number | null, field: string): void {
  if (projectId === WAYMARK_PROJECT_ID && days !== null && days < WAYMARK_MIN_RETENTION_DAYS) {
    throw new AppError('validation_failed', `The Waymark trail keeps at least ${WAYMARK_MIN_RETENTION_DAYS} days.`, {
      problems: [{ path: [field], kind: 'invalid', message: `${field} must be at least ${WAYMARK_MIN_RETENTION_DAYS} for the Waymark trail, or empty (forever)` }],
    });
  }
}

/** The SDK's periods (10.14+): `1_MONTH` … `11_MONTHS` (30 days each, as WorkOS's 30), `1_YEAR` … `10_YEARS` (365 each). */
const PERIOD = /^(?:(1)_MONTH|([2-9]|1[01])_MONTHS|(1)_YEAR|([2-9]|10)_YEARS)$/;

export function periodDays(period: string): number | null {
  const m = PERIOD.exec(period);
  if (!m) return null;
  if (m[1] || m[2]) return Number(m[1] ?? m[2]) * 30;
  return Number(m[3] ?? m[4]) * 365;
}

/** The SDK's period name for a number of days, when there is one (30 → `1_MONTH`, 730 → `2_YEARS`), else null. */
export function periodName(days: number | null): string | null {
  if (days === null) return null;
  if (days % 365 === 0 && days / 365 <= 10) return days === 365 ? '1_YEAR' : `${days / 365}_YEARS`;
  if (days % 30 === 0 && days / 30 <= 11) return days === 30 ? '1_MONTH' : `${days / 30}_MONTHS`;
  return null;
}

/** What a PUT asks for: a number of days, forever (null), or back to the project's default. */
export type RetentionChange = { kind: 'days'; days: number | null } | { kind: 'default' };

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', 'Validation failed.', { problems: [{ path: [field], kind: 'invalid', message }] });

/** A whole number of days (1 to MAX_RETENTION_DAYS) or null, else a 422 naming `field`. */
export function checkDays(value: unknown, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_RETENTION_DAYS) {
    throw invalid(field, `${field} must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null to keep events forever`);
  }
  return value;
}

/**
 * The PUT body, in either form: `{"retention_period_in_days": N | null}` (the published API)
 * or `{"retention_period": "1_MONTH" … "10_YEARS"}` (SDK 10.14+); Waymark also takes
 * `{"use_project_default": true}`. Anything else is a 422 naming the field.
 */
export function parseRetentionBody(body: unknown): RetentionChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('retention_period_in_days', 'the body must be a JSON object with retention_period_in_days or retention_period');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['retention_period_in_days', 'retention_period', 'use_project_default'].includes(k));
  if (unknown.length > 0) {
    throw new AppError('validation_failed', 'Validation failed.', {
      problems: unknown.map((k) => ({ path: [k], kind: 'unknown_field' as const, message: `${k} is not a known field` })),
    });
  }
  const given = ['retention_period_in_days', 'retention_period', 'use_project_default'].filter((k) => k in b);
  if (given.length !== 1) throw invalid(given[1] ?? 'retention_period_in_days', 'send exactly one of retention_period_in_days, retention_period or use_project_default');
  if ('use_project_default' in b) {
    if (b.use_project_default !== true) throw invalid('use_project_default', 'use_project_default must be true');
    return { kind: 'default' };
  }
  if ('retention_period' in b) {
    const days = typeof b.retention_period === 'string' ? periodDays(b.retention_period) : null;
    if (days === null) throw invalid('retention_period', 'retention_period must be 1_MONTH, 2_MONTHS … 11_MONTHS, 1_YEAR, or 2_YEARS … 10_YEARS');
    return { kind: 'days', days };
  }
  return { kind: 'days', days: checkDays(b.retention_period_in_days, 'retention_period_in_days') };
}

export interface OrganizationRetention {
  organizationId: string;
  /** The period that applies (own, else the project's default), null: forever. */
  days: number | null;
  source: 'organization' | 'project';
  legalHold: boolean;
}

export interface PurgeRecord {
  at: number;
  cutoff: number;
  events: number;
  targets: number;
  oldest: number;
  newest: number;
}

interface SettingsRow {
  organizationId: string;
  retentionSet: number;
  retentionDays: number | null;
  legalHold: number;
}

const effective = (row: SettingsRow | undefined, organizationId: string, projectDays: number | null): OrganizationRetention =>
  row && row.retentionSet === 1
    ? { organizationId, days: row.retentionDays, source: 'organization', legalHold: row.legalHold === 1 }
    : { organizationId, days: projectDays, source: 'project', legalHold: row?.legalHold === 1 };

/** Settings of up to a page of organizations (one query), each with what applies to it. */
export async function retentionOf(db: Db, projectId: string, ids: readonly string[], projectDays: number | null): Promise<Map<string, OrganizationRetention>> {
  const rows =
    ids.length === 0
      ? []
      : await db.all<SettingsRow>(sql`SELECT organization_id AS organizationId, retention_set AS retentionSet, retention_days AS retentionDays, legal_hold AS legalHold
          FROM organization_settings WHERE project_id = ${projectId} AND organization_id IN (SELECT value FROM json_each(${JSON.stringify([...new Set(ids)])}))`);
  const byId = new Map(rows.map((r) => [r.organizationId, r]));
  return new Map(ids.map((id) => [id, effective(byId.get(id), id, projectDays)]));
}

export async function getRetention(db: Db, projectId: string, organizationId: string, projectDays: number | null): Promise<OrganizationRetention> {
  return (await retentionOf(db, projectId, [organizationId], projectDays)).get(organizationId)!;
}

/** Sets an organization's retention and answers what now applies to it (one statement). */
export async function setRetention(
  db: Db,
  input: { projectId: string; organizationId: string; change: RetentionChange; now: number; projectDays?: number | null },
): Promise<OrganizationRetention> {
  const { projectId, organizationId, change, now } = input;
  if (change.kind === 'days') checkTrailRetention(projectId, change.days, 'days');
  const set = change.kind === 'days' ? 1 : 0;
  const days = change.kind === 'days' ? change.days : null;
  const row = await statement(
    db,
    sql`INSERT INTO organization_settings (project_id, organization_id, retention_set, retention_days, legal_hold, updated_at)
      VALUES (${projectId}, ${organizationId}, ${set}, ${days}, 0, ${now})
      ON CONFLICT (project_id, organization_id) DO UPDATE SET retention_set = excluded.retention_set, retention_days = excluded.retention_days, updated_at = excluded.updated_at
      RETURNING organization_id AS organizationId, retention_set AS retentionSet, retention_days AS retentionDays, legal_hold AS legalHold`,
  ).first<SettingsRow>();
  return effective(row ?? undefined, organizationId, input.projectDays ?? null);
}

/** Sets or lifts an organization's legal hold: while set, no purge removes any of its events. */
export async function setLegalHold(db: Db, input: { projectId: string; organizationId: string; hold: boolean; now: number }): Promise<void> {
  const { projectId, organizationId, hold, now } = input;
  await statement(
    db,
    sql`INSERT INTO organization_settings (project_id, organization_id, retention_set, retention_days, legal_hold, updated_at)
      VALUES (${projectId}, ${organizationId}, 0, NULL, ${hold ? 1 : 0}, ${now})
      ON CONFLICT (project_id, organization_id) DO UPDATE SET legal_hold = excluded.legal_hold, updated_at = excluded.updated_at`,
  ).run();
}

/** What the last purge run removed from each of these organizations (its chunks summed; one query). */
export async function lastPurges(db: Db, projectId: string, ids: readonly string[]): Promise<Map<string, PurgeRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db.all<PurgeRecord & { organizationId: string }>(sql`
    SELECT p.organization_id AS organizationId, max(p.at) AS at, max(p.cutoff) AS cutoff, sum(p.events) AS events,
      sum(p.targets) AS targets, min(p.oldest) AS oldest, max(p.newest) AS newest
    FROM json_each(${JSON.stringify([...new Set(ids)])}) AS o
    JOIN purges AS p ON p.project_id = ${projectId} AND p.organization_id = o.value
      AND p.run = (SELECT max(q.run) FROM purges AS q WHERE q.project_id = ${projectId} AND q.organization_id = o.value)
    GROUP BY p.organization_id`);
  return new Map(rows.map(({ organizationId, ...r }) => [organizationId, r]));
}
