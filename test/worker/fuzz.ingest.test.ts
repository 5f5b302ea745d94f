// Property-based ingest: valid events of both wire shapes (single and batch, up to every
// documented limit) read back equal to what was sent; invalid ones are a 4xx that leaves
// nothing behind; nothing is ever a 5xx. "Equal" is defined in fuzz-support.ts.
// FUZZ_RUNS=2000 npm run fuzz runs each property longer; FUZZ_SEED replays a failure.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_BODY_BYTES, MAX_EVENT_BYTES, MAX_SINGLE_BODY_BYTES } from '../../src/events/limits';
import {
  auditLogCase,
  auditLogMutation,
  byteLength,
  eventCount,
  footprint,
  freshProject,
  budgeted,
  fuzzOptions,
  fuzzTimeout,
  junkBody,
  legacyCase,
  legacyMutation,
  mutate,
  postRaw,
  toJson,
  type AuditLogCase,
  type LegacyCase,
} from './fuzz-support';
import { call, legacyEvent, storedRaw } from './helpers';

const RUNS = 20;
const BATCH_RUNS = 10;

let project: { projectId: string; key: string };
beforeAll(async () => {
  project = await freshProject('Fuzz ingest');
});

const startedAt = Date.now();
let keyCounter = 0;
const idempotencyKey = () => `fuzz-${startedAt}-${++keyCounter}-${Math.random().toString(36).slice(2)}`;



async function expectLegacyReadBack(id: string, c: LegacyCase) {
  const r = await call('GET', `/events/${id}`, { key: project.key });
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  const { action, ...rest } = r.body;
  const { action: expectedAction, ...expectedRest } = c.expected as { action: object };
  expect(rest).toEqual({ ...expectedRest, id });
  expect(action).toEqual({ ...expectedAction, id: expect.stringMatching(/^evt_action_/) });
}

/** The four array encodings the SDKs use: Node, Go/Python, Ruby, PHP. */
const ENCODINGS = [(n: string) => `${n}[]`, (n: string) => `${n}%5B%5D`, (n: string) => n, (n: string) => `${n}%5B0%5D`];

/**
 * The event is found by exact filters on what it holds (in one of the four encodings), and
 * reads in the other wire shape too (never a 5xx). A page of 100 full of equal events
 * (small generated values repeat) proves nothing either way and is let through.
 */
async function expectFoundByFilters(id: string, path: string, filters: [string, string][], encoding: number) {
  const qs = filters.map(([n, v]) => `${ENCODINGS[encoding % 4](n)}=${encodeURIComponent(v)}`).join('&');
  const r = await call('GET', `${path}?limit=100&${qs}`, { key: project.key });
  expect(r.status, `${qs} → ${r.text.slice(0, 300)}`).toBe(200);
  const found = r.body.data.map((e: { id: string }) => e.id);
  if (found.length < 100) expect(found, qs).toContain(id);
  const other = path === '/events' ? '/audit_logs/events' : '/events';
  const read = await call('GET', `${other}/${id}`, { key: project.key });
  expect(read.status, read.text.slice(0, 300)).toBe(200);
}

async function expectAuditLogReadBack(id: string, c: AuditLogCase) {
  const r = await call('GET', `/audit_logs/events/${id}`, { key: project.key });
  expect(r.status, r.text.slice(0, 300)).toBe(200);
  const { received_at, ...rest } = r.body;
  expect(rest).toEqual({ ...c.expected, id });
  expect(Date.parse(received_at)).toBeGreaterThanOrEqual(startedAt - 1000);
}

/** A rejected request: a 4xx in the caller's shape, and D1 exactly as it was. */
async function expectRejectedCleanly(before: Record<string, number>, r: { status: number; text: string; body: any }) {
  expect(r.status, r.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
  expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
  expect(typeof r.body?.message).toBe('string');
  expect(await footprint(project.projectId)).toEqual(before);
}

describe('legacy POST /events', () => {
  it(
    'a valid event is stored once, its raw JSON re-serialised, and reads back equal; a replay with its key stores nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(legacyCase, fc.boolean(), fc.constantFrom(undefined, 2), fc.nat(3), budgeted(async (c, withKey, space, encoding) => {
          const text = toJson(c.body, space);
          const before = await eventCount(project.projectId);
          const headers: Record<string, string> = withKey ? { 'Idempotency-Key': idempotencyKey() } : {};
          const r = await postRaw(project.key, '/events', text, headers);
          if (byteLength(text) > MAX_SINGLE_BODY_BYTES) {
            expect(r.status).toBe(413);
            expect(await eventCount(project.projectId)).toBe(before);
            return;
          }
          expect(r.status, r.text.slice(0, 500)).toBe(201);
          expect(r.body).toEqual({ success: true, id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/) });
          expect(await eventCount(project.projectId)).toBe(before + 1);
          await expectLegacyReadBack(r.body.id, c);
          // Re-serialised, not byte for byte: a key given twice must read one way everywhere.
          expect((await storedRaw(r.body.id)).text).toBe(JSON.stringify(JSON.parse(text)));
          const b = c.body as Record<string, string>;
          await expectFoundByFilters(r.body.id, '/events', [['group', b.group], ['actor_id', b.actor_id], ['occurred_at', c.expected.occurred_at as string]], encoding);
          if (withKey) {
            const again = await postRaw(project.key, '/events', text, headers);
            expect(again.status).toBe(201);
            expect(again.body).toEqual(r.body);
            expect(again.headers.get('idempotent-replayed')).toBe('true');
            expect(await eventCount(project.projectId)).toBe(before + 1);
          }
        })),
        fuzzOptions(RUNS, 150),
      );
    },
    fuzzTimeout(RUNS, 150),
  );

  it(
    'an invalid event is a 4xx that leaves nothing behind',
    async () => {
      await fc.assert(
        fc.asyncProperty(legacyCase, fc.array(legacyMutation, { minLength: 1, maxLength: 3 }), budgeted(async (c, mutations) => {
          const body = mutations.reduce((b, m) => mutate(b, m), c.body);
          const before = await footprint(project.projectId);
          const r = await postRaw(project.key, '/events', toJson(body), { 'Idempotency-Key': idempotencyKey() });
          await expectRejectedCleanly(before, r);
          if (r.status === 422) expect(r.body.errors.length).toBeGreaterThan(0);
        })),
        fuzzOptions(RUNS, 100),
      );
    },
    fuzzTimeout(RUNS, 100),
  );
});

