// Executor: a page in time order (newest or oldest first) through the filters' indexes.
// Also the exact reading of any search: every match of the words is a candidate.
import { and, asc, desc, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { listColumns, toEvent } from '../rows';
import { events } from '../schema';
import { checkCursor, checkCursorShape, keysetAfter } from './cursor';
import type { EventPage } from './page';
import type { Plan, Scope } from './plan';
import { scopeConditions } from './sql';

/** The page query in one direction, `limit` rows, with the given conditions. */
export function timeQuery(db: Db, conditions: SQL[], newestFirst: boolean, limit: number) {
  const dir = newestFirst ? desc : asc;
  return db
    .select(listColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(dir(events.occurredAt), dir(events.seq))
    .limit(limit);
}

export async function listByTime(db: Db, plan: Plan, scope: Scope): Promise<EventPage> {
  const cursorId = plan.after ?? plan.before;
  const backwards = plan.after === undefined && plan.before !== undefined;
  // Walking backwards from a `before` cursor reads in the opposite direction, then flips the page.
  const scanDesc = (plan.order === 'desc') !== backwards;
  const field = plan.after !== undefined ? 'after' : 'before';
  const conditions = scopeConditions(plan.projectId, scope);
  if (cursorId !== undefined) {
    await checkCursorShape(db, plan.projectId, cursorId, field);
    conditions.push(keysetAfter(plan.projectId, cursorId, scanDesc));
  }
  const rows = await timeQuery(db, conditions, scanDesc, plan.limit + 1);
  if (rows.length === 0 && cursorId !== undefined) await checkCursor(db, plan.projectId, cursorId, field);
  const more = rows.length > plan.limit;
  const page = rows.slice(0, plan.limit);
  if (backwards) page.reverse();
  const list = page.map(toEvent);
  const first = list[0]?.id ?? null;
  const last = list[list.length - 1]?.id ?? null;
  if (backwards) return { events: list, before: more ? first : null, after: last };
  return { events: list, before: cursorId !== undefined ? first : null, after: more ? last : null };
}
