// Full-text search: what each event puts into the FTS5 index. (How a search string
// becomes a MATCH expression is the query language's job: query-language.ts.)
import type { AuditEvent } from '../model';

/** Column values for one row of `events_fts` (see migrations/0001_events.sql), in column order. */
export const FTS_COLUMNS = ['event_id', 'actor_id', 'actor_email', 'actor_name', 'action', 'target', 'org', 'place', 'meta'] as const;
export type FtsColumn = (typeof FTS_COLUMNS)[number];
export type FtsRow = Record<FtsColumn, string>;

/** Columns a plain search looks in first; `meta` is searched only when these find nothing. */
export const PRIMARY_COLUMNS = '{event_id actor_id actor_email actor_name action target org place}';

/**
 * bm25 weights in column order: ids and emails above names above actions and
 * metadata (a hit in a rare, precise field says more than one in free text).
 */
export const BM25_WEIGHTS = [10, 8, 8, 5, 3, 4, 4, 2, 1] as const;

/** An organization id as a single FTS token: `org_01H…` → `oorg01h…`. */
export function orgToken(id: string): string {
  return `o${id.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')}`;
}

/**
 * The project as a single FTS token. Every search ANDs it in, so the index itself keeps
 * projects apart and "the newest matches" means this project's newest, however busy
 * other projects are.
 */
export function projectToken(projectId: string): string {
  return `p${projectId.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

export function ftsRow(e: AuditEvent): FtsRow {
  const meta = (m: Record<string, unknown>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(' ; ');
  return {
    event_id: e.id,
    actor_id: e.actor.id,
    actor_email: e.actor.email ?? '',
    actor_name: e.actor.name ?? '',
    action: [e.action, e.actionType ?? ''].join(' '),
    target: e.targets.map((t) => [t.id, t.name ?? '', t.type ?? ''].join(' ')).join(' ; '),
    // The id's words, plus the whole id as one rare token so an organization filter can
    // join a text search inside the FTS index (a phrase of common words like "org" is slow).
    org: `${e.organizationId} ${orgToken(e.organizationId)} ${projectToken(e.projectId)}`,
    place: [e.context.location, e.context.userAgent ?? ''].join(' '),
    meta: [e.actor.type ?? '', meta(e.metadata), meta(e.actor.metadata), ...e.targets.map((t) => meta(t.metadata))].join(' ; '),
  };
}
