// Lists and search over stored events: filters, the search language's plans (the
// newest-matches window, the exact fallback, relevance), and keyset cursors.
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { AppError } from '../lib/errors';
import { EVENT_ID_PATTERN } from '../lib/ids';
import { looksLikeEmail, type ActionType, type AuditEvent } from './model';
import { hasPlainTerms, matchExpressions, parseSearch, type FtsTerm, type ParsedSearch } from './query-language';
import { events } from './schema';
import { BM25_WEIGHTS, orgToken, PRIMARY_COLUMNS, projectToken } from './search';
import { listColumns, toEvent, type Db } from './store';
import { knownActions } from './catalog';
import { ACTION_PATTERN } from './limits';

export interface TimeRange {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  eq?: number;
}

/** What a list may filter on. Arrays mean "any of"; absent or empty means "no filter". */
export interface EventQuery {
  projectId: string;
  organizationIds?: string[];
  actions?: string[];
  actionTypes?: ActionType[];
  actorIds?: string[];
  actorNames?: string[];
  actorEmails?: string[];
  actorTypes?: string[];
  targetIds?: string[];
  targetNames?: string[];
  targetTypes?: string[];
  locations?: string[];
  occurredAt?: TimeRange;
  search?: string;
  /** `relevance` applies to searches with words; otherwise it falls back to newest first. */
  order: 'asc' | 'desc' | 'relevance';
  /** The clock for relative times in the search language (`after:7d`). */
  now?: number;
  /** Forces how search words are applied (tests and the benchmark); chosen from term frequency otherwise. */
  matchStrategy?: 'in' | 'window';
  /** Overrides WINDOW (tests use a tiny window to exercise the exactness check). */
  windowSize?: number;
  /** Search words that are actions of this project (filled in by listEvents from the catalog). */
  knownActions?: string[];
  limit: number;
  /** Event id: the page after this event, in list order. */
  after?: string;
  /** Event id: the page before this event, in list order. */
  before?: string;
}

export interface EventPage {
  events: AuditEvent[];
  before: string | null;
  after: string | null;
}

const has = <T>(a: T[] | undefined): a is T[] => Array.isArray(a) && a.length > 0;

/** Which FTS columns plain words look in: the primary ones, or every column (the fallback). */
type SearchScope = 'primary' | 'all';

/** The smallest string greater than every string that starts with `prefix` (actions are ASCII). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

interface Plan {
  conditions: SQL[];
  /** The FTS expression that must match, when the search has words (relevance ranks by it). */
  match: string | null;
  parsed: ParsedSearch | null;
}

/**
 * How a search's words are applied. `window` (newest first): read only the newest
 * WINDOW matches (FTS5 streams them in rowid order and stops early), page those, and
 * prove the page exact, else fall back to `in`: read every match, then keep those in
 * the page. Rare words cost the same either way; common words only cost a window.
 */
type MatchStrategy = 'in' | 'window';

/** How many of the newest matches the window holds. */
export const WINDOW = 2_000;

