// Which FTS table searches read, and the whole-term completions of a search's prefixes
// (read inside the search's own statement: no round trip of their own).
// The move from events_fts to the project-tagged search_fts (migration 0003) is tracked
// by one row of `search_state`; see backfill.ts.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { prefixStem, VOCAB_META, VOCAB_META_STEM, VOCAB_PRIMARY, VOCAB_STEM } from './fts';
import { MAX_PREFIX_TERMS, maxCompletions, type PrefixSlot } from './language';
import type { SearchTable } from './plan';

export type SearchPhase = 'backfill' | 'ready' | 'done';

/** Once an isolate has seen the new index live, it never asks again (the move only goes forward). */
let newIndexLive = false;

/** Forgets what this isolate has seen (tests that rebuild the database). */
export function forgetSearchPhase(): void {
  newIndexLive = false;
}

export async function searchPhase(db: Db): Promise<SearchPhase> {
  const row = await db.get<{ phase: SearchPhase } | undefined>(sql`SELECT phase FROM search_state WHERE id = 1`);
  return row?.phase ?? 'ready';
}

/**
 * True while this isolate has not seen the old index retired: writes then still send their
 * rows to events_fts_sink (its trigger decides), and ask for the phase inside their batch.
 */
export const oldIndexMayBeWritten = (): boolean => !newIndexLive;

/** A write batch's answer to its phase question (see store.ts): the move only goes forward. */
export function notePhase(phase: string | undefined): void {
  if (phase === 'ready' || phase === 'done') newIndexLive = true;
}

/** The table searches read: the old one until the backfill is complete. */
export async function liveSearchTable(db: Db): Promise<SearchTable> {
  if (newIndexLive) return 'search_fts';
  const phase = await searchPhase(db);
  if (phase === 'backfill') return 'events_fts';
  newIndexLive = true;
  return 'search_fts';
}

/** The smallest string above every string that starts with `prefix` (code point order = UTF-8 byte order). */
function prefixEnd(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  return points.join('') + String.fromCodePoint(Math.min(last + 1, 0x10ffff));
}

/**
 * Up to MAX_PREFIX_TERMS + 1 vocabulary keys of one range, in key order, without their
 * one-letter kind (plus `suffix`). Constants are inlined: a statement may bind at most 100
 * parameters, and a search can hold several prefix slots.
 */
const range = (key: string, suffix: '' | '*' = '') =>
  sql`SELECT substr(term, 2)${sql.raw(suffix ? ` || '${suffix}'` : '')} AS t FROM (SELECT term FROM search_vocab WHERE term >= ${key} AND term < ${prefixEnd(key)} ORDER BY term LIMIT ${sql.raw(String(MAX_PREFIX_TERMS + 1))})`;

/**
 * The identifiers that may complete a prefix, as FTS5 prefix terms (`<stem>*`; see
 * identifierStem in fts.ts): a prefix without a digit lists the stems that start with it;
 * a prefix with a digit is itself a prefix term when its own stem is known. A search of the
 * primary columns reads their stems (`i`), any other reads metadata's (`j`) too. (Keys
 * written before that split are all `i`: a stem seen only in metadata then adds, to a search
 * of the primary columns, a prefix term that matches nothing more there.)
 */
function stemTerms(slot: PrefixSlot): SQL {
  const word = slot.key.slice(slot.key.indexOf('_') + 1);
  const stem = prefixStem(word);
  if (stem === null) {
    const primary = range(VOCAB_STEM + slot.key, '*');
    return slot.primaryOnly ? primary : sql`${primary} UNION ${range(VOCAB_META_STEM + slot.key, '*')}`;
  }
  const own = `${slot.key.slice(0, slot.key.length - word.length)}${stem}`;
  const keys = slot.primaryOnly ? sql`term = ${VOCAB_STEM + own}` : sql`term IN (${VOCAB_STEM + own}, ${VOCAB_META_STEM + own})`;
  return sql`SELECT t FROM (SELECT ${`${slot.key}*`} AS t FROM search_vocab WHERE ${keys} LIMIT 1)`;
}

/** A completion `t` as FTS5 text after the head words: a whole term, or a prefix term (`…*`). */
const completionText = (head: string) => sql`'"' || ${head} || replace(t, '*', '') || '"' || iif(substr(t, -1) = '*', ' *', '')`;

/**
 * A prefix slot's FTS5 text, computed inside the statement that searches: the OR of its
 * whole-term completions (among primary-column words, or all words) and of the prefix terms
 * of the identifiers' stems that may complete it (in parentheses, one or many), the whole
 * word when there is none (nothing matches), or FTS5's own `"term" *` when there are more
 * than maxCompletions for its head words (exact, slower). The same matches as the text the
 * planner writes from known completions.
 *
 * It binds the whole word and the head words once each, and two bounds per range (D1 allows
 * 100 parameters per statement, and a statement holds each slot once per read of the index).
 */
export function completionsSql(slot: PrefixSlot): SQL {
  const head = slot.head.map((w) => `${w} `).join('');
  const whole = `"${head}${slot.key}"`;
  const words = slot.primaryOnly ? range(VOCAB_PRIMARY + slot.key) : sql`${range(VOCAB_PRIMARY + slot.key)} UNION ${range(VOCAB_META + slot.key)}`;
  const limit = sql.raw(String(maxCompletions(slot.head.length)));
  return sql`(SELECT CASE
      WHEN count(*) > ${limit} OR count(*) = 0 THEN ${whole} || iif(count(*) > ${limit}, ' *', '')
      ELSE '(' || group_concat(${completionText(head)}, ' OR ') || ')' END
    FROM (${words} UNION ${stemTerms(slot)}))`;
}
