// The project-tagged search index: no client text or organization id reaches another
// project's tokens, and prefixes expand to exactly the events FTS5's own prefix finds.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents, type EventQuery } from '../../src/events/list';
import { MAX_PREFIX_TERMS } from '../../src/events/search/language';
import { decodeRaw } from '../../src/events/stored-raw';
import { call, DEFAULT_KEY, DEMO_KEY, STORED_RAW_COLUMNS, type StoredRawRow } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const at = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();
const db = () => drizzle(env.DB);

async function batch(key: string, events: object[]) {
  const r = await call('POST', '/audit_logs/events/batch', { key, body: { events } });
  expect(r.status, r.text).toBe(200);
}

const body = (org: string, minutes: number, name: string, metadata: object = {}) => ({
  organization_id: org,
  event: {
    action: 'user.signed_in',
    occurred_at: at(minutes),
    actor: { id: `user_${minutes}`, type: 'user', name },
    targets: [{ id: 'sess_1', type: 'session' }],
    context: { location: '192.0.2.1' },
    metadata,
  },
});

/** Every page of a query, following `after` cursors. */
async function all(q: Omit<EventQuery, 'limit'>, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await listEvents(db(), { ...q, limit, after, now: NOW });
    ids.push(...page.events.map((e) => e.id));
    if (page.after === null) return ids;
    after = page.after;
  }
  throw new Error('too many pages');
}

/** The reference: ids by a plain scan, newest first; `meta` also requires a metadata value's prefix (read from the decoded raw event). */
async function ids(projectId: string, where: string, meta?: { key: string; prefix: string }): Promise<string[]> {
  const r = await env.DB.prepare(`SELECT id, ${STORED_RAW_COLUMNS} FROM events WHERE project_id = ? AND ${where} ORDER BY occurred_at DESC, seq DESC`)
    .bind(projectId)
    .all<StoredRawRow & { id: string }>();
  const metaHas = (row: StoredRawRow) => {
    const v = (JSON.parse(decodeRaw(row.raw, row)) as { metadata?: Record<string, unknown> }).metadata?.[meta!.key];
    return typeof v === 'string' && v.startsWith(meta!.prefix);
  };
  return r.results.filter((x) => !meta || metaHas(x)).map((x) => x.id);
}

describe("another project's tag cannot be forged", () => {
  beforeAll(async () => {
    await batch(DEMO_KEY, [body('org_demo', 30, 'Kestrel Demo'), body('org_demo', 20, 'Kestrel Demo'), body('org_other', 10, 'Kestrel Demo')]);
    // Default's key writes everything a client controls to look like Demo's tokens:
    // the old project token as the group, tagged words, an organization token, tag-shaped ids.
    const hostile = Array.from({ length: 40 }, (_, i) =>
      body(i % 2 ? 'pprojdemo' : 'projdemo__oorgdemo', 5 + i, 'projdemo_kestrel projdemo__oorgdemo pprojdemo kestrel', {
        note: 'projdemo_kestrel "projdemo_kestrel" projdemo__oorgdemo',
        [`projdemo_kestrel`]: 'org_demo',
      }),
    );
    await batch(DEFAULT_KEY, hostile);
  });

  it("no row of another project holds a token with Demo's tag", async () => {
    const rows = await env.DB.prepare(
      `SELECT e.project_id AS p, count(*) AS n FROM search_fts JOIN events AS e ON e.seq = search_fts.rowid
       WHERE search_fts MATCH '"projdemo_" *' GROUP BY e.project_id`,
    ).all<{ p: string; n: number }>();
    expect(rows.results).toEqual([{ p: 'proj_demo', n: 3 }]);
  });

  it.each([
    ['newest first', { search: 'kestrel', order: 'desc' as const }],
    ['newest first, exact reading', { search: 'kestrel', order: 'desc' as const, matchStrategy: 'in' as const }],
    ['oldest first', { search: 'kestrel', order: 'asc' as const }],
    ['relevance', { search: 'kestrel', order: 'relevance' as const }],
    ['a prefix', { search: 'kestr', order: 'desc' as const }],
  ])("Demo's search sees only Demo's events: %s", async (_n, q) => {
    const found = await all({ projectId: 'proj_demo', ...q });
    const expected = await ids('proj_demo', '1 = 1');
    expect([...found].sort()).toEqual([...expected].sort());
    if (q.order !== 'relevance') expect(found).toEqual(q.order === 'asc' ? [...expected].reverse() : expected);
  });

  it('a client-chosen organization id never matches another project, even one named like its token', async () => {
    for (const org of ['org_demo', 'pprojdemo', 'projdemo__oorgdemo']) {
      const found = await all({ projectId: 'proj_demo', search: 'kestrel', organizationIds: [org], order: 'desc' });
      expect(found).toEqual(await ids('proj_demo', `organization_id = '${org}'`));
    }
    // Default's own hostile group is found in Default only, through its own tag.
    const mine = await all({ projectId: 'proj_default', search: 'kestrel', organizationIds: ['pprojdemo'], order: 'desc' });
    expect(mine).toHaveLength(20);
  });

  it("Demo's tag typed as text is just text", async () => {
    expect(await all({ projectId: 'proj_demo', search: 'projdemo_kestrel', order: 'desc' })).toEqual([]);
    expect(await all({ projectId: 'proj_demo', search: 'pprojdemo', order: 'relevance' })).toEqual([]);
  });
});

