// Group commit: concurrent single events of a project share D1 batches through the
// project's committer (a Durable Object), each answered after its batch committed.
// Groups are formed deterministically by holding the first batch until the others have
// queued, and proven by counting batches, never by timing. D1 is the real binding, wrapped.
import { createExecutionContext } from 'cloudflare:test';
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { COMMIT_HEADER } from '../../src/api/ingest';
import { GROUP_MAX_STATEMENTS, type Committer } from '../../src/events/committer';
import { AppError } from '../../src/lib/errors';
import { planWrite } from '../../src/events/store';
import { listEvents } from '../../src/events/list';
import { drizzle } from 'drizzle-orm/d1';
import { probeD1, type D1Probe } from './d1-probe';
import { auditLogBody, call, DEMO_KEY, legacyEvent } from './helpers';

const committer = (projectId: string) => env.COMMITTER.get(env.COMMITTER.idFromName(projectId));
const inCommitter = <R>(projectId: string, fn: (c: Committer) => R) =>
  runInDurableObject(committer(projectId), (c: Committer) => fn(c));

const installed: { projectId: string; real: D1Database; probe: D1Probe }[] = [];

/** Wraps the committer's D1 binding with a probe (restored after each test). */
async function probe(projectId: string): Promise<D1Probe> {
  return inCommitter(projectId, (c) => {
    const p = probeD1(c.d1);
    installed.push({ projectId, real: c.d1, probe: p });
    c.d1 = p.d1;
    return p;
  });
}

afterEach(async () => {
  for (const { projectId, real, probe: p } of installed.splice(0)) {
    await inCommitter(projectId, (c) => {
      p.release();
      c.d1 = real;
    });
  }
});

/** Starts `n` requests while the committer's first batch is held, waits until the rest are queued, releases. */
async function grouped<T>(projectId: string, p: D1Probe, n: number, send: (i: number) => Promise<T>): Promise<T[]> {
  await inCommitter(projectId, () => void (p.holding = true));
  // Request 0 first, and only once its batch is in flight (held) the others: otherwise, on a
  // loaded machine, another request can reach the committer first and go alone instead.
  const first = send(0);
  for (let tries = 0; p.batches < 1; tries++) {
    if (tries > 2000) throw new Error('the first write never reached D1');
    await new Promise((r) => setTimeout(r, 2));
  }
  const answers = Promise.all([first, ...Array.from({ length: n - 1 }, (_, i) => send(i + 1))]);
  for (let tries = 0; ; tries++) {
    const queued = await inCommitter(projectId, (c) => c.queue.length);
    if (queued === n - 1 && p.batches === 1) break;
    if (tries > 2000) throw new Error(`only ${queued} writes queued, ${p.batches} batches started`);
    await new Promise((r) => setTimeout(r, 2));
  }
  await inCommitter(projectId, () => p.release());
  return answers;
}

