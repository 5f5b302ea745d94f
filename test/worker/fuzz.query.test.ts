// Property-based query strings and searches on both list endpoints: known and unknown
// parameters, repeated keys, the four array encodings, garbage; and search strings in the
// search language (qualifiers, quotes, minus, unicode, FTS5 operator words). Never a 5xx;
// a 200 is a well-formed page that honours `limit`; a 422 names what was wrong; any search
// up to the documented length is a 200.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLogCase, budgeted, freshProject, fuzzOptions, fuzzTimeout, legacyCase, postRaw, text, toJson } from './fuzz-support';
import { call } from './helpers';

const RUNS = 40;

let project: { projectId: string; key: string };
const ids: string[] = [];
const words: string[] = [];

beforeAll(async () => {
  project = await freshProject('Fuzz queries');
  const legacy = fc.sample(legacyCase, { numRuns: 20, seed: 7 });
  const audit = fc.sample(auditLogCase, { numRuns: 20, seed: 8 }).filter((c) => toJson(c.body).length < 100_000);
  const a = await postRaw(project.key, '/events/batch', toJson({ events: legacy.map((c) => c.body) }));
  const b = await postRaw(project.key, '/audit_logs/events/batch', toJson({ events: audit.map((c) => c.body) }));
  expect(a.status, a.text.slice(0, 300)).toBe(201);
  expect(b.status, b.text.slice(0, 300)).toBe(200);
  ids.push(...a.body.ids, ...b.body.ids);
  for (const c of legacy) words.push(c.body.actor_name as string, c.body.group as string, c.body.action as string);
  for (const c of audit) words.push(c.body.organization_id, c.body.event.action as string);
});

