// GET /events and GET /audit_logs/events: filters, array encodings, cursors, order, search.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, legacyEvent } from './helpers';

const T0 = Date.UTC(2026, 4, 1, 0, 0, 0);
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

// 30 events in group "list-a" one minute apart, plus a few in other groups with distinct fields.
beforeAll(async () => {
  const events = Array.from({ length: 30 }, (_, i) =>
    legacyEvent({
      group: 'list-a',
      occurred_at: iso(i),
      action: i % 3 === 0 ? 'user.signed_in' : i % 3 === 1 ? 'document.exported' : 'role.updated',
      action_type: i % 3 === 0 ? 'R' : i % 3 === 1 ? 'C' : 'U',
      actor_id: `user_${i % 5}`,
      actor_name: i % 5 === 0 ? 'clarence@birdseye.example' : `person${i % 5}@example.com`,
      target_name: `doc ${i}`,
      target_id: `doc_${i}`,
      location: `10.0.0.${i}`,
    }),
  );
  events.push(
    legacyEvent({ group: 'list b.com', occurred_at: iso(100), actor_name: 'Zoë Washburne', actor_id: 'zoe', action: 'ship.flown' }),
    legacyEvent({ group: 'list-c', occurred_at: iso(101), actor_name: 'Mal Reynolds', actor_id: 'mal', action: 'ship.flown' }),
  );
  const r = await call('POST', '/events/batch', { body: { events } });
  expect(r.status).toBe(201);
});

const ids = (body: { data: { id: string }[] }) => body.data.map((e) => e.id);
const list = async (qs: string) => {
  const r = await call('GET', `/events?${qs}`);
  expect(r.status, r.text).toBe(200);
  return r.body;
};

describe('the legacy list envelope', () => {
  it('has data, list_metadata and listMetadata, newest first, default limit 10', async () => {
    const body = await list('group=list-a');
    expect(body.object).toBe('list');
    expect(body.data).toHaveLength(10);
    expect(body.data[0].occurred_at).toBe(iso(29));
    expect(body.list_metadata).toEqual({ before: null, after: body.data[9].id });
    expect(body.listMetadata).toEqual(body.list_metadata);
  });
});

describe('array filters in all four encodings', () => {
  it.each([
    ['literal brackets (Node)', 'group[]=list-a&group[]=list+b.com'],
    ['encoded brackets (Go, Python)', 'group%5B%5D=list-a&group%5B%5D=list%20b.com'],
    ['repeated name (Ruby)', 'group=list-a&group=list+b.com'],
    ['indexed (PHP)', 'group%5B0%5D=list-a&group%5B1%5D=list%20b.com'],
  ])('%s', async (_name, qs) => {
    const body = await list(`${qs}&limit=100`);
    expect(body.data).toHaveLength(31);
    expect(new Set(body.data.map((e: { group: string }) => e.group))).toEqual(new Set(['list-a', 'list b.com']));
  });
});

describe('each filter', () => {
  it.each([
    ['action', 'group=list-a&action=user.signed_in', 10],
    ['two actions', 'group=list-a&action[]=user.signed_in&action[]=role.updated', 20],
    ['action_type (any case)', 'group=list-a&action_type=c', 10],
    ['actor_id', 'group=list-a&actor_id=user_1', 6],
    ['actor_name', 'group=list-a&actor_name=clarence@birdseye.example', 6],
    ['target_id', 'group=list-a&target_id=doc_7', 1],
    ['target_name', 'group=list-a&target_name=doc+7', 1],
    ['occurred_at', `group=list-a&occurred_at=${iso(3)}`, 1],
    ['occurred_at_gt', `group=list-a&occurred_at_gt=${iso(27)}`, 2],
    ['occurred_at_gte', `group=list-a&occurred_at_gte=${iso(27)}`, 3],
    ['occurred_at_lt', `group=list-a&occurred_at_lt=${iso(2)}`, 2],
    ['occurred_at_lte', `group=list-a&occurred_at_lte=${iso(2)}`, 3],
    ['a time window', `group=list-a&occurred_at_gte=${iso(10)}&occurred_at_lt=${iso(20)}`, 10],
    ['filters combine', 'group=list-a&actor_id=user_0&action=user.signed_in', 2],
    ['search by surname', 'search=washburne', 1],
    ['search by name prefix', 'search=Clar', 6],
    ['search folds diacritics', 'search=zoe', 1],
    ['search by email', 'search=clarence@birdseye.example', 6],
    ['search by email domain', 'search=birdseye.example', 6],
    ['search by action', 'search=document.exported', 10],
    ['search by location', 'search=10.0.0.7', 1],
    ['search combines with a filter', 'search=ship&group=list-c', 1],
  ])('%s', async (_name, qs, expected) => {
    const body = await list(`${qs}&limit=100`);
    expect(body.data).toHaveLength(expected);
  });

  it('finds one event by its exact id, in either case', async () => {
    const [first] = (await list('group=list-a&limit=1')).data;
    expect(ids(await list(`search=${first.id}`))).toEqual([first.id]);
    expect(ids(await list(`search=${first.id.toLowerCase()}`))).toEqual([first.id]);
  });
});

