// The newest-first executors against a plain reference written here: events whose arrival
// order disagrees with their time (late arrivals, events dated ahead of the others or of their
// own arrival, ties), searched with
// words, prefixes and excluded words, through windows smaller than the matches and small
// pages, so that every proof and every fallback of by-window.ts and by-time.ts is taken.
// A faster wrong page fails: each page must be exactly the reference's, cursor by cursor.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents, planFor, type EventQuery } from '../../src/events/list';
import { listByRecent } from '../../src/events/search/by-recent';
import { timeline } from '../../src/events/timeline';
import { createKey } from '../../src/projects/keys-store';
import { createProject } from '../../src/projects/store';
import { call } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const WORDS = ['alpha', 'alps', 'beta', 'bravo', 'gamma', 'delta'] as const;

interface Sent {
  id: string;
  arrival: number;
  at: number;
  words: string[];
  actor: string;
  target: string;
}
const sent: Sent[] = [];
let projectId = '';
let projectKey = '';

/** A small deterministic generator (the same events every run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

beforeAll(async () => {
  const project = await createProject(env.KV, { name: 'Exactness', now: NOW });
  projectId = project.id;
  const key = (await createKey(env.KV, { projectId, mode: 'test', name: 'x', now: NOW })).plain;
  projectKey = key;
  const r = rng(8);
  const base = NOW - 10 * 86_400_000;
  // 160 events in 8 batches: mostly in time order, with late arrivals (up to 3 days old),
  // events dated ahead of the ones after them, and equal times.
  let clock = base;
  for (let batch = 0; batch < 8; batch++) {
    const events: { at: number; words: string[]; actor: string; target: string }[] = [];
    for (let i = 0; i < 20; i++) {
      clock += 60_000;
      const kind = r();
      // Late (up to 3 days older), 6 hours ahead of the others (but not of its arrival),
      // dated ahead of its arrival (1–19 hours after the real clock: an exception that
      // arrived early yet sorts first), a minute behind, or in order.
      const at =
        kind < 0.2 ? clock - Math.floor(r() * 3 * 86_400_000)
        : kind < 0.25 ? clock + 6 * 3_600_000
        : kind < 0.3 ? Date.now() + Math.floor((1 + r() * 18) * 3_600_000)
        : kind < 0.4 ? clock - 60_000
        : clock;
      const words = WORDS.filter(() => r() < 0.45);
      if (words.length === 0) words.push(WORDS[Math.floor(r() * WORDS.length)]);
      events.push({ at, words, actor: `user_${Math.floor(r() * 3)}`, target: `doc_${Math.floor(r() * 4)}` });
    }
    const res = await call('POST', '/events/batch', {
      key,
      body: {
        events: events.map((e, i) => ({
          group: 'org_exact',
          location: '203.0.113.9',
          action: 'doc.viewed',
          action_type: 'R',
          actor_name: e.words.join(' '),
          actor_id: e.actor,
          target_name: 'report',
          target_id: e.target,
          occurred_at: new Date(e.at).toISOString(),
        })),
      },
    });
    expect(res.status, res.text).toBe(201);
    res.body.ids.forEach((id: string, i: number) => sent.push({ id, arrival: sent.length, ...events[i] }));
  }
});

/** The reference: which events a search means, in list order. */
function reference(keep: (words: string[]) => boolean, newestFirst: boolean, also: (e: Sent) => boolean = () => true): string[] {
  const hits = sent.filter((e) => keep(e.words) && also(e));
  hits.sort((a, b) => (newestFirst ? -1 : 1) * (a.at - b.at || a.arrival - b.arrival));
  return hits.map((e) => e.id);
}

/** Every page of a query, walking `after` cursors. */
async function walk(query: Omit<EventQuery, 'projectId' | 'limit'>, limit: number): Promise<string[]> {
  const db = drizzle(env.DB);
  const seen: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const page = await listEvents(db, { projectId, limit, now: NOW, ...query, after });
    expect(page.events.length).toBeLessThanOrEqual(limit);
    seen.push(...page.events.map((e) => e.id));
    if (!page.after) break;
    after = page.after;
  }
  return seen;
}