const ENDPOINTS = {
  legacy: {
    path: '/events',
    lists: ['group', 'action', 'action_type', 'actor_name', 'actor_id', 'target_name', 'target_id'],
    times: ['occurred_at', 'occurred_at_gt', 'occurred_at_gte', 'occurred_at_lt', 'occurred_at_lte'],
  },
  audit_logs: {
    path: '/audit_logs/events',
    lists: ['organization_id', 'actions', 'actor_ids', 'actor_names', 'actor_types', 'targets', 'target_ids'],
    times: ['range_start', 'range_end'],
  },
} as const;
const PAGING = ['search', 'limit', 'order', 'before', 'after'];
const UNKNOWN = ['events', 'range_start', 'foo', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Group', 'group[x]', 'limit[]', ''];

/** A parameter name in one of the encodings the SDKs use, or a broken one. */
const encodedName = (name: string) =>
  fc.constantFrom(name, `${name}[]`, `${name}%5B%5D`, `${name}%5b%5d`, `${name}[0]`, `${name}%5B7%5D`, `${name}[][]`, `${name}%5B`, encodeURIComponent(name));

const value = fc.oneof(
  fc.constantFrom('', '0', '1', '10', '100', '101', '-1', '1.5', '1e2', 'asc', 'desc', 'relevance', 'ASC', 'c', 'R', 'x', 'crud', 'true'),
  fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01', '0099-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-02-30T00:00:00Z', '1970-01-01T00:00:00+23:59'),
  fc.constantFrom('evt_01HZZZZZZZZZZZZZZZZZZZZZZZ', 'evt_00000000000000000000000000', 'evt_x', 'EVT_01HZZZZZZZZZZZZZZZZZZZZZZZ'),
  text(0, 40),
  fc.constantFrom('x'.repeat(1024), 'x'.repeat(1025), '😀'.repeat(600)),
);

/** How a value is written into the query string: percent-encoded, raw, or with broken escapes. */
const writeValue = (v: string, how: number) =>
  how === 0 ? encodeURIComponent(v) : how === 1 ? v.replace(/[&#]/g, encodeURIComponent) : `${encodeURIComponent(v)}%${['', 'z', 'G1', 'ED%A0%80', 'FF'][v.length % 5]}`;

const queryFor = (endpoint: keyof typeof ENDPOINTS) => {
  const e = ENDPOINTS[endpoint];
  const names = fc.oneof(
    { arbitrary: fc.constantFrom(...e.lists).chain(encodedName), weight: 4 },
    { arbitrary: fc.constantFrom(...e.times, ...PAGING), weight: 4 },
    { arbitrary: fc.constantFrom(...UNKNOWN, ...ENDPOINTS[endpoint === 'legacy' ? 'audit_logs' : 'legacy'].lists), weight: 1 },
  );
  const pair = fc.tuple(names, value, fc.integer({ min: 0, max: 2 })).map(([n, v, how]) => `${n}=${writeValue(v, how)}`);
  return fc.oneof(
    { arbitrary: fc.array(pair, { maxLength: 8 }).map((p) => p.join('&')), weight: 6 },
    // Repeated keys: many values of one filter (up to the documented 100, and past it).
    { arbitrary: fc.tuple(fc.constantFrom(...e.lists), fc.integer({ min: 1, max: 102 })).map(([n, count]) => Array.from({ length: count }, (_, i) => `${n}=v${i}`).join('&')), weight: 1 },
    // Garbage: any characters where a query string goes.
    { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/#/g, '%23')), weight: 1 },
    { arbitrary: fc.constantFrom('&&&', '=', '==x', '%', '%%', '%zz', '?', '&=&=', '+', 'a=%ff%fe', 'limit=5&limit=6', 'before=&after='), weight: 1 },
  );
};

function expectWellFormed(endpoint: keyof typeof ENDPOINTS, qs: string, r: { status: number; body: any; text: string }) {
  expect(r.status, `${qs} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
  expect([200, 422], `${qs} → ${r.text.slice(0, 300)}`).toContain(r.status);
  if (r.status === 200) {
    expect(r.body.object).toBe('list');
    expect(Array.isArray(r.body.data)).toBe(true);
    expect(r.body.list_metadata).toEqual(r.body.listMetadata);
    const limit = Number(new URLSearchParams(qs).get('limit') || 10);
    if (Number.isInteger(limit) && limit >= 1) expect(r.body.data.length).toBeLessThanOrEqual(limit);
    for (const e of r.body.data) expect(e.object).toBe(endpoint === 'legacy' ? 'event' : 'audit_log_event');
  } else {
    // 'Invalid query parameters.', or the cursor's own sentence for an id that is not in this project.
    expect(typeof r.body.message).toBe('string');
    expect(r.body.errors.length).toBeGreaterThan(0);
    for (const e of r.body.errors) expect(typeof e.field).toBe('string');
  }
}

describe('random query strings', () => {
  for (const endpoint of ['legacy', 'audit_logs'] as const) {
    it(
      `GET ${ENDPOINTS[endpoint].path}: a 200 page or a 422 naming the parameter, never a 5xx`,
      async () => {
        await fc.assert(
          fc.asyncProperty(queryFor(endpoint), budgeted(async (qs) => {
            const r = await call('GET', `${ENDPOINTS[endpoint].path}?${qs}`, { key: project.key });
            expectWellFormed(endpoint, qs, r);
          })),
          fuzzOptions(RUNS, 80),
        );
      },
      fuzzTimeout(RUNS, 80),
    );
  }
});

// ---------------------------------------------------------------- the search language

const QUALIFIERS = ['actor', 'action', 'target', 'org', 'organization', 'group', 'ip', 'location', 'type', 'after', 'before', 'since', 'until', 'id', 'plan', 'ACTOR', 'x-y_z', 'a'.repeat(41)];
const FTS_WORDS = ['AND', 'OR', 'NOT', 'NEAR', 'NEAR(a b, 2)', 'NEAR/3', '^', '*', '**', '{', '}', '{org}', 'org:', ':', '(', ')', '()', '"', '""', '"""', "'", '+', '-', '--', '-"', '\\', '\u0000', 'rowid', 'bm25', 'MATCH', "')--", ';DROP TABLE events;--'];
const VALUES = ['7d', '24h', '1mo', '2y', '99999w', '0m', '2026-11-01', '2026-11-01T12:00Z', '2026-02-30', 'someday', 'c', 'c,u', 'x', 'user.signed_in', 'user.*', 'user.', '*', 'user*', '.', 'evt_01HZZZZZZZZZZZZZZZZZZZZZZZ', 'zoë', 'Zoë', '😀', 'ﬁ', 'e\u0301', '中文', 'clar', '@', 'example.com', 'a@b.co', '203.0.113.7', '::1'];

const word = fc.oneof(
  { arbitrary: fc.constantFrom(...VALUES), weight: 3 },
  { arbitrary: fc.constantFrom(...FTS_WORDS), weight: 2 },
  { arbitrary: text(1, 12), weight: 3 },
  // Words the seeded events hold (actor names, organizations, actions), so some searches match.
  { arbitrary: fc.nat().map((i) => [...(words[i % words.length] ?? 'x')].slice(0, 30).join('')), weight: 2 },
);

const term = fc
  .record({
    negated: fc.boolean(),
    qualifier: fc.option(fc.constantFrom(...QUALIFIERS), { nil: undefined }),
    quoted: fc.integer({ min: 0, max: 3 }),
    value: fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
  })
  .map(({ negated, qualifier, quoted, value }) => {
    const v = quoted === 0 ? `"${value}"` : quoted === 1 ? `"${value}` : value.split(' ')[0];
    return `${negated ? '-' : ''}${qualifier ? `${qualifier}:` : ''}${v}`;
  });

const searchString = fc.oneof(
  { arbitrary: fc.array(term, { maxLength: 16 }).chain((terms) => fc.constantFrom(' ', '  ', '\t', '\u3000', '\n').map((sep) => terms.join(sep))), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 2 },
  { arbitrary: fc.constantFrom('x'.repeat(1024), '"'.repeat(1024), '-'.repeat(300), 'NEAR('.repeat(200), '😀'.repeat(512), 'a '.repeat(512)), weight: 1 },
);

describe('random searches', () => {
  for (const endpoint of ['legacy', 'audit_logs'] as const) {
    it(
      `GET ${ENDPOINTS[endpoint].path}?search=…: always a 200 page, in time order or by relevance`,
      async () => {
        await fc.assert(
          fc.asyncProperty(searchString, fc.constantFrom('', '&order=relevance', '&order=asc', '&limit=3'), budgeted(async (s, extra) => {
            // Documented: a query value is at most 1,024 characters (longer is a 422).
            fc.pre(s.length <= 1024);
            const qs = `search=${encodeURIComponent(s)}${extra}`;
            const r = await call('GET', `${ENDPOINTS[endpoint].path}?${qs}`, { key: project.key });
            expect(r.status, `${JSON.stringify(s)} → ${r.text.slice(0, 300)}`).toBe(200);
            expectWellFormed(endpoint, qs, r);
            if (r.body.data.length > 1 && extra === '') {
              const times = r.body.data.map((e: { occurred_at: string }) => e.occurred_at);
              expect(times).toEqual([...times].sort().reverse());
            }
          })),
          fuzzOptions(RUNS, 80),
        );
      },
      fuzzTimeout(RUNS, 80),
    );
  }

  it(
    'an exact event id, in any case and among other words, finds that event',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.boolean(), fc.constantFrom('', ' ', '  after:1970-01-01'), budgeted(async (i, lower, tail) => {
          const id = ids[i % ids.length];
          const typed = lower ? id.toLowerCase() : id;
          const r = await call('GET', `/events?search=${encodeURIComponent(typed + tail)}`, { key: project.key });
          expect(r.status, r.text.slice(0, 300)).toBe(200);
          expect(r.body.data.map((e: { id: string }) => e.id)).toEqual([id]);
        })),
        fuzzOptions(20, 80),
      );
    },
    fuzzTimeout(20, 80),
  );
});