describe('keyset cursors', () => {
  it('pages forward with after and back with before, in both orders', async () => {
    const all = ids(await list('group=list-a&limit=100'));
    expect(all).toHaveLength(30);

    const p1 = await list('group=list-a&limit=12');
    const p2 = await list(`group=list-a&limit=12&after=${p1.list_metadata.after}`);
    const p3 = await list(`group=list-a&limit=12&after=${p2.list_metadata.after}`);
    expect([...ids(p1), ...ids(p2), ...ids(p3)]).toEqual(all);
    expect(p3.data).toHaveLength(6);
    expect(p3.list_metadata.after).toBeNull();
    expect(p2.list_metadata.before).toBe(p2.data[0].id);

    const back = await list(`group=list-a&limit=12&before=${p3.list_metadata.before}`);
    expect(ids(back)).toEqual(ids(p2));
    const first = await list(`group=list-a&limit=12&before=${p2.list_metadata.before}`);
    expect(ids(first)).toEqual(ids(p1));
    expect(first.list_metadata.before).toBeNull();

    const asc = await list('group=list-a&limit=100&order=asc');
    expect(ids(asc)).toEqual([...all].reverse());
    const a1 = await list('group=list-a&limit=7&order=asc');
    const a2 = await list(`group=list-a&limit=7&order=asc&after=${a1.list_metadata.after}`);
    expect([...ids(a1), ...ids(a2)]).toEqual([...all].reverse().slice(0, 14));
  });

  it('breaks ties between events at the same millisecond', async () => {
    const same = new Date(Date.UTC(2026, 5, 1)).toISOString();
    const events = Array.from({ length: 7 }, () => legacyEvent({ group: 'ties', occurred_at: same }));
    await call('POST', '/events/batch', { body: { events } });
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: any = await list(`group=ties&limit=2${after ? `&after=${after}` : ''}`);
      seen.push(...ids(page));
      after = page.list_metadata.after;
    } while (after);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });
});

describe('query errors answer 422 with errors', () => {
  it.each([
    ['limit 0', 'limit=0', 'limit'],
    ['limit 101', 'limit=101', 'limit'],
    ['limit not a number', 'limit=ten', 'limit'],
    ['order sideways', 'order=sideways', 'order'],
    ['bad time', 'occurred_at_gte=yesterday', 'occurred_at_gte'],
    ['bad action_type', 'action_type=x', 'action_type'],
    ['unknown cursor', 'after=evt_01HZZZZZZZZZZZZZZZZZZZZZZZ', 'after'],
    ['malformed cursor', 'before=hello', 'before'],
    ['unknown parameter', 'colour=blue', 'colour'],
    ['the webhook events API', 'events=dsync.user.created&range_start=2026-01-01', 'events'],
  ])('%s', async (_name, qs, field) => {
    const r = await call('GET', `/events?${qs}`);
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});

describe('GET /audit_logs/events (Waymark query API)', () => {
  it('filters by organization, actions, actor and time range, with the same cursors', async () => {
    const r = await call(
      'GET',
      `/audit_logs/events?organization_id=list-a&actions[]=user.signed_in&actor_ids[]=user_0&range_start=${iso(0)}&range_end=${iso(30)}`,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toHaveLength(2);
    expect(r.body.data[0]).toMatchObject({ object: 'audit_log_event', organization_id: 'list-a', action: 'user.signed_in' });
    const page = await call('GET', '/audit_logs/events?organization_id=list-a&limit=5');
    const next = await call('GET', `/audit_logs/events?organization_id=list-a&limit=5&after=${page.body.list_metadata.after}`);
    expect(next.body.data[0].occurred_at < page.body.data[4].occurred_at).toBe(true);
  });
});
