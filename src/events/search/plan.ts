// The search planner: an EventQuery (plus the clock and the project's known actions)
// becomes a plan of plain data — which filters, which words must and must not match,
// and how to execute it. No I/O, no SQL, nothing mutated: executors render the plan.
import { ACTION_PATTERN } from '../limits';
import { looksLikeEmail, type ActionType } from '../model';
import { PRIMARY_COLUMNS, legacyOrgToken, legacyProjectToken, orgToken, projectTag } from './fts';
import { columnPhrase, hasPlainTerms, matchExpressions, parseSearch, type FtsTerm, type IndexDialect, type PrefixCompletions, type PrefixSlot } from './language';

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
  /** The clock for relative times in the search language (`after:7d`); the caller's clock otherwise. */
  now?: number;
  /** Forces how search words are applied (tests and the benchmark): `in` reads every match. */
  matchStrategy?: 'in' | 'window';
  /** Overrides WINDOW (tests use a tiny window to exercise the exactness check). */
  windowSize?: number;
  /** Forces where a full window's late arrivals are checked (tests): in the page's statement, or apart (by-window.ts). */
  lateProof?: 'inside' | 'apart';
  /** Overrides RECENT_CANDIDATES (tests use a few to exercise by-recent.ts running out). */
  recentCandidates?: number;
  limit: number;
  /** Event id: the page after this event, in list order. */
  after?: string;
  /** Event id: the page before this event, in list order. */
  before?: string;
}

/** A column of `events` a filter compares with. */
export type EventField =
  | 'organizationId'
  | 'action'
  | 'actionType'
  | 'actorId'
  | 'actorName'
  | 'actorEmail'
  | 'actorType'
  | 'location'
  | 'id';

/** An actor field a filter compares with, and the search index column that holds its words. */
export type ActorField = 'actorId' | 'actorName' | 'actorEmail';
const ACTOR_COLUMN: Record<ActorField, string> = { actorId: '{actor_id}', actorName: '{actor_name}', actorEmail: '{actor_email}' };

/** A field of an event's targets a filter compares with. */
export type TargetField = 'targetId' | 'targetName' | 'targetType';

