// Which FTS table searches read, and the whole-term completions of a search's prefixes.
// The move from events_fts to the project-tagged search_fts (migration 0003) is tracked
// by one row of `search_state`; see backfill.ts.
import { sql } from 'drizzle-orm';
import type { Db } from '../../lib/db';
import { VOCAB_META, VOCAB_PRIMARY } from './fts';
import { MAX_PREFIX_TERMS } from './language';
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

/** A prefix's whole-term completions: among words of the primary columns, and among all words (null: too many). */
export interface Completions {
  primary: string[] | null;
  all: string[] | null;
}

/** Up to MAX_PREFIX_TERMS + 1 vocabulary terms of each key's range, in one statement (one round trip). */
async function ranges(db: Db, keys: string[]): Promise<(string[] | null)[]> {
  const parts = keys.map(
    (key, i) => sql`SELECT * FROM (SELECT ${i} AS k, term FROM search_vocab WHERE term >= ${key} AND term < ${prefixEnd(key)} ORDER BY term LIMIT ${MAX_PREFIX_TERMS + 1})`,
  );
  const rows = await db.all<{ k: number; term: string }>(sql.join(parts, sql` UNION ALL `));
  return keys.map((_, i) => {
    const terms = rows.filter((r) => r.k === i).map((r) => r.term.slice(1)).sort();
    return terms.length > MAX_PREFIX_TERMS ? null : terms;
  });
}

/**
 * Each tagged prefix's whole-term completions from search_vocab, in term order; null
 * when there are more than MAX_PREFIX_TERMS (the expression then uses FTS5's `*`).
 */
export async function prefixCompletions(db: Db, prefixes: string[]): Promise<Record<string, Completions>> {
  const out: Record<string, Completions> = {};
  if (prefixes.length === 0) return out;
  const found = await ranges(db, prefixes.flatMap((p) => [VOCAB_PRIMARY + p, VOCAB_META + p]));
  for (const [n, p] of prefixes.entries()) {
    const primary = found[2 * n];
    const meta = found[2 * n + 1];
    const all = primary === null || meta === null ? null : [...new Set([...primary, ...meta])].sort();
    out[p] = { primary, all: all !== null && all.length > MAX_PREFIX_TERMS ? null : all };
  }
  return out;
}