describe('prefix expansion', () => {
  const P = 'proj_demo';
  // More completions of "quokka" than MAX_PREFIX_TERMS, and a few of "quokka1".
  const COUNT = MAX_PREFIX_TERMS + 16;
  beforeAll(async () => {
    const events = Array.from({ length: COUNT }, (_, i) => body('org_q', 100 + i, `Quokka${i} Smith`));
    await batch(DEMO_KEY, events);
  });

  it.each([
    ['more completions than the limit (FTS prefix query)', 'quokka', "actor_name LIKE 'Quokka%'"],
    ['a few completions (whole terms)', 'quokka1', "actor_name LIKE 'Quokka1%'"],
    ['one completion', 'quokka79', "actor_name LIKE 'Quokka79 %'"],
    ['none', 'quokkaz', '0'],
  ])('%s: %s', async (_n, search, where) => {
    const expected = await ids(P, where);
    for (const matchStrategy of ['window', 'in'] as const) {
      expect(await all({ projectId: P, search, order: 'desc', matchStrategy })).toEqual(expected);
    }
    expect(await all({ projectId: P, search, order: 'asc' })).toEqual([...expected].reverse());
    expect([...(await all({ projectId: P, search, order: 'relevance' }))].sort()).toEqual([...expected].sort());
  });

  it('an excluded prefix excludes every completion', async () => {
    const found = await all({ projectId: P, search: 'smith -quokka1', order: 'desc' }, 50);
    expect(found).toEqual(await ids(P, "actor_name LIKE 'Quokka% Smith' AND actor_name NOT LIKE 'Quokka1%'"));
  });

  it('words seen only in metadata do not count against a prefix searched in names, and the fallback still finds them', async () => {
    await batch(DEMO_KEY, [
      body('org_z', 50, 'Zebulon Pike'),
      ...Array.from({ length: MAX_PREFIX_TERMS + 6 }, (_, i) => body('org_z', 60 + i, 'Meta Only', { code: `zebx${i}` })),
    ]);
    expect(await all({ projectId: P, search: 'zeb', order: 'desc' })).toEqual(await ids(P, "actor_name = 'Zebulon Pike'"));
    const metaOnly = await ids(P, '1', { key: 'code', prefix: 'zebx' });
    expect(metaOnly).toHaveLength(MAX_PREFIX_TERMS + 6);
    expect(await all({ projectId: P, search: 'zebx', order: 'desc' }, 50)).toEqual(metaOnly);
  });
});

