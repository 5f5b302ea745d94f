// Lists and search over a project's events: plan the query (search/plan.ts, pure), then
// run the scope its plan names with one executor (by time, through the newest-matches
// window, or by relevance), falling back to metadata when names and the rest find nothing.
import { and } from 'drizzle-orm';
import { explain, type Db } from '../lib/db';
import { knownActions } from './catalog';
import { events } from './schema';
import { listByRelevance } from './search/by-relevance';
import { listByTime, timeQuery } from './search/by-time';
import { listByWindows } from './search/by-window';
import type { EventPage } from './search/page';
import { liveSearchTable } from './search/index-state';
import { actionCandidates, planQuery, type EventQuery, type Plan, type Scope } from './search/plan';
import { scopeConditions } from './search/sql';

export type { EventPage } from './search/page';
export type { EventQuery, TimeRange } from './search/plan';

async function run(db: Db, plan: Plan, scope: Scope): Promise<EventPage> {
  const { match } = scope;
  if (scope.strategy === 'relevance' && match !== null) return listByRelevance(db, plan, { ...scope, match });
  if (scope.strategy === 'window' && match !== null) {
    const page = await listByWindows(db, plan, { ...scope, match });
    if (page) return page;
  }
  return listByTime(db, plan, scope);
}

/** True when some event of the project is in the scope at all (cursors ignored). */
async function anyInScope(db: Db, plan: Plan, scope: Scope): Promise<boolean> {
  const [row] = await db.select({ id: events.id }).from(events).where(and(...scopeConditions(plan.projectId, scope))).limit(1);
  return row !== undefined;
}

/** The plan of a query, with what it needs from the database (known actions, live index, prefix completions). */
export async function planFor(db: Db, query: EventQuery): Promise<Plan> {
  const now = query.now ?? Date.now();
  const known = await knownActions(db, query.projectId, actionCandidates(query.search, now), now);
  const searching = query.search !== undefined && query.search.trim() !== '';
  // Target filters find their candidates through the index too.
  const targets = [query.targetIds, query.targetNames, query.targetTypes].some((v) => v !== undefined && v.length > 0);
  const table = searching || targets ? await liveSearchTable(db) : 'search_fts';
  // Prefix completions are read by the page's own statement (plan slots): one round trip.
  return planQuery(query, now, known, { table });
}

/**
 * One page of events, newest first by default (occurred_at, then arrival), or by
 * relevance for a search. Cursors are event ids turned into keyset positions: no
 * OFFSET, so every page costs the same.
 */
export async function listEvents(db: Db, query: EventQuery): Promise<EventPage> {
  const plan = await planFor(db, query);
  const page = await run(db, plan, plan.primary);
  if (page.events.length > 0 || plan.fallback === null) return page;
  // Nothing in names, emails, ids, actions, targets or places: look in metadata too.
  // A cursor carries on in the scope its page came from: when the primary scope has
  // matches at all, past their end there is simply nothing more.
  if ((plan.after !== undefined || plan.before !== undefined) && (await anyInScope(db, plan, plan.primary))) return page;
  return run(db, plan, plan.fallback);
}

/** The query plan SQLite picks for a list's first page by time: for tests and the benchmark. */
export async function explainList(db: Db, query: EventQuery): Promise<string[]> {
  const plan = await planFor(db, query);
  const page = timeQuery(db, scopeConditions(plan.projectId, plan.primary), plan.order === 'desc', plan.limit + 1);
  return explain(db, page);
}

