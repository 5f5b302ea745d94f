// D1 round trips per request, counted through a wrapper around the real binding: a
// search, a list page, a cursor page, one event, a single-event write and a batch
// each cost one. (Key lookups come from KV and the isolate's memory; usage counts are
// written in the background, once per 500 ms.)
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { countingD1 } from './d1-counter';
import { auditLogBody, call, DEFAULT_KEY, DEMO_KEY, legacyEvent } from './helpers';

const counter = countingD1(env.DB);
const countedEnv = { ...env, DB: counter.db };

async function roundTrips(method: string, path: string, body?: unknown, key = DEFAULT_KEY): Promise<{ status: number; trips: number; json: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request = new Request(`http://waymark.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const ctx = createExecutionContext();
  counter.reset();
  const response = await worker.fetch(request, countedEnv, ctx);
  const json = await response.json();
  const trips = counter.count();
  await waitOnExecutionContext(ctx);
  return { status: response.status, trips, json };
}

let ids: string[] = [];

beforeAll(async () => {
  const events = Array.from({ length: 30 }, (_, i) =>
    legacyEvent({ group: i % 2 ? 'org_even' : 'org_odd', actor_name: `Trip Walker ${i}`, action: i % 3 ? 'user.signed_in' : 'doc.viewed' }),
  );
  const r = await call('POST', '/events/batch', { body: { events } });
  expect(r.status, r.text).toBe(201);
  ids = r.body.ids;
  // Warm the isolate (bootstrap, key memory, the project's action catalog) the way a
  // running Worker is warm; the counts below are the steady state.
  await roundTrips('GET', '/events?search=user.signed_in%20walker');
});

describe('D1 round trips per request', () => {
  // A search whose last word is a prefix reads its completions from the vocabulary inside
  // the page's own statement; newest first, a full first window is proved exact in that
  // statement too unless events that arrived before it lie inside the page's time span
  // (late arrivals, checked by a second statement). (docs/performance.md lists these counts.)
  it.each([
    ['a list page', '/events?limit=5', 1],
    ['a filtered list page', '/events?group=org_even&action=user.signed_in&limit=5', 1],
    ['an Audit Logs list', '/audit_logs/events?organization_id=org_even&limit=5', 1],
    ['a whole-word search (trailing space), window not full', '/events?search=walker%20&limit=20', 1],
    ['a prefix search, relevance', '/events?search=walker&order=relevance&limit=5', 1],
    ['a prefix search with a known action, first window full', '/events?search=user.signed_in%20walker&limit=5', 1],
    ['a prefix search, newest first, first window full', '/events?search=walker&limit=5', 1],
    ['an exclusion-only search', '/events?search=-viewed&limit=5', 1],
  ])('%s', async (_name, path, trips) => {
    const r = await roundTrips('GET', path);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json.data.length).toBeGreaterThan(0);
    expect(r.trips).toBe(trips);
  });

  it('a cursor page (the cursor position is read inside the page query)', async () => {
    const first = await roundTrips('GET', '/events?limit=5');
    const next = await roundTrips('GET', `/events?limit=5&after=${first.json.list_metadata.after}`);
    expect(next.json.data.length).toBe(5);
    expect(next.trips).toBe(1);
  });

  it('a relevance cursor page (the cursor score is read inside the page query)', async () => {
    const first = await roundTrips('GET', '/events?search=walker&order=relevance&limit=5');
    const next = await roundTrips('GET', `/events?search=walker&order=relevance&limit=5&after=${first.json.list_metadata.after}`);
    expect(next.json.data.length).toBe(5);
    expect(next.json.data.map((e: { id: string }) => e.id)).not.toContain(first.json.data[0].id);
    expect(next.trips).toBe(1); // the vocabulary and the cursor's score are read inside the page's statement
  });

  it('one event by id', async () => {
    const r = await roundTrips('GET', `/events/${ids[3]}`);
    expect(r.status).toBe(200);
    expect(r.trips).toBe(1);
  });

  it('newest first, late arrivals inside the page\'s time span: +1 to check them; then, for 30 s and in that project only, checked inside the page\'s statement', async () => {
    // Dated ahead of the others and sent first: they arrive before the newest matches (the
    // window) but are newer than the page, so the window alone cannot prove the page. (Nothing
    // remembers late arrivals for this project yet: a search above that met some would have
    // taken two round trips, and each is asserted at one.)
    const ahead = (name: string) => legacyEvent({ actor_name: name, occurred_at: '2026-06-01T00:00:00.000Z' });
    const send = async (events: unknown[]) => expect((await call('POST', '/events/batch', { body: { events } })).status).toBe(201);
    const walkers = (name: string) => Array.from({ length: 25 }, () => legacyEvent({ actor_name: name }));
    await send([ahead('Someone Else')]);
    await send(walkers('Spanproof Walker'));
    const first = await roundTrips('GET', '/events?search=spanproof%20&limit=5');
    expect(first.json.data.map((e: { actor_name: string }) => e.actor_name)).toEqual(Array(5).fill('Spanproof Walker'));
    expect(first.trips).toBe(2); // the page's statement counted a late arrival; a second one found that none matches
    const again = await roundTrips('GET', '/events?search=spanproof%20&limit=5');
    expect(again.json.data).toEqual(first.json.data);
    expect(again.trips).toBe(1); // the project had late arrivals: the check is inside the page's statement
    await send([ahead('Latematch Early')]);
    await send(walkers('Latematch Walker'));
    const matched = await roundTrips('GET', '/events?search=latematch%20&limit=5');
    expect(matched.json.data[0].actor_name).toBe('Latematch Early');
    expect(matched.trips).toBe(2); // a late arrival matches: the first window cannot prove its page; the newest events by time checked against the word do (by-recent.ts)

    // The memory is per project and lasts LATE_MEMORY_MS (30 s): another project meets its own
    // late arrival apart, and 31 s later this project's first search checks apart again.
    const demo = (path: string) => roundTrips('GET', path, undefined, DEMO_KEY);
    const sendDemo = async (events: unknown[]) => expect((await call('POST', '/events/batch', { key: DEMO_KEY, body: { events } })).status).toBe(201);
    await sendDemo([ahead('Someone Else')]);
    await sendDemo(walkers('Demoproof Walker'));
    expect((await demo('/events?search=demoproof%20&limit=5')).trips).toBe(2);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    try {
      const later = await roundTrips('GET', '/events?search=spanproof%20&limit=5');
      expect(later.json.data).toEqual(first.json.data);
      expect(later.trips).toBe(2);
      expect((await roundTrips('GET', '/events?search=spanproof%20&limit=5')).trips).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a batch write', async () => {
    const r = await roundTrips('POST', '/events/batch', { events: [legacyEvent(), legacyEvent()] });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.trips).toBe(1);
  });

  it('a single-event write: none from the Worker (the project committer writes it in a shared batch: group-commit.test.ts)', async () => {
    const legacy = await roundTrips('POST', '/events', legacyEvent());
    expect(legacy.status).toBe(201);
    expect(legacy.trips).toBe(0);
    const auditLogs = await roundTrips('POST', '/audit_logs/events', auditLogBody());
    expect(auditLogs.status).toBe(200);
    expect(auditLogs.trips).toBe(0);
  });
});
