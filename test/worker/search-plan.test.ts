// The search planner (pure: query in, plan out) driven by one table, and the cursor
// rule that keeps a page in the scope it came from.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents } from '../../src/events/list';
import { emailCandidateText, planQuery, type EventQuery, type IndexInfo, type Plan } from '../../src/events/search/plan';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { call } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const P = 'proj_plan';
const base: EventQuery = { projectId: P, order: 'desc', limit: 10 };
// Every token carries the project's tag (projectTag('proj_plan')); the old index ANDed a project token.
const T = 'projplan';
const PRIMARY = '{event_id actor_id actor_email actor_name action target org place}';
const LEGACY_PROJECT = '{org} : "pprojplan"';

type Case = [name: string, query: Partial<EventQuery>, known: string[], expected: Record<string, unknown>, index?: IndexInfo];

const cases: Case[] = [
  ['no search: filters only, by time', { organizationIds: ['org_1'], actions: ['a.b'] }, [], {
    primary: { filters: [{ kind: 'in', field: 'organizationId', values: ['org_1'] }, { kind: 'in', field: 'action', values: ['a.b'] }], match: null, exclude: null, strategy: 'time' },
    fallback: null,
  }],
  ['emails are lower-cased', { actorEmails: ['Zoe@Serenity.IO'] }, [], {
    primary: { filters: [{ kind: 'actor', field: 'actorEmail', values: ['zoe@serenity.io'], match: `{actor_email} : ("${T}_zoe ${T}_serenity")` }] },
  }],
  ['targets and time', { targetIds: ['doc_1'], occurredAt: { gte: 5, lt: 9 } }, [], {
    primary: { filters: [{ kind: 'target', field: 'targetId', values: ['doc_1'] }, { kind: 'time', op: 'gte', at: 5 }, { kind: 'time', op: 'lt', at: 9 }] },
  }],
  ['a word, newest first: the window, with a metadata fallback; its prefix is a slot the statement fills', { search: 'clarence' }, [], {
    primary: { match: `${PRIMARY} : (\u00010\u0001)`, slots: [{ mark: '\u00010\u0001', key: `${T}_clarence`, head: [], primaryOnly: true }], strategy: 'window' },
    fallback: { match: '\u00010\u0001', slots: [{ mark: '\u00010\u0001', key: `${T}_clarence`, head: [], primaryOnly: false }], strategy: 'window' },
  }],
  ['a prefix inside a phrase: its slot carries the head words', { search: 'zoe -"zoe wash" river-ta' }, [], {
    primary: {
      match: `${PRIMARY} : ("${T}_zoe") AND ${PRIMARY} : (\u00010\u0001)`,
      exclude: `"${T}_zoe ${T}_wash"`,
      slots: [{ mark: '\u00010\u0001', key: `${T}_ta`, head: [`${T}_river`], primaryOnly: true }],
    },
  }],
  ['a prefix expands to its whole-term completions', { search: 'clar' }, [], {
    primary: { match: `${PRIMARY} : (("${T}_clara" OR "${T}_clarence"))`, strategy: 'window', index: 'search_fts' },
  }, { table: 'search_fts', completions: { [`${T}_clar`]: { primary: [`${T}_clara`, `${T}_clarence`], all: null } } }],
  ['the metadata fallback expands over every word', { search: 'clar' }, [], {
    fallback: { match: `("${T}_clara" OR "${T}_clarence" OR "${T}_clarify")` },
  }, { table: 'search_fts', completions: { [`${T}_clar`]: { primary: [`${T}_clara`, `${T}_clarence`], all: [`${T}_clara`, `${T}_clarence`, `${T}_clarify`] } } }],
  ['a prefix inside a phrase completes its last word', { search: 'zoe@seren' }, [], {
    primary: { match: `${PRIMARY} : ("${T}_zoe ${T}_serenity")` },
  }, { table: 'search_fts', completions: { [`${T}_seren`]: { primary: [`${T}_serenity`], all: [`${T}_serenity`] } } }],
  ['a prefix nothing completes matches nothing', { search: 'qqq' }, [], {
    primary: { match: `${PRIMARY} : ("${T}_qqq")` },
  }, { table: 'search_fts', completions: { [`${T}_qqq`]: { primary: [], all: [] } } }],
  ['a prefix with too many completions uses the FTS prefix query', { search: 'cl' }, [], {
    primary: { match: `${PRIMARY} : ("${T}_cl" *)` },
  }, { table: 'search_fts', completions: { [`${T}_cl`]: { primary: null, all: null } } }],
  ['the old index until the backfill is done: text as typed, the project ANDed', { search: 'clarence', organizationIds: ['org_A-1'] }, [], {
    index: 'events_fts',
    primary: { match: `((${PRIMARY} : ("clarence" *)) AND {org} : ("oorga1")) AND ${LEGACY_PROJECT}`, index: 'events_fts' },
  }, { table: 'events_fts' }],
  ['a trailing space: a whole word', { search: 'clarence ' }, [], {
    primary: { match: `${PRIMARY} : ("${T}_clarence")` },
  }],
  ['oldest first reads by time', { search: 'clarence', order: 'asc' }, [], { order: 'asc', primary: { strategy: 'time' } }],
  ['a before cursor reads by time', { search: 'clarence', before: 'evt_x' }, [], { before: 'evt_x', primary: { strategy: 'time' } }],
  ['forced exact reading', { search: 'clarence', matchStrategy: 'in' }, [], { primary: { strategy: 'time' } }],
  ['relevance with words', { search: 'clarence', order: 'relevance' }, [], { order: 'desc', primary: { strategy: 'relevance' } }],
  ['relevance without words is newest first', { order: 'relevance', actions: ['a.b'] }, [], { order: 'desc', primary: { strategy: 'time', match: null } }],
  ['a full email uses the email filter; metadata fallback keeps it as text', { search: 'zoe@serenity.io ' }, [], {
    primary: {
      filters: [{ kind: 'actor', field: 'actorEmail', values: ['zoe@serenity.io'], match: `{actor_email} : ("${T}_zoe ${T}_serenity")` }],
      match: null,
      strategy: 'time',
    },
    fallback: { filters: [], match: `"${T}_zoe ${T}_serenity ${T}_io"` },
  }],
  ['a known action uses the action filter', { search: 'user.signed_in ' }, ['user.signed_in'], {
    primary: { filters: [{ kind: 'in', field: 'action', values: ['user.signed_in'] }], match: null },
  }],
  ['an unknown action-like word is text', { search: 'user.signed_in ' }, [], {
    primary: { filters: [], match: `${PRIMARY} : ("${T}_user ${T}_signed ${T}_in")` },
  }],
  ['action qualifiers', { search: 'action:user.* -action:user.deleted' }, [], {
    primary: { filters: [{ kind: 'notIn', field: 'action', values: ['user.deleted'] }, { kind: 'prefix', field: 'action', prefixes: ['user.'] }], match: null },
    fallback: null,
  }],
  ['time qualifiers use the clock', { search: 'after:7d before:2026-11-20' }, [], {
    primary: { filters: [{ kind: 'time', op: 'gte', at: NOW - 7 * 86_400_000 }, { kind: 'time', op: 'lt', at: Date.UTC(2026, 10, 20) }] },
  }],
  ['an event id', { search: 'evt_01j9zzzzzzzzzzzzzzzzzzzzzz' }, [], {
    primary: { filters: [{ kind: 'in', field: 'id', values: ['evt_01J9ZZZZZZZZZZZZZZZZZZZZZZ'] }], match: null },
    fallback: null,
  }],
  ['exclusion only: no words to match, nothing to fall back to', { search: '-signed' }, [], {
    primary: { match: null, exclude: '\u00010\u0001', slots: [{ mark: '\u00010\u0001', key: `${T}_signed`, head: [], primaryOnly: false }], strategy: 'time' },
    fallback: null,
  }],
  ['an organization joins the words inside the index', { search: 'exported ', organizationIds: ['org_A-1'] }, [], {
    primary: { match: `(${PRIMARY} : ("${T}_exported")) AND {org} : ("${T}__oorga1")` },
  }],
  ['more than 20 organizations stay a filter only', { search: 'exported ', organizationIds: Array.from({ length: 21 }, (_, i) => `org_${i}`) }, [], {
    primary: { match: `${PRIMARY} : ("${T}_exported")` },
  }],
];