function plan(q: EventQuery, scope: SearchScope): Plan {
  const c: SQL[] = [eq(events.projectId, q.projectId)];
  if (has(q.organizationIds)) c.push(inArray(events.organizationId, q.organizationIds));
  if (has(q.actions)) c.push(inArray(events.action, q.actions));
  if (has(q.actionTypes)) c.push(inArray(events.actionType, q.actionTypes));
  if (has(q.actorIds)) c.push(inArray(events.actorId, q.actorIds));
  if (has(q.actorNames)) c.push(inArray(events.actorName, q.actorNames));
  if (has(q.actorEmails)) c.push(inArray(events.actorEmail, q.actorEmails.map((e) => e.toLowerCase())));
  if (has(q.actorTypes)) c.push(inArray(events.actorType, q.actorTypes));
  if (has(q.locations)) c.push(inArray(events.location, q.locations));
  const targetFilter = (column: 'target_id' | 'target_name' | 'target_type', values: string[]) =>
    sql`${events.seq} IN (SELECT event_seq FROM event_targets WHERE project_id = ${q.projectId} AND ${sql.raw(column)} IN ${values})`;
  if (has(q.targetIds)) c.push(targetFilter('target_id', q.targetIds));
  if (has(q.targetNames)) c.push(targetFilter('target_name', q.targetNames));
  if (has(q.targetTypes)) c.push(targetFilter('target_type', q.targetTypes));
  const t = q.occurredAt ?? {};
  if (t.eq !== undefined) c.push(eq(events.occurredAt, t.eq));
  if (t.gt !== undefined) c.push(gt(events.occurredAt, t.gt));
  if (t.gte !== undefined) c.push(gte(events.occurredAt, t.gte));
  if (t.lt !== undefined) c.push(lt(events.occurredAt, t.lt));
  if (t.lte !== undefined) c.push(lte(events.occurredAt, t.lte));
  if (q.search === undefined || q.search.trim() === '') return { conditions: c, match: null, parsed: null };

  const parsed = parseSearch(q.search, q.now ?? Date.now());
  let p = parsed;
  if (scope === 'primary') {
    // Words that name an actor's email or a known action exactly use their own indexes
    // (a phrase such as "user searched audit trail events" is slow in FTS: "user" is everywhere).
    const direct = (t: FtsTerm) => t.plain && !t.negated && (looksLikeEmail(t.phrase) || (q.knownActions ?? []).includes(t.phrase));
    for (const t of parsed.terms.filter(direct)) {
      c.push(looksLikeEmail(t.phrase) ? eq(events.actorEmail, t.phrase.toLowerCase()) : eq(events.action, t.phrase));
    }
    p = { ...parsed, terms: parsed.terms.filter((t) => !direct(t)) };
  }
  if (p.eventIds.length > 0) c.push(inArray(events.id, p.eventIds));
  if (p.actions.length > 0) c.push(inArray(events.action, p.actions));
  if (p.notActions.length > 0) c.push(notInArray(events.action, p.notActions));
  if (p.actionPrefixes.length > 0) {
    c.push(or(...p.actionPrefixes.map((x) => and(gte(events.action, x), lt(events.action, prefixEnd(x)))))!);
  }
  if (p.actionTypes.length > 0) c.push(inArray(events.actionType, p.actionTypes));
  if (p.after !== undefined) c.push(gte(events.occurredAt, p.after));
  if (p.before !== undefined) c.push(lt(events.occurredAt, p.before));
  let { include, exclude } = matchExpressions(p, scope === 'primary' ? PRIMARY_COLUMNS : null);
  // An organization filter joins the text search inside the index (see orgToken).
  if (include && has(q.organizationIds) && q.organizationIds.length <= 20) {
    include = `(${include}) AND {org} : (${q.organizationIds.map((o) => `"${orgToken(o)}"`).join(' OR ')})`;
  }
  if (include) include = `(${include}) AND {org} : "${projectToken(q.projectId)}"`;
  if (include) {
    const condition = sql`${events.seq} IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ${include})`;
    matchConditions.add(condition);
    c.push(condition);
  }
  if (exclude) c.push(sql`${events.seq} NOT IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ${exclude})`);
  return { conditions: c, match: include, parsed };
}

/**
 * The keyset condition "after this event in newest-first order" (or oldest-first),
 * with the cursor's position read by subqueries inside the same statement: one round
 * trip. An unknown cursor matches nothing; `checkCursor` then turns that into a 422.
 */
function keysetAfter(projectId: string, id: string, newestFirst: boolean): SQL {
  const at = sql`(SELECT c.occurred_at FROM events AS c WHERE c.id = ${id} AND c.project_id = ${projectId})`;
  const seq = sql`(SELECT c.seq FROM events AS c WHERE c.id = ${id} AND c.project_id = ${projectId})`;
  return newestFirst
    ? sql`(${events.occurredAt} <= ${at} AND (${events.occurredAt} < ${at} OR ${events.seq} < ${seq}))`
    : sql`(${events.occurredAt} >= ${at} AND (${events.occurredAt} > ${at} OR ${events.seq} > ${seq}))`;
}