const has = (w: string) => (words: string[]) => words.includes(w);
const starts = (p: string) => (words: string[]) => words.some((w) => w.startsWith(p));
const CASES: [string, (words: string[]) => boolean][] = [
  ['alpha', has('alpha')],
  ['al', starts('al')],
  ['gamma delta', (w) => has('gamma')(w) && has('delta')(w)],
  ['alpha -beta', (w) => has('alpha')(w) && !has('beta')(w)],
  ['-alpha', (w) => !has('alpha')(w)],
  ['-al', (w) => !starts('al')(w)],
  ['bravo -gamma -delta', (w) => has('bravo')(w) && !has('gamma')(w) && !has('delta')(w)],
];

// A full window's late arrivals are checked in the page's statement or by a statement of
// their own (by-window.ts, lateSeen): both are walked.
const LATE_PROOFS = ['inside', 'apart'] as const;

describe('newest first through windows and bounded exclusions: the exact pages', () => {
  it.each(CASES)('%s', async (search, keep) => {
    const newest = reference(keep, true);
    expect(newest.length).toBeGreaterThan(10);
    for (const limit of [1, 3, 7, 50]) {
      expect(await walk({ search, order: 'desc' }, limit), `limit ${limit}`).toEqual(newest);
      for (const windowSize of [2, 5, 13]) {
        for (const lateProof of LATE_PROOFS) {
          expect(await walk({ search, order: 'desc', windowSize, lateProof }, limit), `limit ${limit}, window ${windowSize}, ${lateProof}`).toEqual(newest);
        }
      }
    }
    expect(await walk({ search, order: 'asc' }, 7)).toEqual(reference(keep, false));
  }, 120_000);

  const FILTERS: [string, Pick<EventQuery, 'actorIds' | 'targetIds'>, (e: Sent) => boolean][] = [
    ['an actor', { actorIds: ['user_1'] }, (e: Sent) => e.actor === 'user_1'],
    ['two targets', { targetIds: ['doc_0', 'doc_3'] }, (e: Sent) => e.target === 'doc_0' || e.target === 'doc_3'],
    ['an actor and a target', { actorIds: ['user_2'], targetIds: ['doc_1'] }, (e: Sent) => e.actor === 'user_2' && e.target === 'doc_1'],
  ];
  it.each(FILTERS)('%s, alone and with words', async (_name, filter, also) => {
    const searches: [string | undefined, (words: string[]) => boolean][] = [[undefined, () => true], ['alpha', has('alpha')], ['-beta', (w) => !has('beta')(w)]];
    for (const [search, keep] of searches) {
      const newest = reference(keep, true, also);
      expect(newest.length).toBeGreaterThan(3);
      for (const limit of [1, 4, 50]) {
        for (const windowSize of [undefined, 2, 5]) {
          for (const lateProof of LATE_PROOFS) {
            expect(await walk({ ...filter, search, order: 'desc', windowSize, lateProof }, limit), `${search} limit ${limit}, window ${windowSize}, ${lateProof}`).toEqual(newest);
          }
        }
      }
      expect(await walk({ ...filter, search, order: 'asc' }, 4)).toEqual(reference(keep, false, also));
    }
  }, 120_000);

  // by-recent.ts: the newest events by time checked against the words. Called directly with
  // few candidates, each page is either not proved (null) or exactly the reference's; both
  // must happen, so that neither path goes untested. Through listEvents it is tried when a
  // window meets late arrivals (tiny windows here); the walks must still be exact.
  it.each(CASES.filter(([search]) => !search.startsWith('-')))('%s through the newest events by time', async (search, keep) => {
    const db = drizzle(env.DB);
    const newest = reference(keep, true);
    const outcomes = new Set<string>();
    // The arrival range read: exactly wide enough for every event here (`span`), one arrival short of it (the first
    // page, whose candidates are every event, is not provable), or a few arrivals (most pages not provable).
    const [{ span }] = (await env.DB.prepare('SELECT max(seq) - min(seq) AS span FROM events WHERE project_id = ?').bind(projectId).all<{ span: number }>()).results;
    for (const limit of [1, 7]) {
      const first = async (arrivalsMax: number) => {
        const plan = await planFor(db, { projectId, limit, now: NOW, search, order: 'desc' });
        return listByRecent(db, plan, { ...plan.primary, match: plan.primary.match! }, 2_000, arrivalsMax);
      };
      expect((await first(span))?.events.map((e) => e.id)).toEqual(newest.slice(0, limit));
      expect(await first(span - 1)).toBeNull();
      for (const [candidates, arrivalsMax] of [[3, span], [17, span], [60, span], [2_000, span], [2_000, 40], [17, 6]]) {
        let after: string | undefined;
        for (let skip = 0; skip < newest.length; skip += limit) {
          const plan = await planFor(db, { projectId, limit, now: NOW, search, order: 'desc', after });
          const scope = plan.primary;
          expect(scope.match).not.toBeNull();
          const page = await listByRecent(db, plan, { ...scope, match: scope.match! }, candidates, arrivalsMax);
          outcomes.add(page ? 'page' : 'null');
          if (!page) break;
          const want = newest.slice(skip, skip + limit);
          expect(page.events.map((e) => e.id), `limit ${limit}, ${candidates} candidates, from ${skip}`).toEqual(want);
          expect(page.after, `more after ${skip}`).toBe(skip + limit < newest.length ? want[want.length - 1] : null);
          if (!page.after) break;
          after = page.after;
        }
      }
      for (const recentCandidates of [3, 17]) {
        for (const windowSize of [2, 5]) {
          expect(await walk({ search, order: 'desc', windowSize, recentCandidates }, limit), `limit ${limit}, window ${windowSize}, ${recentCandidates} candidates`).toEqual(newest);
          // One organization keeps the path (its own time index): every event here is org_exact's.
          expect(await walk({ search, order: 'desc', windowSize, recentCandidates, organizationIds: ['org_exact'] }, limit)).toEqual(newest);
        }
      }
    }
    expect([...outcomes].sort()).toEqual(['null', 'page']);
  }, 120_000);

  it('relevance with an excluded word returns each match once and nothing excluded', async () => {
    const ids = await walk({ search: 'alpha -beta', order: 'relevance' }, 4);
    expect([...ids].sort()).toEqual(reference((w) => has('alpha')(w) && !has('beta')(w), true).sort());
  });

  it('a cursor that is not an event here is still a 422 on an exclusion-only search', async () => {
    await expect(listEvents(drizzle(env.DB), { projectId, limit: 5, now: NOW, search: '-alpha', order: 'desc', after: 'evt_01J9ZZZZZZZZZZZZZZZZZZZZZZ' })).rejects.toThrow(
      /after must be the id of an event in this project/,
    );
  });
});