describe('planQuery', () => {
  it.each(cases)('%s', (_name, query, known, expected, index) => {
    expect(planQuery({ ...base, ...query }, NOW, known, index)).toMatchObject(expected as Partial<Plan>);
  });

  it('is pure: it mutates nothing and gives the same plan for the same input', () => {
    const deepFreeze = <T>(o: T): T => {
      if (o && typeof o === 'object') {
        Object.values(o).forEach(deepFreeze);
        Object.freeze(o);
      }
      return o;
    };
    for (const [, query, known, , index] of cases) {
      const q = deepFreeze(structuredClone({ ...base, ...query }));
      const k = deepFreeze([...known]);
      const i = index && deepFreeze(structuredClone(index));
      expect(() => planQuery(q, NOW, k, i)).not.toThrow();
      expect(planQuery(q, NOW, k, i)).toEqual(planQuery(q, NOW, k, i));
    }
  });
});

describe('an email is searched by all but its last domain label (the column check keeps it exact)', () => {
  it.each([
    ['zoe@serenity.io', 'zoe@serenity'],
    ['dennis.yilmaz.88@company88.example', 'dennis.yilmaz.88@company88'],
    ['a@b.c.d', 'a@b.c'],
    ['a@b', 'a@b'],
    ['a.b@c', 'a.b@c'],
    ['a@.c', 'a@.c'],
    ['@x.y', '@x.y'],
  ])('%s → %s', (email, searched) => {
    expect(emailCandidateText(email)).toBe(searched);
  });

  it('an address that differs only in that label is not found', async () => {
    const project = await createProject(env.KV, { name: 'Emails', now: Date.now() });
    const key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'e', now: Date.now() })).plain;
    const ids: Record<string, string> = {};
    for (const email of ['zoe@serenity.example', 'zoe@serenity.io', 'zoe@serenity.io.example']) {
      const r = await call('POST', '/audit_logs/events', {
        key,
        body: { organization_id: 'org_e', event: { action: 'user.signed_in', occurred_at: new Date().toISOString(), actor: { id: `user_${email}`, type: 'user', metadata: { email } }, targets: [], context: { location: '203.0.113.1' } } },
      });
      expect(r.status, r.text).toBe(200);
    }
    for (const email of ['zoe@serenity.example', 'zoe@serenity.io', 'zoe@serenity.io.example']) {
      const page = await listEvents(drizzle(env.DB), { projectId: project.id, order: 'desc', limit: 10, search: email });
      expect(page.events.map((e) => e.actor.email)).toEqual([email]);
    }
  });
});