/** Throws the 422 for a cursor that is not an event of this project (checked only when a page came back empty). */
async function checkCursor(db: Db, projectId: string, id: string, field: string): Promise<void> {
  await cursorPosition(db, projectId, id, field);
}

async function cursorPosition(db: Db, projectId: string, id: string, field: string) {
  const [row] = EVENT_ID_PATTERN.test(id)
    ? await db
        .select({ occurredAt: events.occurredAt, seq: events.seq })
        .from(events)
        .where(and(eq(events.id, id), eq(events.projectId, projectId)))
        .limit(1)
    : [];
  if (!row) {
    throw new AppError('validation_failed', `${field} must be the id of an event in this project.`, {
      errors: [{ field, code: `${field} must be the id of an event in this project` }],
    });
  }
  return row;
}

/**
 * One page of events, newest first by default (occurred_at, then arrival), or by
 * relevance for a search. Cursors are event ids turned into keyset positions: no
 * OFFSET, so every page costs the same.
 */
export async function listEvents(db: Db, query: EventQuery): Promise<EventPage> {
  const q = { ...query, knownActions: await projectActions(db, query) };
  const strategy = q.matchStrategy ?? 'window';
  const first = plan(q, 'primary');
  const page = await runPlan(db, q, first, strategy);
  if (page.events.length > 0 || !first.parsed || !hasPlainTerms(first.parsed)) return page;
  // Nothing in names, emails, ids, actions, targets or places: look in metadata too.
  // A cursor carries on in the scope its page came from: past the end of the primary
  // results there is simply nothing more.
  if ((q.after !== undefined || q.before !== undefined) && (await anyMatch(db, first.conditions))) return page;
  return runPlan(db, q, plan(q, 'all'), strategy);
}

async function projectActions(db: Db, q: EventQuery): Promise<string[]> {
  if (q.search === undefined) return [];
  const candidates = parseSearch(q.search, q.now ?? Date.now())
    .terms.filter((t) => t.plain && !t.negated && ACTION_PATTERN.test(t.phrase))
    .map((t) => t.phrase);
  return knownActions(db, q.projectId, candidates, q.now ?? Date.now());
}

async function anyMatch(db: Db, conditions: SQL[]): Promise<boolean> {
  const [row] = await db.select({ id: events.id }).from(events).where(and(...conditions)).limit(1);
  return row !== undefined;
}

async function runPlan(db: Db, q: EventQuery, p: Plan, strategy: MatchStrategy = 'in'): Promise<EventPage> {
  if (q.order === 'relevance' && p.match !== null) return listByRelevance(db, q, p.conditions, p.match);
  if (strategy === 'window' && p.match !== null && q.order === 'desc' && q.before === undefined) {
    const page = await listByTimeWindowed(db, q, p.conditions, p.match);
    if (page) return page;
  }
  return listByTime(db, q, p.conditions);
}

/**
 * Newest first through the newest WINDOW matches only. The page is exact when either
 * the window holds every match, or no event older than the window (by arrival) but
 * inside the page's time span matches: arrival order and event time usually agree,
 * and this check catches the late arrivals where they do not. Null means "not
 * provable here": the caller reads every match instead.
 */
