// Faults injected with wrappers around the real bindings (never a flag in production
// code): D1 failing in the middle of a write, and KV unavailable for key lookups.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { KEY_MEMORY_TTL_MS, lookupKey } from '../../src/projects/keys-store';
import { auditLogBody, call, DEFAULT_KEY, legacyEvent } from './helpers';

type Fault = 'before-commit' | 'after-commit' | null;

/** The real D1 binding, except that batch() fails once when a fault is armed. */
function faultyD1(real: D1Database) {
  let armed: Fault = null;
  const db = new Proxy(real, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          const fault = armed;
          armed = null;
          if (fault === 'before-commit') throw new Error('D1_ERROR: Network connection lost.');
          const results = await target.batch(statements);
          if (fault === 'after-commit') throw new Error('D1_ERROR: Network connection lost.');
          return results;
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db, arm: (f: Fault) => (armed = f) };
}

/** The real KV binding, except that get() throws while `down`. */
function faultyKV(real: KVNamespace) {
  const state = { down: false };
  const kv = new Proxy(real, {
    get(target, prop) {
      if (prop === 'get' && state.down) return async () => Promise.reject(new Error('KV GET failed: 503 Service Unavailable'));
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { kv, state };
}

async function send(testEnv: typeof env, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, key = DEFAULT_KEY) {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://waymark.test${path}`, init), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const stored = async (actorId: string) => (await call('GET', `/events?actor_id=${actorId}&limit=100`)).body.data.length;

describe('D1 failing in the middle of a write', () => {
  const d1 = faultyD1(env.DB);
  const faulty = { ...env, DB: d1.db };

  it('before the commit: 503 with Retry-After, nothing stored; the retry stores it once', async () => {
    const events = [legacyEvent({ actor_id: 'user_fault_1' }), legacyEvent({ actor_id: 'user_fault_1' })];
    d1.arm('before-commit');
    const failed = await send(faulty, 'POST', '/events/batch', { events }, { 'idempotency-key': 'fault-1' });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(failed.body.code).toBe('service_unavailable');
    expect(await stored('user_fault_1')).toBe(0);
    const retried = await send(faulty, 'POST', '/events/batch', { events }, { 'idempotency-key': 'fault-1' });
    expect(retried.status).toBe(201);
    expect(await stored('user_fault_1')).toBe(2);
  });

  // (Single events are written by the project's committer: its faults are in group-commit.test.ts.)
  it('after the commit (the answer was lost): the retry replays the first answer, stored once', async () => {
    const body = { events: [auditLogBody({ actor: { id: 'user_fault_2', type: 'user' } }), auditLogBody({ actor: { id: 'user_fault_2', type: 'user' } })] };
    d1.arm('after-commit');
    const failed = await send(faulty, 'POST', '/audit_logs/events/batch', body, { 'idempotency-key': 'fault-2' });
    expect(failed.status).toBe(503);
    const retried = await send(faulty, 'POST', '/audit_logs/events/batch', body, { 'idempotency-key': 'fault-2' });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('GET', '/audit_logs/events?actor_ids=user_fault_2')).body.data.length).toBe(2);
  });
});

describe('KV unavailable', () => {
  const kv = faultyKV(env.KV);
  const faulty = { ...env, KV: kv.kv };

  it('a key this isolate already knows keeps working', async () => {
    expect((await send(faulty, 'GET', '/events?limit=1')).status).toBe(200);
    kv.state.down = true;
    try {
      expect((await send(faulty, 'GET', '/events?limit=1')).status).toBe(200);
    } finally {
      kv.state.down = false;
    }
  });

  it('a key it knew keeps working past its memory time while KV is down', async () => {
    const now = Date.now();
    expect(await lookupKey(kv.kv, DEFAULT_KEY, now)).not.toBeNull();
    kv.state.down = true;
    try {
      const later = now + KEY_MEMORY_TTL_MS + 1_000;
      expect((await lookupKey(kv.kv, DEFAULT_KEY, later))?.project_id).toBe('proj_default');
    } finally {
      kv.state.down = false;
    }
  });

  it('an unknown key fails closed with a 503, never a 401 or a 200', async () => {
    kv.state.down = true;
    try {
      const r = await send(faulty, 'GET', '/events?limit=1', undefined, {}, 'sk_test_NeverSeenNeverSeenNeverSeen0042');
      expect(r.status).toBe(503);
      expect(r.body.code).toBe('service_unavailable');
      expect(r.headers.get('retry-after')).toBe('5');
    } finally {
      kv.state.down = false;
    }
  });
});