describe('Audit Logs POST /audit_logs/events', () => {
  it(
    'a valid event is stored once and reads back equal; the same content again is a replay (WorkOS dedupes on content)',
    async () => {
      await fc.assert(
        fc.asyncProperty(auditLogCase, fc.boolean(), fc.nat(3), budgeted(async (c, withKey, encoding) => {
          const text = toJson(c.body);
          const before = await eventCount(project.projectId);
          const headers: Record<string, string> = withKey ? { 'Idempotency-Key': idempotencyKey() } : {};
          const r = await postRaw(project.key, '/audit_logs/events', text, headers);
          if (byteLength(text) > MAX_SINGLE_BODY_BYTES) {
            expect(r.status).toBe(413);
            expect(await eventCount(project.projectId)).toBe(before);
            return;
          }
          expect(r.status, r.text.slice(0, 500)).toBe(200);
          expect(r.body).toEqual({ success: true, id: expect.stringMatching(/^evt_[0-9A-Z]{26}$/) });
          // Small generated events can repeat across runs: a repeat is a replay of the first.
          const replayed = r.headers.get('idempotent-replayed') === 'true';
          expect(await eventCount(project.projectId)).toBe(before + (replayed ? 0 : 1));
          await expectAuditLogReadBack(r.body.id, c);
          const at = Date.parse(c.expected.occurred_at as string);
          await expectFoundByFilters(r.body.id, '/audit_logs/events', [
            ['organization_id', c.body.organization_id],
            ['actor_ids', (c.body.event.actor as { id: string }).id],
            ['range_start', new Date(at).toISOString()],
            ['range_end', new Date(at + 1).toISOString()],
          ], encoding);
          // The raw JSON kept for the dashboard is the inner event, re-serialised (not byte for byte).
          if (!replayed) expect((await storedRaw(r.body.id)).text).toBe(JSON.stringify(JSON.parse(text).event));
          const again = await postRaw(project.key, '/audit_logs/events', text, headers);
          expect(again.status).toBe(200);
          expect(again.body).toEqual(r.body);
          expect(await eventCount(project.projectId)).toBe(before + (replayed ? 0 : 1));
        })),
        fuzzOptions(RUNS, 150),
      );
    },
    fuzzTimeout(RUNS, 150),
  );

  it(
    'an invalid body is a 4xx (400 or 422, as WorkOS answers) that leaves nothing behind',
    async () => {
      await fc.assert(
        fc.asyncProperty(auditLogCase, fc.array(auditLogMutation, { minLength: 1, maxLength: 3 }), budgeted(async (c, mutations) => {
          const body = mutations.reduce((b, m) => mutate(b, m), c.body);
          const before = await footprint(project.projectId);
          const r = await postRaw(project.key, '/audit_logs/events', toJson(body));
          await expectRejectedCleanly(before, r);
          if (r.status === 400 && r.body.code === 'invalid_audit_log_event') {
            expect(r.body.errors.every((e: { instancePath: unknown }) => typeof e.instancePath === 'string')).toBe(true);
          }
        })),
        fuzzOptions(RUNS, 100),
      );
    },
    fuzzTimeout(RUNS, 100),
  );
});