async function listByTimeWindowed(db: Db, q: EventQuery, conditions: SQL[], match: string): Promise<EventPage | null> {
  const window = q.windowSize ?? WINDOW;
  const others = conditions.filter((c) => !isMatchCondition(c));
  let keyset: SQL | undefined;
  if (q.after !== undefined) {
    if (!EVENT_ID_PATTERN.test(q.after)) await checkCursor(db, q.projectId, q.after, 'after');
    keyset = keysetAfter(q.projectId, q.after, true);
  }
  // One round trip: the window's bounds and the page inside it (the LEFT JOIN keeps
  // the bounds when the page is empty).
  const rows = await db.all<Record<string, unknown> & { windowN: number; windowLo: number | null }>(sql`
    WITH w AS (
      SELECT min(r) AS lo, count(*) AS n
      FROM (SELECT rowid AS r FROM events_fts WHERE events_fts MATCH ${match} ORDER BY rowid DESC LIMIT ${window})
    ),
    page AS (
      SELECT ${events.id} AS id, ${events.projectId} AS projectId, ${events.organizationId} AS organizationId,
        ${events.action} AS action, ${events.actionType} AS actionType, ${events.occurredAt} AS occurredAt,
        ${events.receivedAt} AS receivedAt, ${events.version} AS version, ${events.source} AS source,
        ${events.data} AS data, ${events.seq} AS seq
      FROM ${events}
      WHERE ${and(...others, ...(keyset ? [keyset] : []))}
        AND ${events.seq} >= (SELECT lo FROM w)
        AND ${events.seq} IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ${match} AND rowid >= (SELECT lo FROM w))
      ORDER BY ${events.occurredAt} DESC, ${events.seq} DESC
      LIMIT ${q.limit + 1}
    )
    SELECT w.n AS windowN, w.lo AS windowLo, page.* FROM w LEFT JOIN page ON 1 = 1`);
  const windowN = rows[0]?.windowN ?? 0;
  const lo = rows[0]?.windowLo ?? null;
  const found = rows.filter((r) => r.id !== null) as unknown as (Parameters<typeof toEvent>[0] & { seq: number })[];
  if (found.length === 0 && q.after !== undefined) await checkCursor(db, q.projectId, q.after, 'after');
  if (lo === null) return { events: [], before: null, after: null };
  if (windowN >= window) {
    if (found.length <= q.limit) return null; // the window ran dry before the page filled
    const edge = found[found.length - 1].occurredAt;
    const late = await db
      .select({ id: events.id })
      .from(events)
      .where(
        and(
          ...others,
          ...(keyset ? [keyset] : []),
          gte(events.occurredAt, edge),
          lt(events.seq, lo),
          sql`EXISTS (SELECT 1 FROM events_fts WHERE events_fts MATCH ${match} AND events_fts.rowid = ${events.seq})`,
        ),
      )
      .limit(1);
    if (late.length > 0) return null;
  }
  const more = found.length > q.limit;
  const list = found.slice(0, q.limit).map(toEvent);
  return {
    events: list,
    before: q.after !== undefined ? (list[0]?.id ?? null) : null,
    after: more ? list[list.length - 1].id : null,
  };
}

async function listByTime(db: Db, q: EventQuery, conditions: SQL[]): Promise<EventPage> {
  const cursorId = q.after ?? q.before;
  const backwards = q.after === undefined && q.before !== undefined;
  // Walking backwards from a `before` cursor reads in the opposite direction, then flips the page.
  const scanDesc = (q.order !== 'asc') !== backwards;
  const field = q.after !== undefined ? 'after' : 'before';
  if (cursorId !== undefined) {
    if (!EVENT_ID_PATTERN.test(cursorId)) await checkCursor(db, q.projectId, cursorId, field);
    conditions.push(keysetAfter(q.projectId, cursorId, scanDesc));
  }
  const rows = await timeQuery(db, conditions, scanDesc, q.limit + 1);
  if (rows.length === 0 && cursorId !== undefined) await checkCursor(db, q.projectId, cursorId, field);
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit);
  if (backwards) page.reverse();
  const list = page.map(toEvent);
  const first = list[0]?.id ?? null;
  const last = list[list.length - 1]?.id ?? null;
  if (backwards) return { events: list, before: more ? first : null, after: last };
  return { events: list, before: cursorId !== undefined ? first : null, after: more ? last : null };
}

