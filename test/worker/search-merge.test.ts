// The cron's search-index compaction (src/events/search/merge.ts, migration 0015): bounded
// steps of FTS5's 'merge' leave the index in fewer segments, stop when nothing is left to
// merge, and change no search's answer.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { compactSearchIndex } from '../../src/events/search/merge';
import { call, legacyEvent } from './helpers';

const db = () => drizzle(env.DB);
const segments = async () => (await env.DB.prepare('SELECT count(DISTINCT segid) AS n FROM search_fts_idx').first<{ n: number }>())!.n;
const search = async (q: string) => {
  const r = await call('GET', `/events?limit=100&search=${encodeURIComponent(q)}`);
  expect(r.status, r.text).toBe(200);
  return r.body.data.map((e: { id: string }) => e.id);
};

describe('search index compaction', () => {
  it('merges the segments in bounded steps, stops when done, and answers the same', async () => {
    // Each write is its own transaction and leaves a segment; FTS5's automatic merge keeps up
    // to three on each level.
    for (let i = 0; i < 30; i++) {
      const names = ['Clarence Birdseye', 'Zoë Washburne', 'Inara Serra'];
      const r = await call('POST', '/events/batch', {
        body: { events: [0, 1, 2].map((k) => legacyEvent({ actor_name: `${names[(i + k) % 3]} ${i}`, target_name: `report ${i * 3 + k}` })) },
      });
      expect(r.status, r.text).toBe(201);
    }
    const before = await segments();
    expect(before).toBeGreaterThan(3);
    const answers = async () => Promise.all(['clarence', 'zoe', 'serr', 'report', '-inara'].map(search));
    const expected = await answers();

    expect(await compactSearchIndex(db(), { steps: 1, pages: 1 })).toBe(1); // the budget holds
    const steps = await compactSearchIndex(db(), { steps: 1000 });
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(1000);
    const after = await segments();
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThanOrEqual(2);
    expect(await compactSearchIndex(db())).toBe(0); // nothing left to merge
    expect(await answers()).toEqual(expected);

    // New writes after a compaction are searchable and merge again.
    const r = await call('POST', '/events', { body: legacyEvent({ actor_name: 'Kaylee Frye' }) });
    expect(r.status, r.text).toBe(201);
    expect(await search('kaylee')).toHaveLength(1);
  });
});