const countWhere = async (column: string, value: string) =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM events WHERE ${column} = ?`).bind(value).first<{ n: number }>())!.n;

describe('group commit', () => {
  it('writes 16 concurrent single events of a project in 2 D1 batches, every one stored and answered', async () => {
    const p = await probe('proj_default');
    const answers = await grouped('proj_default', p, 16, () => call('POST', '/events', { body: legacyEvent({ group: 'gc-1' }) }));
    expect(answers.map((a) => a.status)).toEqual(Array(16).fill(201));
    expect(p.batches).toBe(2);
    // The first write went alone (nothing was in flight), the 15 that arrived meanwhile went together.
    const commits = answers.map((a) => a.headers.get(COMMIT_HEADER));
    expect(new Set(commits).size).toBe(2);
    expect(await countWhere('organization_id', 'gc-1')).toBe(16);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(16);
  });

  it('answers only after the batch committed: a held batch keeps its callers waiting', async () => {
    const p = await probe('proj_default');
    await inCommitter('proj_default', () => void (p.holding = true));
    let answered = false;
    const answer = call('POST', '/events', { body: legacyEvent({ group: 'gc-2' }) }).then((a) => ((answered = true), a));
    while (p.batches === 0) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    expect(await countWhere('organization_id', 'gc-2')).toBe(0);
    await inCommitter('proj_default', () => p.release());
    expect((await answer).status).toBe(201);
    expect(await countWhere('organization_id', 'gc-2')).toBe(1);
  });

  it('caps a group by statements: 100 queued writes leave in batches of at most GROUP_MAX_STATEMENTS', async () => {
    const p = await probe('proj_default');
    const answers = await grouped('proj_default', p, 100, () =>
      call('POST', '/events', { body: legacyEvent({ group: 'gc-cap' }), headers: { 'Idempotency-Key': crypto.randomUUID() } }),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const sent = await inCommitter('proj_default', (c) => c.sent.slice(-p.batches));
    // 5 statements per write apart (claim, event, catalog counts, search row, vocabulary), 7
    // while the isolate has not yet seen the old index retired (+ its sink, + the phase question).
    const each = sent[1].apart / sent[1].requestIds.length;
    expect([5, 7]).toContain(each);
    const perBatch = Math.floor(GROUP_MAX_STATEMENTS / each);
    expect(sent.map((b) => b.requestIds.length)).toEqual([1, perBatch, 99 - perBatch]);
    expect(sent.every((b) => b.apart <= GROUP_MAX_STATEMENTS)).toBe(true);
    // Sent merged (group-write.ts): every claim in one statement, then one per table for the
    // whole group (its rows stay under one chunk's bytes); apart while the old index may be written.
    expect(sent.map((b) => [b.merged, b.statements])).toEqual(sent.map((b) => (b.merged ? [true, 5] : [false, b.apart])));
    expect(sent.slice(1).every((b) => b.merged)).toBe(each === 5);
    expect(await countWhere('organization_id', 'gc-cap')).toBe(100);
  });
});

describe('exactly once through the committer', () => {
  it('writes once when 12 retries with one Idempotency-Key meet in one batch', async () => {
    const p = await probe('proj_default');
    const body = legacyEvent({ group: 'gc-idem' });
    const answers = await grouped('proj_default', p, 12, () =>
      call('POST', '/events', { body, headers: { 'Idempotency-Key': 'gc-idem-key' } }),
    );
    expect(p.batches).toBe(2); // the first alone, the 11 others together
    expect(p.roundTrips).toBe(2 + 11); // and each replay reads the first answer back
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(await countWhere('organization_id', 'gc-idem')).toBe(1);
    // The catalog counted the one write, not the replays (its upsert is under the same claim).
    const counted = await env.DB.prepare("SELECT events FROM catalog WHERE project_id = 'proj_default' AND kind = 'organization' AND value = 'gc-idem'").first<{ events: number }>();
    expect(counted).toEqual({ events: 1 });
  });

  it('writes once when two claims of one key are inside the same transaction', async () => {
    const p = await probe('proj_default');
    const body = auditLogBody({}, 'org_gc_same_tx');
    // Three requests: the first goes alone; the second and third share the second batch.
    // Held first write uses another key, so both claims of `k` are in one transaction.
    const answers = await grouped('proj_default', p, 3, (i) =>
      call('POST', '/audit_logs/events', {
        body: i === 0 ? auditLogBody({}, 'org_gc_other') : body,
        headers: { 'Idempotency-Key': i === 0 ? 'other' : 'k' },
      }),
    );
    const sent = await inCommitter('proj_default', (c) => c.sent.slice(-2));
    expect(sent.map((b) => b.requestIds.length)).toEqual([1, 2]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[1].body.id).toBe(answers[2].body.id);
    expect(answers[1].headers.get(COMMIT_HEADER)).toBe(answers[2].headers.get(COMMIT_HEADER));
    expect(await countWhere('organization_id', 'org_gc_same_tx')).toBe(1);
  });
});

describe('a merged group: each write stands alone inside the shared statements', () => {
  it('writes, replays and refuses each write of one batch as it would alone, and indexes only what was written', async () => {
    const word = (w: string) => ({ actor: { id: `user_${w}`, type: 'user', name: `${w} Tester` } });
    const legacy = (w: string) => legacyEvent({ group: 'org_gm', actor_name: `${w} Tester` });
    // A legacy key whose claim has expired (taken over inside the group), then one committed before the
    // group: inside it, a retry of that one replays and a reuse with another body is refused.
    const old = await call('POST', '/events', { body: legacy('Gmoldword'), headers: { 'Idempotency-Key': 'gm-exp' } });
    expect(old.status).toBe(201);
    await env.DB.prepare('UPDATE idempotency_keys SET created_at = created_at - 86400001').run();
    const earlier = legacy('Gmearlierword');
    const first = await call('POST', '/events', { body: earlier, headers: { 'Idempotency-Key': 'gm-k0' } });
    expect(first.status).toBe(201);
    const twice = auditLogBody(word('Gmtwiceword'), 'org_gm');
    const sends = [
      () => call('POST', '/audit_logs/events', { body: auditLogBody({}, 'org_gm_first') }), // goes alone, held
      () => call('POST', '/audit_logs/events', { body: auditLogBody(word('Gmcontentword'), 'org_gm') }), // claims by content
      () => call('POST', '/audit_logs/events', { body: twice, headers: { 'Idempotency-Key': 'gm-k1' } }),
      () => call('POST', '/audit_logs/events', { body: twice, headers: { 'Idempotency-Key': 'gm-k1' } }), // same statement, same key
      () => call('POST', '/events', { body: earlier, headers: { 'Idempotency-Key': 'gm-k0' } }), // replay
      // The key again with another body: refused (Audit Logs keys include the body, legacy ones do not).
      () => call('POST', '/events', { body: legacy('Gmrefusedword'), headers: { 'Idempotency-Key': 'gm-k0' } }),
      () => call('POST', '/events', { body: legacy('Gmlegacyword') }), // no claim
      () => call('POST', '/events', { body: legacy('Gmexpiredword'), headers: { 'Idempotency-Key': 'gm-exp' } }), // takes the expired claim
    ];
    const p = await probe('proj_default');
    const answers = await grouped('proj_default', p, sends.length, (i) => sends[i]());
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 201, 409, 201, 201]);
    expect(answers[5].body.code).toBe('idempotency_key_reused');
    expect(answers.map((a) => a.headers.get('idempotent-replayed') === 'true')).toEqual([false, false, false, true, true, false, false, false]);
    expect(answers[3].body.id).toBe(answers[2].body.id);
    expect(answers[4].body.id).toBe(first.body.id);
    const sent = await inCommitter('proj_default', (c) => c.sent.slice(-2));
    expect(sent.map((b) => b.requestIds.length)).toEqual([1, 7]);
    expect(sent[0].statements).toBe(sent[0].apart); // alone: its own statements, as counted before they were built
    // Merged: the claims, then one statement per table (the writes before told the committer the index is current).
    expect([sent[1].merged, sent[1].statements]).toEqual([true, 5]);

    // Every id an answer names is stored once, and each word finds exactly its own event (so no search row has
    // another event's seq); the refused body is nowhere. The catalog counts exactly the stored events; the
    // index holds their rows and no other; the vocabulary their words.
    for (const a of [first, old, ...answers.filter((a) => a.status !== 409)]) expect(await countWhere('id', a.body.id), a.body.id).toBe(1);
    const db = drizzle(env.DB);
    const ids = async (search: string) => (await listEvents(db, { projectId: 'proj_default', search, order: 'desc', limit: 10 })).events.map((e) => e.id);
    const own: [string, string][] = [
      ['Gmoldword', old.body.id], ['Gmearlierword', first.body.id], ['Gmcontentword', answers[1].body.id],
      ['Gmtwiceword', answers[2].body.id], ['Gmlegacyword', answers[6].body.id], ['Gmexpiredword', answers[7].body.id],
    ];
    for (const [w, id] of own) expect(await ids(w), w).toEqual([id]);
    expect(await ids('Gmrefusedword')).toEqual([]);
    expect(await countWhere('organization_id', 'org_gm')).toBe(6);
    const counted = await env.DB.prepare("SELECT events FROM catalog WHERE project_id = 'proj_default' AND kind = 'organization' AND value = 'org_gm'").first<{ events: number }>();
    expect(counted).toEqual({ events: 6 });
    const indexed = await env.DB.prepare(
      "SELECT count(*) AS n FROM search_fts WHERE rowid IN (SELECT seq FROM events WHERE organization_id = 'org_gm')",
    ).first<{ n: number }>();
    expect(indexed).toEqual({ n: 6 });
    const orphans = await env.DB.prepare('SELECT count(*) AS n FROM search_fts WHERE rowid NOT IN (SELECT seq FROM events)').first<{ n: number }>();
    expect(orphans).toEqual({ n: 0 });
    const vocab = await env.DB.prepare("SELECT term FROM search_vocab WHERE term LIKE '%gm%word'").all<{ term: string }>();
    const words = vocab.results.map((r) => r.term.replace(/^.*_/, '')).sort();
    expect(words).toEqual(['gmcontentword', 'gmearlierword', 'gmexpiredword', 'gmlegacyword', 'gmoldword', 'gmtwiceword']);
  });
});

describe('a failing write fails alone', () => {
  it('a write D1 refuses gets a 500 while its 7 batch-mates are written', async () => {
    const p = await probe('proj_default');
    p.refuseMarker = 'gc-refused-by-d1';
    const answers = await grouped('proj_default', p, 8, (i) =>
      call('POST', '/events', { body: legacyEvent({ group: 'gc-fail', ...(i === 4 ? { location: 'gc-refused-by-d1' } : {}) }) }),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 500, 201, 201, 201]);
    expect(answers[4].body.code).toBe('internal_error');
    // 1 alone + 1 refused group of 7 + 7 retried alone.
    expect(p.batches).toBe(9);
    const sent = await inCommitter('proj_default', (c) => c.sent.slice(-9));
    expect(sent.slice(0, 2).map((b) => [b.ok, b.requestIds.length])).toEqual([[true, 1], [false, 7]]);
    expect(sent.slice(2).every((b) => b.requestIds.length === 1)).toBe(true);
    expect(sent.slice(2).filter((b) => !b.ok)).toHaveLength(1);
    expect(await countWhere('organization_id', 'gc-fail')).toBe(7);
  });

  it('an AppError inside the committer reaches the caller as the same 4xx, not a 500', async () => {
    const p = await probe('proj_default');
    p.throwMarker = { marker: 'gc-too-large', error: () => new AppError('payload_too_large', 'This write is too large.') };
    const answers = await grouped('proj_default', p, 4, (i) =>
      call('POST', '/audit_logs/events', { body: auditLogBody(i === 2 ? { context: { location: 'gc-too-large' } } : {}, 'org_gc_apperr') }),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 413, 200]);
    expect(answers[2].body).toEqual({ message: 'This write is too large.', code: 'payload_too_large' });
    expect(await countWhere('organization_id', 'org_gc_apperr')).toBe(3);
  });
});

describe('a committer batch D1 does not confirm', () => {
  it('a lost connection is a 503 with Retry-After (it may have committed: a retry with the same key replays)', async () => {
    const p = await probe('proj_default');
    p.throwMarker = { marker: 'gc-lost', error: () => new Error('D1_ERROR: Network connection lost.') };
    const body = auditLogBody({ context: { location: 'gc-lost' } }, 'org_gc_lost');
    const failed = await call('POST', '/audit_logs/events', { body, headers: { 'idempotency-key': 'gc-lost-1' } });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(failed.body.code).toBe('service_unavailable');
    p.throwMarker = undefined;
    const retried = await call('POST', '/audit_logs/events', { body, headers: { 'idempotency-key': 'gc-lost-1' } });
    expect(retried.status).toBe(200);
    expect(await countWhere('organization_id', 'org_gc_lost')).toBe(1);
  });
});

describe('one committer per project', () => {
  it('never puts events of two projects in one batch', async () => {
    const [a, b] = [await probe('proj_default'), await probe('proj_demo')];
    await inCommitter('proj_default', () => void (a.holding = true));
    await inCommitter('proj_demo', () => void (b.holding = true));
    const answers = Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('POST', '/events', { key: i % 2 ? DEMO_KEY : undefined, body: legacyEvent({ group: 'gc-two' }) }),
      ),
    );
    while ((await inCommitter('proj_default', (c) => c.queue.length)) + (await inCommitter('proj_demo', (c) => c.queue.length)) < 10) {
      await new Promise((r) => setTimeout(r, 2));
    }
    await inCommitter('proj_default', () => a.release());
    await inCommitter('proj_demo', () => b.release());
    const done = await answers;
    expect(done.every((r) => r.status === 201)).toBe(true);
    const projectsOf = async (projectId: string, n: number) =>
      (await inCommitter(projectId, (c) => c.sent.slice(-n))).flatMap((s) => s.projectIds);
    expect(new Set(await projectsOf('proj_default', a.batches))).toEqual(new Set(['proj_default']));
    expect(new Set(await projectsOf('proj_demo', b.batches))).toEqual(new Set(['proj_demo']));
    const prefixes = (odd: number) => new Set(done.filter((_, i) => i % 2 === odd).map((r) => r.headers.get(COMMIT_HEADER)!.split('.')[0]));
    expect([...prefixes(0)]).toHaveLength(1);
    expect([...prefixes(1)]).toHaveLength(1);
    expect([...prefixes(0)][0]).not.toBe([...prefixes(1)][0]);
  });

  /** A write plan of no events (what the committer checks before it batches anything). */
  const emptyPlan = (projectId: string) =>
    planWrite({ projectId, events: [], now: Date.now(), requestId: 'req_test', respond: () => ({ status: 201, body: {} }) });

  it("refuses a write of another project sent to a project's committer", async () => {
    const plan = emptyPlan('proj_demo');
    const refused = await (committer('proj_default').write(plan) as unknown as Promise<unknown>).then(
      () => null,
      (err: unknown) => err,
    );
    expect(String(refused)).toMatch(/committer of proj_default was sent a write of proj_demo/);
  });

  it('refuses a plan of another shape (a Worker of another version, mid-deploy) with a retryable 503, writing nothing', async () => {
    const plan = emptyPlan('proj_default');
    // The shape before format 2: one JSON per chunk, no format field.
    const old = { ...plan, format: undefined, chunks: [{ json: '[]', firstId: 'evt_01J9ZZZZZZZZZZZZZZZZZZZZZZ' }] } as unknown as typeof plan;
    const outcome = (await committer('proj_default').write(old)) as unknown as { ok: boolean; problem?: { code: string; headers?: Record<string, string> } };
    expect(outcome.ok).toBe(false);
    expect(outcome.problem?.code).toBe('service_unavailable');
    expect(outcome.problem?.headers?.['Retry-After']).toBeDefined();
  });
});

describe('D1 round trips per request', () => {
  /** Calls the Worker with a probe on its own D1 binding, counting round trips until the answer. */
  async function roundTrips(path: string, body: unknown, headers: Record<string, string> = {}) {
    const workerProbe = probeD1(env.DB);
    const committerProbe = await probe('proj_default');
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`http://waymark.test${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_DefaultDefaultDefaultDefault0001', 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
      { ...env, DB: workerProbe.d1 },
      ctx,
    );
    // Counted at the answer: usage counts are written later, once per 500 ms per isolate, not per request.
    const counted = { status: res.status, worker: workerProbe.roundTrips, committer: committerProbe.roundTrips };
    await res.text();
    return counted;
  }

  it('a single event costs one: its group batch in the committer, none in the Worker', async () => {
    expect(await roundTrips('/events', legacyEvent({ group: 'gc-rt' }))).toEqual({ status: 201, worker: 0, committer: 1 });
    expect(await roundTrips('/audit_logs/events', auditLogBody({}, 'org_gc_rt'))).toEqual({ status: 200, worker: 0, committer: 1 });
  });

  it('a batch request costs one, from the Worker', async () => {
    const body = { events: [legacyEvent({ group: 'gc-rt' }), legacyEvent({ group: 'gc-rt' })] };
    expect(await roundTrips('/events/batch', body)).toEqual({ status: 201, worker: 1, committer: 0 });
  });

  it('a replay of a single event costs two: the batch that finds the claim taken, and reading the first answer', async () => {
    const body = legacyEvent({ group: 'gc-rt-replay' });
    await roundTrips('/events', body, { 'Idempotency-Key': 'rt-replay' });
    expect(await roundTrips('/events', body, { 'Idempotency-Key': 'rt-replay' })).toEqual({ status: 201, worker: 0, committer: 2 });
  });
});