describe('a cursor stays in the scope its page came from', () => {
  let key: string;
  let projectId: string;
  const ids: string[] = [];
  const at = (h: number) => new Date(NOW - h * 3_600_000).toISOString();

  beforeAll(async () => {
    const project = await createProject(env.KV, { name: 'Cursor scope', now: NOW });
    projectId = project.id;
    key = (await createKey(env.KV, { projectId, mode: 'test', name: 't', now: NOW })).plain;
    const events = [
      // Older: matches "kestrel" by name. Newer: matches only in metadata.
      { action: 'user.signed_in', occurred_at: at(3), actor: { id: 'user_k', type: 'user', name: 'Kestrel Ward' } },
      { action: 'user.signed_in', occurred_at: at(1), actor: { id: 'user_o', type: 'user', name: 'Other Person' }, metadata: { note: 'kestrel' } },
    ];
    for (const e of events) {
      const r = await call('POST', '/audit_logs/events', {
        key,
        body: { organization_id: 'org_cursor', event: { ...e, targets: [{ id: 't1', type: 'thing' }], context: { location: '192.0.2.1' } } },
      });
      expect(r.status, r.text).toBe(200);
      ids.push(r.body.id);
    }
  });

  it('without a cursor, a name match hides metadata-only matches', async () => {
    const page = await listEvents(drizzle(env.DB), { projectId, search: 'kestrel', order: 'asc', limit: 10, now: NOW });
    expect(page.events.map((e) => e.id)).toEqual([ids[0]]);
  });

  it('past the last name match (oldest first), the next page is empty, not the metadata match', async () => {
    for (const matchStrategy of ['in', 'window'] as const) {
      const page = await listEvents(drizzle(env.DB), { projectId, search: 'kestrel', order: 'asc', limit: 10, now: NOW, after: ids[0], matchStrategy });
      expect(page.events).toEqual([]);
      expect(page.after).toBeNull();
    }
  });

  it('the same through the API', async () => {
    const r = await call('GET', `/events?search=kestrel&order=asc&after=${ids[0]}`, { key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toEqual([]);
  });

  it('a word found only in metadata falls back to the metadata scope', async () => {
    const page = await listEvents(drizzle(env.DB), { projectId, search: 'note ', order: 'asc', limit: 10, now: NOW });
    expect(page.events.map((e) => e.id)).toEqual([ids[1]]);
  });
});
