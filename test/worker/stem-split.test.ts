// Identifier stems keyed by column group (migration 0016, src/events/search/fts.ts): a stem
// seen in a primary column is `i`, one seen only in metadata `j`; a search of the primary
// columns expands over `i` alone, so metadata's ids no longer push a short prefix past the
// expansion limit. The cron's split (stem-split.ts) moves keys written before the rule and
// changes no search's answer.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../src/events/list';
import { completionsSql } from '../../src/events/search/index-state';
import { isStemKey } from '../../src/events/search/fts';
import { MAX_PREFIX_TERMS, maxCompletions } from '../../src/events/search/language';
import { splitVocabularyStems } from '../../src/events/search/stem-split';
import { decodeRaw } from '../../src/events/stored-raw';
import { call, DEFAULT_KEY, STORED_RAW_COLUMNS, type StoredRawRow } from './helpers';

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const db = () => drizzle(env.DB);
const P = 'proj_default';
const TAG = 'projdefault';

/** Stem keys under `zq` (`i`/`j` and the stem), sorted. */
async function stemKeys(): Promise<string[]> {
  const r = await env.DB.prepare(`SELECT term FROM search_vocab WHERE substr(term, 2, ?) = ? AND substr(term, 1, 1) IN ('i', 'j') ORDER BY term`)
    .bind(TAG.length + 3, `${TAG}_zq`)
    .all<{ term: string }>();
  return r.results.map((x) => x.term);
}

/** Every id of a search, newest first, through its cursors. */
async function found(search: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await listEvents(db(), { projectId: P, search, order: 'desc', limit: 9, after, now: NOW });
    ids.push(...page.events.map((e) => e.id));
    if (page.after === null) return ids;
    after = page.after;
  }
  throw new Error('too many pages');
}

/** The reference, newest first: events whose actor name holds a word starting with `prefix`, or (`trace`) whose metadata trace starts with it. */
async function reference(prefix: string, where: 'name' | 'trace'): Promise<string[]> {
  const r = await env.DB.prepare(`SELECT id, ${STORED_RAW_COLUMNS} FROM events WHERE project_id = ? AND organization_id = 'org_stems' ORDER BY occurred_at DESC, seq DESC`)
    .bind(P)
    .all<StoredRawRow & { id: string }>();
  const matches = (row: StoredRawRow) => {
    const e = JSON.parse(decodeRaw(row.raw, row)) as { actor: { name: string }; metadata: { trace: string } };
    return where === 'name' ? e.actor.name.toLowerCase().split(' ').some((w) => w.startsWith(prefix)) : e.metadata.trace.startsWith(prefix);
  };
  return r.results.filter(matches).map((x) => x.id);
}

const event = (minutes: number, name: string, trace: string) => ({
  organization_id: 'org_stems',
  event: {
    action: 'user.signed_in',
    occurred_at: new Date(NOW - minutes * 60_000).toISOString(),
    actor: { id: `user_${minutes}`, type: 'user', name },
    targets: [{ id: 'sess_1', type: 'session' }],
    context: { location: '192.0.2.1' },
    metadata: { trace },
  },
});

// Metadata ids under `zq` with more stems than a prefix expands to; three names with
// identifiers under `zq`, one of which (`zq5…`) metadata also holds.
const META_STEMS = MAX_PREFIX_TERMS + 6;
const metaTrace = (i: number) => `zq${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}${i % 10}xx`;

beforeAll(async () => {
  const events = [
    ...Array.from({ length: META_STEMS }, (_, i) => event(100 + i, 'Stoat Plain', metaTrace(i))),
    event(10, 'Stoat zq1abcd', 'nothing'),
    event(11, 'Stoat zq2efgh', 'none'),
    event(12, 'Stoat zq5shared', 'zq5sharedx'),
    // `zq7` is a name's stem in one event and metadata's only in another: both keys.
    event(13, 'Stoat zq7names', 'none'),
    event(14, 'Stoat Plain', 'zq7metaonly'),
  ];
  const r = await call('POST', '/audit_logs/events/batch', { key: DEFAULT_KEY, body: { events } });
  expect(r.status, r.text).toBe(200);
});

