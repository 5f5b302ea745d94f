// Actor filters (id, name, email, and the full-email search) since migration 0012: candidates
// from the search index's actor columns, each confirmed exactly against the row. Lookalikes
// that share every word (punctuation, case, order) must not match, another project's actor
// with the same id must not match, and values with no word at all still filter exactly.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { listEvents, type EventQuery } from '../../src/events/list';
import { call, DEFAULT_KEY, DEMO_KEY } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const at = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

const ACTORS = [
  { id: 'user_1', name: 'Clarence Birdseye', email: 'clarence@birdseye.example' },
  { id: 'user-1', name: 'clarence birdseye', email: 'Clarence@Birdseye.example' },
  { id: 'user 1', name: 'Birdseye Clarence', email: 'birdseye@clarence.example' },
  { id: '1_user', name: 'Clarence  Birdseye', email: 'clarence.birdseye@mail.example' },
  { id: '---', name: '…', email: 'x@y.example' },
];

async function batch(key: string, events: object[]) {
  const r = await call('POST', '/audit_logs/events/batch', { key, body: { events } });
  expect(r.status, r.text).toBe(200);
}

async function all(q: Omit<EventQuery, 'limit' | 'order'>, order: EventQuery['order'] = 'desc'): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await listEvents(drizzle(env.DB), { ...q, order, limit: 4, after, now: NOW });
    ids.push(...page.events.map((e) => e.id));
    if (page.after === null) return ids;
    after = page.after;
  }
  throw new Error('too many pages');
}

async function ids(projectId: string, where: string, ...bind: unknown[]): Promise<string[]> {
  const r = await env.DB.prepare(`SELECT id FROM events WHERE project_id = ? AND ${where} ORDER BY occurred_at DESC, seq DESC`)
    .bind(projectId, ...bind)
    .all<{ id: string }>();
  return r.results.map((x) => x.id);
}

describe('actor filters through the search index', () => {
  beforeAll(async () => {
    const events = (org: string) =>
      Array.from({ length: 40 }, (_, i) => {
        const a = ACTORS[i % ACTORS.length];
        return {
          organization_id: org,
          event: {
            action: 'user.signed_in',
            occurred_at: at(1000 - i * 7 + (i % 3) * 50), // arrival order is not time order
            actor: { id: a.id, type: 'user', name: a.name, metadata: { email: a.email } },
            targets: [{ id: 'sess_1', type: 'session' }],
            context: { location: '192.0.2.1' },
          },
        };
      });
    await batch(DEFAULT_KEY, events('org_actor'));
    await batch(DEMO_KEY, events('org_actor_demo'));
  });

  it.each(ACTORS.map((a) => [a.id, a]))('actor %s: id, name and email each find exactly their events', async (_id, a) => {
    const P = 'proj_default';
    const byId = await ids(P, 'actor_id = ?', a.id);
    expect(byId.length).toBe(8);
    expect(await all({ projectId: P, actorIds: [a.id] })).toEqual(byId);
    expect(await all({ projectId: P, actorIds: [a.id] }, 'asc')).toEqual([...byId].reverse());
    expect(await all({ projectId: P, actorNames: [a.name] })).toEqual(await ids(P, 'actor_name = ?', a.name));
    expect(await all({ projectId: P, actorEmails: [a.email] })).toEqual(await ids(P, 'actor_email = ?', a.email.toLowerCase()));
  });

  it('several values, and together with other filters', async () => {
    const P = 'proj_default';
    expect(await all({ projectId: P, actorIds: ['user_1', '---'] })).toEqual(await ids(P, "actor_id IN ('user_1', '---')"));
    expect(await all({ projectId: P, actorIds: ['user_1'], organizationIds: ['org_actor'], actorNames: ['Clarence Birdseye'] })).toEqual(
      await ids(P, "actor_id = 'user_1' AND organization_id = 'org_actor' AND actor_name = 'Clarence Birdseye'"),
    );
    expect(await all({ projectId: P, actorIds: ['user_1'], search: 'signed' })).toEqual(await ids(P, "actor_id = 'user_1'"));
    expect(await all({ projectId: P, actorIds: ['user_2'] })).toEqual([]);
  });

  it('a full email typed as a search is exact (the email derived from metadata, lower-cased)', async () => {
    const P = 'proj_default';
    const expected = await ids(P, "actor_email = 'clarence@birdseye.example'");
    expect(expected.length).toBe(16); // two actors share it, in different case
    expect(await all({ projectId: P, search: 'Clarence@Birdseye.example' })).toEqual(expected);
    expect(await all({ projectId: P, search: 'clarence.birdseye@mail.example' })).toEqual(await ids(P, "actor_email = 'clarence.birdseye@mail.example'"));
  });

  it("never another project's actor", async () => {
    const demo = await ids('proj_demo', "actor_id = 'user_1'");
    expect(demo.length).toBe(8);
    const mine = await all({ projectId: 'proj_default', actorIds: ['user_1'] });
    expect(mine.some((id) => demo.includes(id))).toBe(false);
    const r = await call('GET', `/events?actor_id=user_1&limit=100`, { key: DEMO_KEY });
    expect(r.status).toBe(200);
    expect((r.body as { data: { id: string }[] }).data.map((e) => e.id).sort()).toEqual([...demo].sort());
  });
});