function timeQuery(db: Db, conditions: SQL[], newestFirst: boolean, limit: number) {
  const dir = newestFirst ? desc : asc;
  return db
    .select(listColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(dir(events.occurredAt), dir(events.seq))
    .limit(limit);
}

/** The query plan SQLite picks for a list (first page): for tests and the benchmark. */
export async function explainList(db: Db, q: EventQuery): Promise<string[]> {
  const built = timeQuery(db, plan({ ...q, knownActions: await projectActions(db, q) }, 'primary').conditions, q.order !== 'asc', q.limit + 1).toSQL();
  const rows = await db.$client.prepare(`EXPLAIN QUERY PLAN ${built.sql}`).bind(...built.params).all<{ detail: string }>();
  return rows.results.map((r) => r.detail);
}

/** Relevance ranks the newest this-many matches of a search (documented in the README). */
export const RELEVANCE_WINDOW = 2_000;

const BM25 = sql.raw(`bm25(events_fts, ${BM25_WEIGHTS.join(', ')})`);

/**
 * Best match first (bm25 with column weights; lower is better), ties newest first.
 * The `after` cursor is still an event id: its score is recomputed for the same search.
 */
async function listByRelevance(db: Db, q: EventQuery, conditions: SQL[], match: string): Promise<EventPage> {
  if (q.before !== undefined) {
    throw new AppError('validation_failed', 'before is not supported with order=relevance; page forward with after.', {
      errors: [{ field: 'before', code: 'before is not supported with order=relevance' }],
    });
  }
  // The IN (fts) condition is replaced by the ranked join below.
  const filters = conditions.filter((c) => !isMatchCondition(c));
  // Rank the newest RELEVANCE_WINDOW matches: bm25 over every match of a common word
  // would cost more than a person waits for.
  const bound = await db.get<{ lo: number | null }>(
    sql`SELECT min(r) AS lo FROM (SELECT rowid AS r FROM events_fts WHERE events_fts MATCH ${match} ORDER BY rowid DESC LIMIT ${RELEVANCE_WINDOW})`,
  );
  const lo = bound?.lo ?? 0;
  let keyset = sql`1 = 1`;
  if (q.after !== undefined) {
    const pos = await cursorPosition(db, q.projectId, q.after, 'after');
    const row = await db.get<{ score: number } | undefined>(
      // D1 binds JS numbers as REAL, and FTS5 ignores a REAL rowid constraint: cast it.
      sql`SELECT ${BM25} AS score FROM events_fts WHERE events_fts MATCH ${match} AND rowid = CAST(${pos.seq} AS INTEGER)`,
    );
    if (!row) return { events: [], before: q.after, after: null };
    keyset = sql`(f.score > ${row.score} OR (f.score = ${row.score} AND ${events.seq} < ${pos.seq}))`;
  }
  const rows = await db.all<Record<string, unknown>>(sql`
    SELECT ${events.id} AS id, ${events.projectId} AS projectId, ${events.organizationId} AS organizationId,
      ${events.action} AS action, ${events.actionType} AS actionType, ${events.occurredAt} AS occurredAt,
      ${events.receivedAt} AS receivedAt, ${events.version} AS version, ${events.source} AS source, ${events.data} AS data
    FROM (SELECT rowid AS r, ${BM25} AS score FROM events_fts WHERE events_fts MATCH ${match} AND rowid >= CAST(${lo} AS INTEGER)) AS f
    JOIN ${events} ON ${events.seq} = f.r
    WHERE ${and(...filters)} AND ${keyset}
    ORDER BY f.score, ${events.seq} DESC
    LIMIT ${q.limit + 1}`);
  const more = rows.length > q.limit;
  const list = rows.slice(0, q.limit).map((r) => toEvent(r as Parameters<typeof toEvent>[0]));
  return { events: list, before: q.after !== undefined ? (list[0]?.id ?? null) : null, after: more ? list[list.length - 1].id : null };
}

const matchConditions = new WeakSet<SQL>();
const isMatchCondition = (c: SQL) => matchConditions.has(c);