describe('stems keyed by column group', () => {
  it('keys a stem seen in a primary column `i`, and one seen only in metadata `j`', async () => {
    const keys = await stemKeys();
    const primary = keys.filter((k) => k[0] === 'i').map((k) => k.slice(TAG.length + 2));
    expect(primary).toEqual(['zq1', 'zq2', 'zq5', 'zq7']);
    const meta = keys.filter((k) => k[0] === 'j').map((k) => k.slice(TAG.length + 2));
    expect(meta).toHaveLength(META_STEMS + 1);
    // `zq5` is in one event's name and metadata: keyed once, as a primary stem.
    expect(meta).not.toContain('zq5');
    expect(meta).toContain('zq7');
    // Both kinds are stems to a purge (never removed: other identifiers may share them).
    expect(keys.every(isStemKey)).toBe(true);
  });

  it('a prefix of the primary columns expands over their stems only, not into FTS5\'s prefix query', async () => {
    const expression = async (primaryOnly: boolean) =>
      (await db().get<{ e: string }>(sql`SELECT ${completionsSql({ mark: '\u00010\u0001', key: `${TAG}_zq`, head: [], primaryOnly })} AS e`))!.e;
    expect(await expression(true)).toBe(`("${TAG}_zq1" * OR "${TAG}_zq2" * OR "${TAG}_zq5" * OR "${TAG}_zq7" *)`);
    // Metadata's stems too: more than MAX_PREFIX_TERMS, so FTS5's own prefix query.
    expect(await expression(false)).toBe(`"${TAG}_zq" *`);
  });

  it('budgets the words of an expansion: each completion repeats the phrase\'s head words', async () => {
    const expression = async (heads: number) =>
      (await db().get<{ e: string }>(sql`SELECT ${completionsSql({ mark: '\u00010\u0001', key: `${TAG}_zq`, head: Array(heads).fill(`${TAG}_stoat`), primaryOnly: true })} AS e`))!.e;
    const head = (n: number) => Array(n).fill(`${TAG}_stoat `).join('');
    // 4 completions × 2 words fit; 4 × 43 words do not (at most 128 words), so FTS5's prefix phrase.
    expect(await expression(1)).toBe(`("${head(1)}${TAG}_zq1" * OR "${head(1)}${TAG}_zq2" * OR "${head(1)}${TAG}_zq5" * OR "${head(1)}${TAG}_zq7" *)`);
    expect(await expression(42)).toBe(`"${head(42)}${TAG}_zq" *`);
    expect(maxCompletions(42)).toBe(2);
    // The same search through the page's statement: exact either way.
    expect(await found('stoat-zq')).toEqual(await reference('zq', 'name'));
  });

  it('answers exactly, in the primary columns and in the metadata fallback', async () => {
    expect(await found('zq')).toEqual(await reference('zq', 'name'));
    expect(await found('zq')).toHaveLength(4);
    // A stem keyed both ways: the name in the primary columns; the metadata-only event is not a primary match.
    expect(await found('zq7')).toEqual(await reference('zq7', 'name'));
    expect(await found('zq7')).toHaveLength(1);
    expect(await found('zq7m')).toEqual(await reference('zq7m', 'trace'));
    expect(await found('zq7m')).toHaveLength(1);
    expect(await found('zqc')).toEqual(await reference('zqc', 'trace'));
    expect((await found('zqc')).length).toBeGreaterThan(1);
    expect(await found('zq5')).toEqual(await reference('zq5', 'name'));
  });
});

describe('the split of keys written before the rule (migration 0016)', () => {
  it('moves, in bounded and resumable chunks, every stem no primary column has; answers stay the same', async () => {
    // The vocabulary as the landed version wrote it: every stem `i`; the split not yet run.
    await env.DB.prepare(`INSERT OR IGNORE INTO search_vocab (term) SELECT 'i' || substr(term, 2) FROM search_vocab WHERE term >= 'j' AND term < 'k'`).run();
    await env.DB.prepare(`DELETE FROM search_vocab WHERE term >= 'j' AND term < 'k'`).run();
    await env.DB.prepare(`INSERT OR REPLACE INTO stem_split_state (id, after) VALUES (1, 'i')`).run();
    expect((await stemKeys()).every((k) => k[0] === 'i')).toBe(true);
    const searches = ['zq', 'zqc', 'zq5', 'zq7', 'zq7m', 'zq1a', 'stoat zq'];
    const before = await Promise.all(searches.map(found));
    expect(before[0]).toEqual(await reference('zq', 'name'));

    // Two keys per chunk, one chunk: not done, and what it moved is already in place.
    const first = await splitVocabularyStems(db(), { chunk: 2, chunks: 1 });
    expect(first.done).toBe(false);
    const mark = await env.DB.prepare('SELECT after, upto, moving FROM stem_split_state WHERE id = 1').first<{ after: string; upto: null; moving: null }>();
    expect(mark).toMatchObject({ upto: null, moving: null });
    expect(mark!.after > 'i').toBe(true);
    expect(await Promise.all(searches.map(found))).toEqual(before);

    const rest = await splitVocabularyStems(db(), { chunk: 7 });
    expect(rest.done).toBe(true);
    expect(first.moved + rest.moved).toBe(META_STEMS);
    const keys = await stemKeys();
    expect(keys.filter((k) => k[0] === 'i').map((k) => k.slice(TAG.length + 2))).toEqual(['zq1', 'zq2', 'zq5', 'zq7']);
    // Exactly the metadata-only stems moved (zq7 is a name's stem too: it stays `i`).
    expect(keys.filter((k) => k[0] === 'j').map((k) => k.slice(TAG.length + 2))).toEqual(
      [...new Set(Array.from({ length: META_STEMS }, (_, i) => metaTrace(i).slice(0, 5)))].sort(),
    );
    // One-character stems (words that start with a digit: event ids, `user_10`'s `10` is whole) stay `i`.
    const digit = await env.DB.prepare(`SELECT count(*) AS n FROM search_vocab WHERE term >= 'i' AND term < 'j' AND length(term) - instr(term, '_') = 1`).first<{ n: number }>();
    expect(digit!.n).toBeGreaterThan(0);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM stem_split_state').first<{ n: number }>()).toEqual({ n: 0 });
    expect(await Promise.all(searches.map(found))).toEqual(before);
    // Done is done: a later run reads one row and stops.
    expect(await splitVocabularyStems(db())).toEqual({ moved: 0, done: true });
    // A moved stem seen in a name again: keyed `i` again, and the name found by the prefix.
    const moved = metaTrace(2);
    expect(keys).toContain(`j${TAG}_${moved.slice(0, 5)}`);
    const r = await call('POST', '/audit_logs/events/batch', { key: DEFAULT_KEY, body: { events: [event(5, `Stoat ${moved}name`, 'none')] } });
    expect(r.status, r.text).toBe(200);
    expect(await stemKeys()).toContain(`i${TAG}_${moved.slice(0, 5)}`);
    const prefix = moved.slice(0, 4);
    expect(await found(prefix)).toEqual(await reference(prefix, 'name'));
    expect(await found(prefix)).toHaveLength(1);
  });
});