export type Filter =
  | { kind: 'in'; field: EventField; values: string[] }
  | { kind: 'notIn'; field: EventField; values: string[] }
  /**
   * Any target's field is one of the values, read from the stored event; `match` (FTS5,
   * the values' words in the `target` column) narrows the candidates first, or is null
   * when some value has no word to search for (then the other filters bound the scan).
   */
  | { kind: 'target'; field: TargetField; values: string[]; match: string | null }
  /**
   * The actor's id, name or email is one of the values, exactly (its column); `match` (FTS5,
   * the values' words as a phrase in the actor's own index column) finds the candidates, or is
   * null when some value has no word to search for (then the other filters bound the scan).
   * No B-tree index serves these since migration 0012.
   */
  | { kind: 'actor'; field: ActorField; values: string[]; match: string | null }
  /** Any of these prefixes (action names are ASCII, so a prefix is a range). */
  | { kind: 'prefix'; field: 'action'; prefixes: string[] }
  | { kind: 'time'; op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq'; at: number };

/** One way of applying the search: its filters and its FTS expressions. */
export interface Scope {
  filters: Filter[];
  /** The FTS5 expression that must match, or null (relevance ranks by it). */
  match: string | null;
  /** The FTS5 expression that must not match, or null. */
  exclude: string | null;
  /** Prefixes in `match`/`exclude` whose completions the statement reads from search_vocab. */
  slots: PrefixSlot[];
  strategy: Strategy;
  /** The FTS5 table `match` and `exclude` are written for. */
  index: SearchTable;
}

/**
 * How the page is read:
 * - `time`: newest (or oldest) first through the filters' indexes;
 * - `window`: newest first through the newest WINDOW matches of the words, proved exact
 *   or else read as `time` (see by-window.ts);
 * - `relevance`: best match first (bm25) among the newest RELEVANCE_WINDOW matches.
 */
export type Strategy = 'time' | 'window' | 'relevance';

/** The FTS5 table a plan's expressions are written for (see migrations/0003_search_index.sql). */
export type SearchTable = 'search_fts' | 'events_fts';

/**
 * What the planner knows of the index: which table is live, and for the tagged one
 * optionally the whole-term completions of each prefix (null: too many to list). Without
 * them (what listEvents does) each prefix is a slot the query's statement fills itself.
 */
export interface IndexInfo {
  table: SearchTable;
  completions?: Readonly<Record<string, PrefixCompletions>>;
}

export interface Plan {
  projectId: string;
  /** The FTS5 table the scopes' expressions are for. */
  index: SearchTable;
  /** Names, emails, ids, actions, targets, organizations and places. */
  primary: Scope;
  /**
   * The same search with plain words looking in metadata too; tried only when the
   * primary scope has no match at all. Null when the search has no plain words.
   */
  fallback: Scope | null;
  order: 'asc' | 'desc';
  limit: number;
  after?: string;
  before?: string;
  windowSize?: number;
  lateProof?: 'inside' | 'apart';
  recentCandidates?: number;
}

const has = <T>(a: T[] | undefined): a is T[] => Array.isArray(a) && a.length > 0;

/** Organization tokens are ANDed into the text search up to this many organizations. */
const MAX_ORG_TOKENS = 20;

/** Search words that could be an action name (the catalog says which ones are). */
export function actionCandidates(search: string | undefined, now: number): string[] {
  if (search === undefined) return [];
  return parseSearch(search, now)
    .terms.filter((t) => t.plain && !t.negated && ACTION_PATTERN.test(t.phrase))
    .map((t) => t.phrase);
}

/** A target filter, its candidates found through the live index's `target` column. */
function targetFilter(projectId: string, field: TargetField, values: string[], index: IndexInfo): Filter {
  return { kind: 'target', field, values, match: candidates(projectId, values, '{target}', index) };
}

/** The words of some values as phrases in some index columns (OR), for the live index; null when a value has no word. */
function candidates(projectId: string, values: string[], columns: string, index: IndexInfo): string | null {
  const legacy = index.table === 'events_fts';
  const dialect: IndexDialect = legacy ? { kind: 'legacy' } : { kind: 'tagged', tag: projectTag(projectId), completions: {} };
  const phrases = values.map((v) => columnPhrase(v, columns, dialect));
  if (phrases.some((p) => p === null)) return null;
  const any = phrases.length === 1 ? phrases[0]! : `(${phrases.join(' OR ')})`;
  return legacy ? `(${any}) AND {org} : "${legacyProjectToken(projectId)}"` : any;
}

/**
 * The part of an email address its candidates are searched by: all but the domain's last
 * label. Every address ends in one of a few such labels ("com", "example"), so the phrase's
 * last token would be in nearly every event, and a phrase costs its commonest token: at
 * 1,000,000 events 4.6 ms with it, 0.6 without. The column's exact check keeps the answer exact.
 */
export function emailCandidateText(email: string): string {
  const at = email.lastIndexOf('@');
  const dot = email.lastIndexOf('.');
  return at > 0 && dot > at + 1 ? email.slice(0, dot) : email;
}

/** An actor filter, its candidates found through the live index's column for that field. */
export function actorFilter(projectId: string, field: ActorField, values: string[], index: IndexInfo): Filter {
  const searched = field === 'actorEmail' ? values.map(emailCandidateText) : values;
  return { kind: 'actor', field, values, match: candidates(projectId, searched, ACTOR_COLUMN[field], index) };
}

/** The filters an EventQuery states outright (not from its search words). */
function queryFilters(q: EventQuery, index: IndexInfo): Filter[] {
  const f: Filter[] = [];
  const any = (field: EventField, values: string[] | undefined) => {
    if (has(values)) f.push({ kind: 'in', field, values });
  };
  any('organizationId', q.organizationIds);
  any('action', q.actions);
  any('actionType', q.actionTypes);
  const actor = (field: ActorField, values: string[] | undefined) => {
    if (has(values)) f.push(actorFilter(q.projectId, field, values, index));
  };
  actor('actorId', q.actorIds);
  actor('actorName', q.actorNames);
  actor('actorEmail', q.actorEmails?.map((e) => e.toLowerCase()));
  any('actorType', q.actorTypes);
  any('location', q.locations);
  if (has(q.targetIds)) f.push(targetFilter(q.projectId, 'targetId', q.targetIds, index));
  if (has(q.targetNames)) f.push(targetFilter(q.projectId, 'targetName', q.targetNames, index));
  if (has(q.targetTypes)) f.push(targetFilter(q.projectId, 'targetType', q.targetTypes, index));
  const t = q.occurredAt ?? {};
  for (const op of ['eq', 'gt', 'gte', 'lt', 'lte'] as const) {
    if (t[op] !== undefined) f.push({ kind: 'time', op, at: t[op] });
  }
  return f;
}

function strategyFor(q: EventQuery, match: string | null): Strategy {
  if (match !== null && q.order === 'relevance') return 'relevance';
  if (match !== null && q.order === 'desc' && q.before === undefined && q.matchStrategy !== 'in') return 'window';
  return 'time';
}

function scope(q: EventQuery, now: number, knownActions: readonly string[], primary: boolean, index: IndexInfo): Scope {
  const filters = queryFilters(q, index);
  const parsed = parseSearch(q.search ?? '', now);
  let terms = parsed.terms;
  if (primary) {
    // Words that name an actor's email or a known action exactly become filters: the email's
    // words as a phrase in the `actor_email` column confirmed against the column, the action
    // through its index (a phrase such as "user searched audit trail events" is slow in FTS).
    const direct = (t: FtsTerm) => t.plain && !t.negated && (looksLikeEmail(t.phrase) || knownActions.includes(t.phrase));
    for (const t of terms.filter(direct)) {
      filters.push(
        looksLikeEmail(t.phrase)
          ? actorFilter(q.projectId, 'actorEmail', [t.phrase.toLowerCase()], index)
          : { kind: 'in', field: 'action', values: [t.phrase] },
      );
    }
    terms = terms.filter((t) => !direct(t));
  }
  if (parsed.eventIds.length > 0) filters.push({ kind: 'in', field: 'id', values: parsed.eventIds });
  if (parsed.actions.length > 0) filters.push({ kind: 'in', field: 'action', values: parsed.actions });
  if (parsed.notActions.length > 0) filters.push({ kind: 'notIn', field: 'action', values: parsed.notActions });
  if (parsed.organizations.length > 0) filters.push({ kind: 'in', field: 'organizationId', values: parsed.organizations });
  if (parsed.notOrganizations.length > 0) filters.push({ kind: 'notIn', field: 'organizationId', values: parsed.notOrganizations });
  if (parsed.actionPrefixes.length > 0) filters.push({ kind: 'prefix', field: 'action', prefixes: parsed.actionPrefixes });
  if (parsed.actionTypes.length > 0) filters.push({ kind: 'in', field: 'actionType', values: parsed.actionTypes });
  if (parsed.after !== undefined) filters.push({ kind: 'time', op: 'gte', at: parsed.after });
  if (parsed.before !== undefined) filters.push({ kind: 'time', op: 'lt', at: parsed.before });

  const legacy = index.table === 'events_fts';
  const tag = projectTag(q.projectId);
  const dialect: IndexDialect = legacy ? { kind: 'legacy' } : { kind: 'tagged', tag, completions: index.completions };
  const expressions = matchExpressions({ ...parsed, terms }, primary ? PRIMARY_COLUMNS : null, dialect);
  let { include } = expressions;
  const { exclude, slots } = expressions;
  if (include !== null) {
    // An organization filter joins the text search inside the index (see orgToken). In the
    // tagged index every token is this project's already; the old one ANDs the project's token.
    const orgs = q.organizationIds;
    if (has(orgs) && orgs.length <= MAX_ORG_TOKENS) {
      include = `(${include}) AND {org} : (${orgs.map((o) => `"${legacy ? legacyOrgToken(o) : orgToken(tag, o)}"`).join(' OR ')})`;
    }
    if (legacy) include = `(${include}) AND {org} : "${legacyProjectToken(q.projectId)}"`;
  }
  return { filters, match: include, exclude, slots, strategy: strategyFor(q, include), index: index.table };
}

/**
 * The plan for a query. `knownActions` are the search words that are actions of this
 * project (from the catalog); `now` is the clock for relative times; `index` says which
 * FTS table is live and how the search's prefixes complete.
 */
export function planQuery(q: EventQuery, now: number, knownActions: readonly string[] = [], index: IndexInfo = { table: 'search_fts' }): Plan {
  const searching = q.search !== undefined && q.search.trim() !== '';
  const primary: Scope = searching
    ? scope(q, now, knownActions, true, index)
    : { filters: queryFilters(q, index), match: null, exclude: null, slots: [], strategy: 'time', index: index.table };
  const fallback = searching && hasPlainTerms(parseSearch(q.search!, now)) ? scope(q, now, knownActions, false, index) : null;
  return {
    projectId: q.projectId,
    index: index.table,
    primary,
    fallback,
    order: q.order === 'asc' ? 'asc' : 'desc',
    limit: q.limit,
    after: q.after,
    before: q.before,
    windowSize: q.windowSize,
    lateProof: q.lateProof,
    recentCandidates: q.recentCandidates,
  };
}