describe('relevance ranks the window without reading rows, and still checks each row', () => {
  it('an index entry whose event is not this project’s never reaches the page', async () => {
    const project = await createProject(env.KV, { name: 'Relevance rows', now: NOW });
    const key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'r', now: NOW })).plain;
    const res = await call('POST', '/events/batch', {
      key,
      body: { events: Array.from({ length: 6 }, (_, i) => ({ group: 'org_r', location: '203.0.113.9', action: 'doc.viewed', action_type: 'R', actor_name: i % 2 ? 'quokka quokka' : 'quokka', actor_id: `user_${i}`, target_name: 'r', target_id: 'doc_1', occurred_at: new Date(NOW - i * 60_000).toISOString() })) },
    });
    expect(res.status, res.text).toBe(201);
    const ids: string[] = res.body.ids;
    const db = drizzle(env.DB);
    const ranked = async () => (await listEvents(db, { projectId: project.id, limit: 10, now: NOW, search: 'quokka', order: 'relevance' })).events.map((e) => e.id);
    expect((await ranked()).sort()).toEqual([...ids].sort());
    // The index still holds this event under the project's tag; its row says another project
    // (what a tag shared by two project ids would look like).
    await env.DB.prepare(`UPDATE events SET project_id = 'proj_elsewhere' WHERE id = ?`).bind(ids[1]).run();
    const after = await ranked();
    expect(after.sort()).toEqual(ids.filter((id) => id !== ids[1]).sort());
  });
});