describe('batches: all or nothing', () => {
  const shapes = [
    { name: 'legacy', path: '/events/batch', item: legacyCase.map((c) => ({ c, body: c.body as unknown })), mutation: legacyMutation, status: 201 },
    { name: 'Audit Logs', path: '/audit_logs/events/batch', item: auditLogCase.map((c) => ({ c, body: c.body as unknown })), mutation: auditLogMutation, status: 200 },
  ] as const;

  for (const shape of shapes) {
    it(
      `${shape.name}: every event of an accepted batch reads back equal, in order; an over-size event is a 413`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(shape.item, { minLength: 1, maxLength: 6 }), budgeted(async (items) => {
            const text = toJson({ events: items.map((i) => i.body) });
            const before = await eventCount(project.projectId);
            const r = await postRaw(project.key, shape.path, text, { 'Idempotency-Key': idempotencyKey() });
            // The server measures each event as it re-serialises it (JSON.stringify of what it parsed).
            const part = (b: unknown) => (shape.name === 'legacy' ? b : (b as { event: unknown }).event);
            const oversize = items.some((i) => byteLength(JSON.stringify(JSON.parse(toJson(part(i.body))))) > MAX_EVENT_BYTES);
            if (byteLength(text) > MAX_BATCH_BODY_BYTES || oversize) {
              expect(r.status, r.text.slice(0, 300)).toBe(413);
              expect(await eventCount(project.projectId)).toBe(before);
              return;
            }
            expect(r.status, r.text.slice(0, 500)).toBe(shape.status);
            expect(r.body.ids).toHaveLength(items.length);
            expect(new Set(r.body.ids).size).toBe(items.length);
            expect(await eventCount(project.projectId)).toBe(before + items.length);
            for (const [i, id] of (r.body.ids as string[]).entries()) {
              if (shape.name === 'legacy') await expectLegacyReadBack(id, items[i].c as LegacyCase);
              else await expectAuditLogReadBack(id, items[i].c as AuditLogCase);
            }
          })),
          fuzzOptions(BATCH_RUNS, 600),
        );
      },
      fuzzTimeout(BATCH_RUNS, 600),
    );

    it(
      `${shape.name}: one invalid event anywhere in a batch refuses the whole batch, naming it, and leaves nothing behind`,
      async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(shape.item, { minLength: 1, maxLength: 5 }), fc.nat(), shape.mutation, budgeted(async (items, at, m) => {
            const bodies = items.map((i) => i.body);
            const bad = at % bodies.length;
            bodies[bad] = mutate(bodies[bad], m);
            const before = await footprint(project.projectId);
            const r = await postRaw(project.key, shape.path, toJson({ events: bodies }), { 'Idempotency-Key': idempotencyKey() });
            await expectRejectedCleanly(before, r);
            expect(r.text).toContain(`events[${bad}]`);
          })),
          fuzzOptions(BATCH_RUNS, 300),
        );
      },
      fuzzTimeout(BATCH_RUNS, 300),
    );
  }
});

describe('anything else', () => {
  it(
    'junk bodies, envelopes and Idempotency-Keys on every create endpoint: never a 5xx, never a write',
    async () => {
      const paths = ['/events', '/events/batch', '/audit_logs/events', '/audit_logs/events/batch'];
      const envelope = fc.oneof(
        junkBody,
        fc.constantFrom('{"events":[]}', '{"events":{}}', '{"events":null}', '{"events":[1]}', '{"events":[[]]}', '{"events":[null]}', '{"events":[],"x":1}', '{"event":{}}'),
      );
      const header = fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('', ' ', 'k'.repeat(256)),
        fc.stringMatching(/^[!-~]{1,255}$/),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...paths), envelope, header, budgeted(async (path, body, key) => {
          const before = await footprint(project.projectId);
          const r = await postRaw(project.key, path, body, key === undefined ? {} : { 'Idempotency-Key': key });
          await expectRejectedCleanly(before, r);
        })),
        fuzzOptions(RUNS * 2, 60),
      );
    },
    fuzzTimeout(RUNS * 2, 60),
  );

  it('a batch of 1,001 events is refused whole; a batch of 1,000 is stored whole', async () => {
    const sample = fc.sample(legacyCase, { numRuns: 1001, seed: 42 }).map((c) => c.body);
    const small = sample.filter((b) => byteLength(toJson(b)) < 4000).slice(0, 1000);
    while (small.length < 1001) small.push(small[small.length % 10]);
    const before = await footprint(project.projectId);
    const refused = await postRaw(project.key, '/events/batch', toJson({ events: small }));
    await expectRejectedCleanly(before, refused);
    const accepted = await postRaw(project.key, '/events/batch', toJson({ events: small.slice(0, 1000) }));
    expect(accepted.status, accepted.text.slice(0, 300)).toBe(201);
    expect(await eventCount(project.projectId)).toBe(before.events + 1000);
  }, 60_000);
});

describe('defects the properties found (each failed before its fix)', () => {
  // Metadata string values were capped at 500 UTF-16 units (events/validate.ts checked
  // `.length`), while every other text limit counts characters (code points, as zod 4 and
  // JSON Schema's maxLength count them): 251 emoji were refused as "at most 500 characters".
  it('(a name of 512 characters outside the BMP is accepted)', async () => {
    const r = await call('POST', '/events', { key: project.key, body: legacyEvent({ actor_name: '😀'.repeat(512) }) });
    expect(r.status, r.text).toBe(201);
  });

  it('a metadata value of 500 characters outside the BMP is accepted, as a name of 512 is', async () => {
    const r = await call('POST', '/events', { key: project.key, body: legacyEvent({ metadata: { note: '😀'.repeat(500) } }) });
    expect(r.status, r.text).toBe(201);
  });
});