describe('identifiers in the vocabulary: stems only, prefixes still exact', () => {
  const P = 'proj_default';
  // Unique identifier-like words (≥ 5 characters with a digit) in names and metadata, short
  // numbered words that stay whole terms, and a word without digits.
  const code = (i: number) => `vk${i % 3}${(i * 7919 + 104729).toString(36)}`;
  const COUNT = 30;
  beforeAll(async () => {
    await batch(
      DEFAULT_KEY,
      Array.from({ length: COUNT }, (_, i) =>
        body('org_ident', 400 + i, i % 5 === 0 ? 'Vole vkx' : `Vole ${code(i)} v${i % 4}`, { trace: `trx${(i * 31337).toString(16)}ff`, ticket: `tk${i % 2}` }),
      ),
    );
  });

  it('keeps no identifier in the vocabulary, only its stem', async () => {
    const tag = 'projdefault';
    const rows = await env.DB.prepare('SELECT term FROM search_vocab WHERE substr(term, 2, ?) = ?').bind(tag.length + 3, `${tag}_vk`).all<{ term: string }>();
    // Before: one `p` term per distinct code. Now: the stems `vk0`, `vk1`, `vk2`, and the whole word `vkx`.
    expect(rows.results.map((r) => r.term).sort()).toEqual([`i${tag}_vk0`, `i${tag}_vk1`, `i${tag}_vk2`, `p${tag}_vkx`]);
    const trace = await env.DB.prepare('SELECT term FROM search_vocab WHERE substr(term, 2) LIKE ?').bind(`${tag}_trx%`).all<{ term: string }>();
    // The traces are metadata's only: their stems are keyed `j` (migration 0016), the names' `i`.
    expect(trace.results.map((r) => r.term).every((t) => t[0] === 'j')).toBe(true);
    // Each is some trace value up to its first digit; fewer stems than values.
    const traces = Array.from({ length: COUNT }, (_, i) => `trx${(i * 31337).toString(16)}ff`);
    for (const { term } of trace.results) {
      const stem = term.slice(tag.length + 2);
      expect(traces.some((t) => t.startsWith(stem) && /^[a-z]*[0-9]$/.test(stem)), stem).toBe(true);
    }
    expect(trace.results.length).toBeLessThan(COUNT);
    // Short numbered words stay whole terms (prefix expansion lists them).
    const short = await env.DB.prepare('SELECT term FROM search_vocab WHERE term IN (?, ?)').bind(`p${tag}_v1`, `m${tag}_tk1`).all();
    expect(short.results).toHaveLength(2);
  });

  it.each([
    ['a prefix without a digit: whole terms and identifiers (through their stems)', 'vk', "actor_name LIKE 'Vole vk%'"],
    ['a prefix ending in the stem', 'vk1', "actor_name LIKE 'Vole vk1%'"],
    ['a prefix past the stem', code(4).slice(0, 5), `actor_name LIKE 'Vole ${code(4).slice(0, 5)}%'`],
    ['a whole identifier as a prefix', code(7), `actor_name LIKE 'Vole ${code(7)} %'`],
    ['a whole identifier as a word', `${code(7)} `, `actor_name LIKE 'Vole ${code(7)} %'`],
    ['a stem that no identifier has', 'vk9', '0'],
    ['an identifier only in metadata (fallback)', 'trx', '1', { key: 'trace', prefix: 'trx' }],
    ['a prefix of a metadata identifier with a digit', 'trx7a', '1', { key: 'trace', prefix: 'trx7a' }],
  ])('%s: %s', async (_n, search, where, meta?: { key: string; prefix: string }) => {
    const expected = await ids(P, where, meta);
    for (const matchStrategy of ['window', 'in'] as const) {
      expect(await all({ projectId: P, search, order: 'desc', matchStrategy })).toEqual(expected);
    }
    expect(await all({ projectId: P, search, order: 'asc' })).toEqual([...expected].reverse());
  });

  it('an excluded prefix excludes every identifier it completes', async () => {
    const found = await all({ projectId: P, search: 'vole -vk1', order: 'desc' });
    expect(found).toEqual(await ids(P, "actor_name LIKE 'Vole %' AND actor_name NOT LIKE 'Vole vk1%'"));
    expect(found.length).toBeGreaterThan(10);
  });
});

describe('a vocabulary written before the stems rule (pre-0012 deployments)', () => {
  const P = 'proj_default';
  const tag = 'projdefault';
  const name = (i: number) => `Quoll qz7abc${i}xx`;
  beforeAll(async () => {
    // Ten events as the earlier code indexed them: each identifier listed whole, no stem.
    await batch(DEFAULT_KEY, Array.from({ length: 10 }, (_, i) => body('org_old', 700 + i, name(i))));
    await env.DB.prepare('DELETE FROM search_vocab WHERE term = ?').bind(`i${tag}_qz7`).run();
    for (let i = 0; i < 10; i++) await env.DB.prepare('INSERT INTO search_vocab (term) VALUES (?)').bind(`p${tag}_qz7abc${i}xx`).run();
  });

  const cases: [string, string][] = [
    ['qz', "actor_name LIKE 'Quoll qz%'"],
    ['qz7', "actor_name LIKE 'Quoll qz7%'"],
    ['qz7abc1', "actor_name LIKE 'Quoll qz7abc1%'"],
    ['quoll qz7abc', "actor_name LIKE 'Quoll qz7abc%'"],
  ];

  it.each(cases)('old terms alone: %s', async (search, where) => {
    const expected = await ids(P, where);
    expect(expected.length).toBeGreaterThan(0);
    expect(await all({ projectId: P, search, order: 'desc' })).toEqual(expected);
    expect(await all({ projectId: P, search, order: 'desc', matchStrategy: 'in' })).toEqual(expected);
  });

  it('old terms and new stems together', async () => {
    // Newer events with the same shape: indexed with the stem `qz7`.
    await batch(DEFAULT_KEY, Array.from({ length: 10 }, (_, i) => body('org_old', 600 + i, name(10 + i))));
    const stem = await env.DB.prepare('SELECT term FROM search_vocab WHERE term = ?').bind(`i${tag}_qz7`).first();
    expect(stem).not.toBeNull();
    for (const [search, where] of cases) {
      const expected = await ids(P, where);
      expect(await all({ projectId: P, search, order: 'desc' }), search).toEqual(expected);
      expect(await all({ projectId: P, search, order: 'asc' }), search).toEqual([...expected].reverse());
    }
    expect((await ids(P, "actor_name LIKE 'Quoll qz7%'")).length).toBe(20);
  });
});