describe('the largest statements stay inside D1’s limits (expression depth 100, 100 parameters)', () => {
  /** Filters every large statement below carries. */
  const FILTERS = {
    organizationIds: ['org_exact', 'org_other'],
    actions: ['doc.viewed', 'doc.deleted'],
    actorIds: ['user_1', 'user_2'],
    targetIds: ['doc_1', 'doc_2'],
    locations: ['203.0.113.9'],
    occurredAt: { gte: 0, lte: NOW + 86_400_000 },
  } satisfies Partial<EventQuery>;
  /** Some event of the project, as a cursor. */
  const anyEventId = async () => (await env.DB.prepare('SELECT id FROM events WHERE project_id = ? LIMIT 1').bind(projectId).first<{ id: string }>())!.id;

  it.each(['desc', 'asc', 'relevance'] as const)('every filter, words, a prefix and exclusions at once, %s', async (order) => {
    const db = drizzle(env.DB);
    const query: EventQuery = {
      projectId,
      limit: 5,
      now: NOW,
      order,
      ...FILTERS,
      actorNames: ['alpha beta'],
      targetNames: ['report'],
      search: 'alpha "beta gamma" -delta -bravo action:doc.* type:r after:30d al',
    };
    for (const windowSize of [undefined, 2]) {
      for (const lateProof of LATE_PROOFS) {
        const page = await listEvents(db, { ...query, windowSize, lateProof });
        expect(page.events.length).toBeLessThanOrEqual(5);
      }
    }
  });

  // A prefix slot that is not aimed at the primary columns (an excluded prefix, a qualifier's
  // column) reads four kinds of completions; with an action prefix, every filter and a cursor
  // this was the largest statement (110 parameters before a slot bound its whole word and head once).
  it.each(['desc', 'asc', 'relevance'] as const)('a qualified prefix, an action prefix, an excluded prefix, every filter and a cursor, %s', async (order) => {
    const db = drizzle(env.DB);
    const cursor = await anyEventId();
    const query: EventQuery = { projectId, limit: 5, now: NOW, order, ...FILTERS, actorTypes: ['user'], targetTypes: ['doc'], search: 'type:r user. -pr' };
    for (const windowSize of [undefined, 2]) {
      for (const field of order === 'relevance' ? (['after'] as const) : (['after', 'before'] as const)) {
        for (const lateProof of LATE_PROOFS) {
          const page = await listEvents(db, { ...query, windowSize, lateProof, [field]: cursor });
          expect(page.events.length).toBeLessThanOrEqual(5);
        }
      }
    }
  });

  // The newest events by time checked against the words (by-recent.ts), called directly: it
  // is reached only when a window meets late arrivals, so the walks above may not build it.
  it('the newest events by time, every filter, words, prefixes, exclusions and a cursor', async () => {
    const db = drizzle(env.DB);
    const query: EventQuery = {
      projectId,
      limit: 5,
      now: NOW,
      order: 'desc',
      ...FILTERS,
      actorNames: ['alpha beta'],
      targetNames: ['report'],
      actorTypes: ['user'],
      targetTypes: ['doc'],
      search: 'alpha "beta gamma" -delta -pr action:doc.* type:r after:30d al',
      after: await anyEventId(),
    };
    const plan = await planFor(db, query);
    expect(plan.primary.match).not.toBeNull();
    const page = await listByRecent(db, plan, { ...plan.primary, match: plan.primary.match! });
    expect(page?.events.length ?? 0).toBeLessThanOrEqual(5);
  });

  // Through the legacy list API, every filter it has, a search with prefixes and a cursor: 104
  // parameters before each distinct value was bound once (a 500 on D1), 43 now.
  it.each(['desc', 'asc'] as const)('every legacy filter, prefixes and a cursor through GET /events, %s', async (order) => {
    const cursor = await anyEventId();
    const q = new URLSearchParams({ order, limit: '5', search: 'type:r user. -pr', action_type: 'r', actor_name: 'alpha beta', target_name: 'report' });
    for (const [k, v] of [['group', 'org_a'], ['group', 'org_b'], ['action', 'doc.viewed'], ['actor_id', 'user_1'], ['target_id', 'doc_1']]) q.append(k, v);
    q.set('occurred_at_gte', new Date(0).toISOString());
    q.set('occurred_at_lte', new Date(NOW + 86_400_000).toISOString());
    for (const field of ['after', 'before']) {
      const r = await call('GET', `/events?${q}&${field}=${cursor}`, { key: projectKey });
      expect(r.status, r.text.slice(0, 300)).toBe(200);
    }
  });

  // Each prefix that reads its completions in the statement binds four parameters per copy of
  // its expression (and its mark is SQL); past MAX_PREFIX_SLOTS the others are FTS5 prefix queries.
  it.each([
    'al br ga de be',
    'doc. user. role. file. team. org. key. al',
    '-al -br -ga -de gamma',
    'a. b. c. d. e. f. g. h. i. -al -br -ga',
  ])('many prefixes, every order, a cursor, the histogram: %s', async (search) => {
    const db = drizzle(env.DB);
    for (const order of ['desc', 'asc', 'relevance'] as const) {
      const first = await listEvents(db, { projectId, limit: 1, now: NOW, order, search });
      if (first.after) await listEvents(db, { projectId, limit: 1, now: NOW, order, search, after: first.after });
      const r = await call('GET', `/events?limit=1&order=${order}&search=${encodeURIComponent(search)}`, { key: projectKey });
      expect(r.status, r.text.slice(0, 300)).toBe(200);
    }
    await timeline(db, { projectId, limit: 1, now: NOW, order: 'desc', search });
  });
});

describe('a proof with more early arrivals than it checks', () => {
  it('reads the page by time, exactly', async () => {
    const project = await createProject(env.KV, { name: 'Import beside live', now: NOW });
    const key = (await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'i', now: NOW })).plain;
    const at = (ms: number) => new Date(ms).toISOString();
    const ev = (name: string, ms: number, i: number) => ({ group: 'org_i', location: '203.0.113.2', action: 'doc.viewed', action_type: 'R', actor_name: name, actor_id: `user_${i}`, target_name: 'r', target_id: 'doc_1', occurred_at: at(ms) });
    // First: 2,100 events dated newest, three of them matching; then 300 matching events dated an hour earlier.
    const early: string[] = [];
    for (let b = 0; b < 3; b++) {
      const r = await call('POST', '/events/batch', { key, body: { events: Array.from({ length: 700 }, (_, i) => ev(i % 300 === 7 ? 'zebra early' : 'quiet', NOW - b * 1000 - i, i)) } });
      expect(r.status, r.text.slice(0, 200)).toBe(201);
      r.body.ids.forEach((id: string, i: number) => i % 300 === 7 && early.push(id));
    }
    const r = await call('POST', '/events/batch', { key, body: { events: Array.from({ length: 300 }, (_, i) => ev('zebra', NOW - 3_600_000 - i * 1000, i)) } });
    expect(r.status).toBe(201);
    const page = await listEvents(drizzle(env.DB), { projectId: project.id, limit: 50, now: NOW, order: 'desc', search: 'zebra' });
    expect(page.events.slice(0, early.length).map((e) => e.id)).toEqual(early);
    expect(page.events.slice(early.length).map((e) => e.id)).toEqual(r.body.ids.slice(0, 50 - early.length));
  }, 120_000);
});
