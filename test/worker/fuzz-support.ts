// Shared pieces of the property-based tests (test/worker/fuzz.*.test.ts): how many runs,
// a fresh project to count in, the arbitraries for both wire shapes (valid events up to
// every documented limit, and the mutations that make them invalid), and what an
// accepted event must read back as.
//
// "Equal", precisely: what GET /events/:id or GET /audit_logs/events/:id answers is what
// was sent, field by field, after exactly these normalisations (each one documented):
//   - occurred_at: the instant the string names (any zone, `t`/space separator, `,` or `.`,
//     0-9 fraction digits), written back as UTC ISO-8601 with milliseconds; digits past the
//     millisecond are dropped (the store keeps epoch ms);
//   - action_type: lowercase (`type` and `event_type`), as the list shape always was;
//   - an absent or null optional field reads back as null (names, user_agent, version) or
//     {} (metadata), because the read shape always carries every field;
//   - numbers: the IEEE double JSON.parse makes of the literal (JSON can carry more digits
//     than a double holds; the server never sees them), and -0 reads back as 0 (the
//     stored JSON is written with JSON.stringify, which writes -0 as 0).
// Nothing else is normalised: strings (any Unicode, control characters included) and
// metadata keys come back code unit for code unit.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { call } from './helpers';

function runs(defaultRuns: number): number {
  const asked = Number(env.FUZZ_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : defaultRuns;
}

const longRun = () => runs(0) > 0;

/** A per-test timeout: the bounded CI run's budget, or a generous one that grows with FUZZ_RUNS. */
export function fuzzTimeout(defaultRuns: number, msPerRun: number): number {
  return longRun() ? runs(defaultRuns) * msPerRun * 5 : Math.max(30_000, defaultRuns * msPerRun);
}

/** When the running property stops starting new runs (set by fuzzOptions when fc.assert starts). */
let deadline = Infinity;

/**
 * Bounded in CI; `FUZZ_RUNS=2000 npm run fuzz` for a long run, FUZZ_SEED to replay a
 * failure. A property starts no new run a little before its test's timeout (see `budgeted`):
 * a run still going after vitest gave up would write into the next test's counts. (Not
 * fast-check's interruptAfterTimeLimit: for async properties it abandons the run in flight,
 * which then writes in the background.)
 */
export function fuzzOptions(defaultRuns: number, msPerRun: number) {
  // A long run (FUZZ_RUNS set) makes every run it asks for; the CI run is bounded in count and time.
  deadline = longRun() ? Infinity : Date.now() + fuzzTimeout(defaultRuns, msPerRun) - 5_000;
  const seed = Number(env.FUZZ_SEED);
  return {
    numRuns: runs(defaultRuns),
    ...(env.FUZZ_SEED && Number.isInteger(seed) ? { seed } : {}),
  };
}

/** A property body that is skipped (fc.pre) once the time budget of its test is spent; runs in flight always finish. */
export function budgeted<Ts extends unknown[]>(body: (...args: Ts) => Promise<void>): (...args: Ts) => Promise<void> {
  return async (...args: Ts) => {
    fc.pre(Date.now() < deadline);
    await body(...args);
  };
}

/** A fresh project and key, so counts before and after a request see only this file's writes. */
export async function freshProject(name: string): Promise<{ projectId: string; key: string }> {
  const now = Date.now();
  const project = await createProject(env.KV, { name, now });
  const { plain } = await createKey(env.KV, { projectId: project.id, mode: 'test', name: 'fuzz', now });
  return { projectId: project.id, key: plain };
}

/** Everything a write leaves in D1 for a project: events, their targets, FTS rows, idempotency claims, catalog entries. */
export async function footprint(projectId: string): Promise<Record<string, number>> {
  const one = async (q: string) => (await env.DB.prepare(q).bind(projectId).first<{ n: number }>())!.n;
  const [events, targets, fts, claims, catalog] = await Promise.all([
    one('SELECT count(*) AS n FROM events WHERE project_id = ?'),
    one('SELECT count(*) AS n FROM event_targets WHERE project_id = ?'),
    one('SELECT count(*) AS n FROM events_fts WHERE rowid IN (SELECT seq FROM events WHERE project_id = ?)'),
    one('SELECT count(*) AS n FROM idempotency_keys WHERE project_id = ?'),
    one('SELECT count(*) AS n FROM catalog WHERE project_id = ?'),
  ]);
  return { events, targets, fts, claims, catalog };
}

/** The number of events stored for a project (all of D1, not one page of the API). */
export async function eventCount(projectId: string): Promise<number> {
  return (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE project_id = ?').bind(projectId).first<{ n: number }>())!.n;
}

export async function postRaw(key: string, path: string, text: string | Uint8Array, headers: Record<string, string> = {}) {
  return call('POST', path, { key, rawBody: text as BodyInit, headers: { 'content-type': 'application/json', ...headers } });
}

// ---------------------------------------------------------------- strings

/** Code points that have broken services before: controls, NUL, line separators, bidi, combining marks, astral, quotes. */
const NASTY = [
  '\u0000', '\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\u200d',
  '\u202e', '\ufeff', '\ufffd', '\uffff', 'e\u0301', 'Zoë', 'ß', 'İ', 'ﬁ', '中文', '日本語', 'العربية', '😀', '👩‍👩‍👧', '🇫🇷',
  '𝕏', '"', "'", '\\', '/', '<', '>', '&', '%', '%00', '${x}', '{{x}}', 'NEAR', 'AND', 'OR', 'NOT', '*', '^', ':', '(', ')',
  '__proto__', 'constructor', 'null', 'undefined', 'NaN', '-0', '1e400',
];

const unit = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.constantFrom(...NASTY), weight: 2 },
);

/**
 * Cuts to at most `max` characters. A character is a code point, as the schemas count
 * (zod 4 counts code points once the UTF-16 length is over the limit): `😀` is one.
 */
function cut(s: string, max: number): string {
  const points = [...s];
  return points.length <= max ? s : points.slice(0, max).join('');
}

const characters = (s: string) => [...s].length;

/**
 * Text of min..max characters (code points), any Unicode (no lone surrogates: those are
 * refused, and tested as such). One in five is exactly `max` long: the largest allowed value.
 */
export function text(min: number, max: number): fc.Arbitrary<string> {
  const random = fc.array(unit, { minLength: Math.max(min, 0), maxLength: Math.min(max, 40) }).map((parts) => cut(parts.join(''), max));
  const full = fc.array(unit, { minLength: 1, maxLength: 6 }).map((parts) => {
    const seed = parts.join('');
    return cut(seed.repeat(Math.ceil(max / seed.length) + 1), max);
  });
  return fc
    .oneof({ arbitrary: random, weight: 4 }, { arbitrary: full, weight: 1 })
    .filter((s) => characters(s) >= min && characters(s) <= max);
}

/** Names of actions: `category.name` (letters, digits, `_ - :`, dots between parts), up to 128 characters. */
export const action: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('user.signed_in', 'document.exported', 'a.b', 'A-1:x.y_2.z', `${'a'.repeat(63)}.${'b'.repeat(64)}`),
  fc
    .array(fc.stringMatching(/^[A-Za-z0-9_\-:]{1,12}$/), { minLength: 2, maxLength: 6 })
    .map((parts) => parts.join('.'))
    .filter((s) => s.length <= 128),
);

// ---------------------------------------------------------------- numbers and metadata

/** A metadata value: the JSON text sent, and the value it must read back as. */
export interface Sent<T> {
  json: string;
  value: T;
}

const normaliseNumber = (n: number) => (Object.is(n, -0) ? 0 : n);

/** Number literals at the edges of what JSON carries: they are sent as written. */
const EDGE_NUMBER_LITERALS = [
  '0', '-0', '0.0', '-0.0e0', '1', '-1', '1.0', '0.1', '1e21', '1E+21', '1e-7', '-1e-7', '5e-324', '4.9406564584124654e-324',
  '1e-400', '2.2250738585072014e-308', '1.7976931348623157e308', '-1.7976931348623157E+308', '9007199254740991',
  '-9007199254740991', '9007199254740993', '123456789012345678901234567890', '0.30000000000000004', '3.141592653589793238462643383279',
];

export const metadataNumber: fc.Arbitrary<Sent<number>> = fc.oneof(
  fc.constantFrom(...EDGE_NUMBER_LITERALS).map((json) => ({ json, value: normaliseNumber(JSON.parse(json)) })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => ({ json: JSON.stringify(n), value: normaliseNumber(n) })),
  fc.integer().map((n) => ({ json: String(n), value: normaliseNumber(n) })),
);

const metadataValue: fc.Arbitrary<Sent<string | number | boolean>> = fc.oneof(
  { arbitrary: text(0, 500).map((s) => ({ json: JSON.stringify(s), value: s })), weight: 3 },
  { arbitrary: metadataNumber, weight: 2 },
  { arbitrary: fc.boolean().map((b) => ({ json: String(b), value: b })), weight: 1 },
);

export const metadataKey = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9_-]{0,40}$/).map((s) => s.slice(0, 40)),
  fc.constantFrom('', '__proto__', 'constructor', 'toString', 'email', 'user_email', 'k'.repeat(40), '-', '_'),
);

/** Metadata as sent: entries (unique keys), up to 50. */
export const metadata: fc.Arbitrary<[string, Sent<string | number | boolean>][]> = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.tuple(metadataKey, metadataValue), { maxLength: 8, selector: ([k]) => k }), weight: 5 },
  { arbitrary: fc.uniqueArray(fc.tuple(metadataKey, metadataValue), { minLength: 45, maxLength: 50, selector: ([k]) => k }), weight: 1 },
);

// ---------------------------------------------------------------- JSON with literal numbers

/** A value whose JSON text is given as is (a number literal JSON.stringify would rewrite). */
export class Literal {
  constructor(readonly json: string) {}
}

/** JSON.stringify, except that Literal values are written as their text. */
export function toJson(value: unknown, space?: number): string {
  const marks: string[] = [];
  const token = `\u0002lit${Math.random().toString(36).slice(2)}_`;
  const text = JSON.stringify(
    value,
    (_k, v) => {
      if (v instanceof Literal) {
        marks.push(v.json);
        return `${token}${marks.length - 1}`;
      }
      return v;
    },
    space,
  );
  return text.replace(new RegExp(`"\\\\u0002${token.slice(1)}(\\d+)"`, 'g'), (_m, i) => marks[Number(i)]);
}

/** Metadata as sent (Literal numbers) and as it must read back. */
export function metadataPair(entries: [string, Sent<string | number | boolean>][]): { sent: Record<string, unknown>; expected: Record<string, unknown> } {
  return {
    sent: Object.fromEntries(entries.map(([k, v]) => [k, typeof v.value === 'number' ? new Literal(v.json) : v.value])),
    expected: Object.fromEntries(entries.map(([k, v]) => [k, v.value])),
  };
}

// ---------------------------------------------------------------- times

/** An occurred_at as sent, and the ISO string (UTC, milliseconds) it must read back as. */
export interface SentTime {
  wire: string;
  iso: string;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/**
 * Any instant from 1970-01-01 to 23 hours ahead, written in any form the parser documents:
 * offsets, no zone (UTC), lowercase t/z, a space, `,` decimals, 0-9 fraction digits, no seconds.
 */
export const occurredAt: fc.Arbitrary<SentTime> = fc
  .record({
    ms: fc.oneof(
      fc.constantFrom(0, 1, 999, Date.UTC(2000, 1, 29), Date.UTC(2026, 0, 1)),
      fc.integer({ min: 0, max: Date.now() + 23 * 3_600_000 }),
    ),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
    zone: fc.constantFrom('Z', 'z', '+hh:mm', '+hhmm', '+hh', 'none'),
    separator: fc.constantFrom('T', 't', ' '),
    decimal: fc.constantFrom('.', ','),
    digits: fc.integer({ min: 0, max: 9 }),
    extra: fc.stringMatching(/^[0-9]{6}$/),
    seconds: fc.boolean(),
  })
  .map(({ ms, offset, zone, separator, decimal, digits, extra, seconds }) => {
    if (zone === 'none' || zone === 'Z' || zone === 'z') offset = 0;
    if (zone === '+hh') offset = Math.trunc(offset / 60) * 60;
    // Drop what the written form cannot carry (the local time has whole-minute offsets).
    let instant = seconds ? ms : ms - (((ms % 60_000) + 60_000) % 60_000);
    if (seconds && digits < 3) instant -= ms % 10 ** (3 - digits);
    const local = new Date(instant + offset * 60_000);
    const y = local.getUTCFullYear();
    let wire = `${pad(y, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}${separator}${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
    if (seconds) {
      wire += `:${pad(local.getUTCSeconds())}`;
      if (digits > 0) wire += decimal + (pad(local.getUTCMilliseconds(), 3) + extra).slice(0, digits);
    }
    const sign = offset < 0 ? '-' : '+';
    const hh = pad(Math.trunc(Math.abs(offset) / 60));
    const mm = pad(Math.abs(offset) % 60);
    wire += { Z: 'Z', z: 'z', none: '', '+hh:mm': `${sign}${hh}:${mm}`, '+hhmm': `${sign}${hh}${mm}`, '+hh': `${sign}${hh}` }[zone];
    return { wire, iso: new Date(instant).toISOString() };
  });

// ---------------------------------------------------------------- events

/** A legacy event as sent, and what GET /events/:id must answer (less `id` and `action.id`). */
export interface LegacyCase {
  body: Record<string, unknown>;
  expected: Record<string, unknown>;
}

const absentNullOr = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(fc.constant<{ kind: 'absent' }>({ kind: 'absent' }), fc.constant<{ kind: 'null' }>({ kind: 'null' }), arb.map((value) => ({ kind: 'value' as const, value })));

export const legacyCase: fc.Arbitrary<LegacyCase> = fc
  .record({
    group: text(1, 256),
    location: text(1, 256),
    action,
    action_type: fc.constantFrom('C', 'R', 'U', 'D', 'c', 'r', 'u', 'd'),
    actor_name: text(1, 512),
    actor_id: text(1, 256),
    target_name: text(1, 512),
    target_id: text(0, 256),
    occurred_at: occurredAt,
    metadata: absentNullOr(metadata),
  })
  .map((g) => {
    const md = g.metadata.kind === 'value' ? metadataPair(g.metadata.value) : { sent: null, expected: {} };
    const body: Record<string, unknown> = {
      group: g.group,
      location: g.location,
      action: g.action,
      action_type: g.action_type,
      actor_name: g.actor_name,
      actor_id: g.actor_id,
      target_name: g.target_name,
      target_id: g.target_id,
      occurred_at: g.occurred_at.wire,
    };
    if (g.metadata.kind !== 'absent') body.metadata = md.sent;
    const type = g.action_type.toLowerCase();
    return {
      body,
      expected: {
        object: 'event',
        group: g.group,
        location: g.location,
        latitude: null,
        longitude: null,
        type,
        event_type: type,
        actor_name: g.actor_name,
        actor_id: g.actor_id,
        target_name: g.target_name,
        target_id: g.target_id,
        metadata: md.expected,
        occurred_at: g.occurred_at.iso,
        action: { object: 'event_action', name: g.action },
      },
    };
  });

/** An Audit Logs create body (`{organization_id, event}`) as sent, and what GET /audit_logs/events/:id must answer (less id and received_at). */
export interface AuditLogCase {
  body: { organization_id: string; event: Record<string, unknown> };
  expected: Record<string, unknown>;
}

const party = (typeMax: number) =>
  fc.record({ id: text(1, 256), type: text(1, typeMax), name: absentNullOr(text(0, 512)), metadata: absentNullOr(metadata) }).map((p) => {
    const md = p.metadata.kind === 'value' ? metadataPair(p.metadata.value) : { sent: null, expected: {} };
    const sent: Record<string, unknown> = { id: p.id, type: p.type };
    if (p.name.kind !== 'absent') sent.name = p.name.kind === 'value' ? p.name.value : null;
    if (p.metadata.kind !== 'absent') sent.metadata = md.sent;
    return { sent, expected: { id: p.id, type: p.type, name: p.name.kind === 'value' ? p.name.value : null, metadata: md.expected } };
  });

export const auditLogCase: fc.Arbitrary<AuditLogCase> = fc
  .record({
    organization_id: text(1, 256),
    action,
    occurred_at: occurredAt,
    version: absentNullOr(fc.oneof(fc.constantFrom(1, 2_147_483_647), fc.integer({ min: 1, max: 2_147_483_647 }))),
    actor: party(64),
    targets: fc.oneof({ arbitrary: fc.array(party(64), { maxLength: 4 }), weight: 6 }, { arbitrary: fc.array(party(64), { minLength: 45, maxLength: 50 }), weight: 1 }),
    location: text(1, 256),
    user_agent: absentNullOr(text(0, 1024)),
    metadata: absentNullOr(metadata),
  })
  .map((g) => {
    const md = g.metadata.kind === 'value' ? metadataPair(g.metadata.value) : { sent: null, expected: {} };
    const context: Record<string, unknown> = { location: g.location };
    if (g.user_agent.kind !== 'absent') context.user_agent = g.user_agent.kind === 'value' ? g.user_agent.value : null;
    const event: Record<string, unknown> = {
      action: g.action,
      occurred_at: g.occurred_at.wire,
      actor: g.actor.sent,
      targets: g.targets.map((t) => t.sent),
      context,
    };
    if (g.version.kind !== 'absent') event.version = g.version.kind === 'value' ? g.version.value : null;
    if (g.metadata.kind !== 'absent') event.metadata = md.sent;
    return {
      body: { organization_id: g.organization_id, event },
      expected: {
        object: 'audit_log_event',
        organization_id: g.organization_id,
        action: g.action,
        version: g.version.kind === 'value' ? g.version.value : null,
        occurred_at: g.occurred_at.iso,
        actor: g.actor.expected,
        targets: g.targets.map((t) => t.expected),
        context: { location: g.location, user_agent: g.user_agent.kind === 'value' ? g.user_agent.value : null },
        metadata: md.expected,
      },
    };
  });

// ---------------------------------------------------------------- invalid events

/** A JSON path and a replacement (`undefined` deletes the field). */
export interface Mutation {
  path: (string | number)[];
  value: unknown;
  why: string;
}

const over = (max: number) => fc.constantFrom('x'.repeat(max + 1), '😀'.repeat(max + 1), `${'é'.repeat(max)}\u0301`);
const wrongType = fc.constantFrom<unknown>(42, -1.5, true, false, [], ['x'], {}, { a: 1 });
const badTimes = fc.oneof(
  fc.constantFrom(
    '', 'yesterday', 'now', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00+00:60', '1969-12-31T23:59:59.999Z',
    '0075-06-01T00:00:00Z', '2999-01-01T00:00:00Z', '2026-01-01', '20260101T000000Z', '2026-01-01T00:00:00.0000000000Z',
    '2026-01-01T00:00:00Z ', ' 2026-01-01T00:00:00Z', '+002026-01-01T00:00:00Z', `2026-01-01T00:00:00.${'0'.repeat(30)}Z`,
  ),
  fc.integer({ min: 25, max: 10_000 }).map((h) => new Date(Date.now() + h * 3_600_000).toISOString()),
  fc.integer({ min: 1, max: 10 ** 9 }).map((s) => new Date(-s * 1000).toISOString()).filter((s) => /^\d{4}-/.test(s)),
);
const badMetadata = fc.constantFrom<unknown>(
  [1, 2],
  'text',
  42,
  { nested: { a: 1 } },
  { list: [1] },
  { nothing: null },
  { ['k'.repeat(41)]: 'v' },
  { 'a.b': 'v' },
  { 'a b': 'v' },
  { 'é': 'v' },
  { long: 'v'.repeat(501) },
  { inf: new Literal('1e400') },
  { ninf: new Literal('-1E+400') },
  Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])),
);

/** Mutations that make a legacy event invalid, whatever the rest of it holds. */
export const legacyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom('group', 'location', 'action', 'action_type', 'actor_name', 'actor_id', 'target_name', 'target_id', 'occurred_at').map((f) => ({ path: [f], value: undefined, why: `${f} missing` })),
  fc.tuple(fc.constantFrom('group', 'location', 'action', 'action_type', 'actor_name', 'actor_id', 'target_name', 'target_id', 'occurred_at'), fc.oneof(wrongType, fc.constant(null))).map(([f, v]) => ({ path: [f], value: v, why: `${f} of the wrong type` })),
  fc.constantFrom('group', 'location', 'action', 'actor_name', 'actor_id', 'target_name').map((f) => ({ path: [f], value: '', why: `${f} empty` })),
  fc.tuple(fc.constantFrom<[string, number]>(['group', 256], ['location', 256], ['actor_name', 512], ['actor_id', 256], ['target_name', 512], ['target_id', 256], ['action', 128]), fc.nat()).chain(([[f, max]]) => over(max).map((v) => ({ path: [f], value: f === 'action' ? `a.${v.slice(2)}` : v, why: `${f} over ${max}` }))),
  fc.constantFrom('login', 'user. login', 'user..login', '.user', 'user.', 'user.lögin', 'user/login', 'user.login\n').map((v) => ({ path: ['action'], value: v, why: 'bad action' })),
  fc.constantFrom('X', 'CR', '', 'create', 'Ｃ').map((v) => ({ path: ['action_type'], value: v, why: 'bad action_type' })),
  badTimes.map((v) => ({ path: ['occurred_at'], value: v, why: 'bad occurred_at' })),
  badMetadata.map((v) => ({ path: ['metadata'], value: v, why: 'bad metadata' })),
  fc.constantFrom('colour', 'id', 'type', 'Group', 'metadata ', '__proto__').map((f) => ({ path: [f], value: 'x', why: `unknown field ${f}` })),
  fc.constantFrom('group', 'actor_id', 'actor_name', 'target_id').map((f) => ({ path: [f], value: new Literal('"x\\ud800y"'), why: `lone surrogate in ${f}` })),
);

/** Mutations that make an Audit Logs create body invalid. */
export const auditLogMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom<(string | number)[]>(['organization_id'], ['event'], ['event', 'action'], ['event', 'occurred_at'], ['event', 'actor'], ['event', 'targets'], ['event', 'context'], ['event', 'actor', 'id'], ['event', 'actor', 'type'], ['event', 'context', 'location']).map((p) => ({ path: p, value: undefined, why: `${p.join('.')} missing` })),
  fc.tuple(fc.constantFrom<(string | number)[]>(['organization_id'], ['event'], ['event', 'action'], ['event', 'actor'], ['event', 'targets'], ['event', 'context'], ['event', 'actor', 'id'], ['event', 'actor', 'name'], ['event', 'context', 'user_agent']), wrongType)
    // An array is the right type for targets (an empty one is valid): those are `bad targets` below.
    .filter(([p, v]) => !(p[p.length - 1] === 'targets' && Array.isArray(v)))
    .map(([p, v]) => ({ path: p, value: v, why: `${p.join('.')} of the wrong type` })),
  fc.constantFrom<[(string | number)[], number]>([['organization_id'], 256], [['event', 'actor', 'id'], 256], [['event', 'actor', 'type'], 64], [['event', 'actor', 'name'], 512], [['event', 'context', 'location'], 256], [['event', 'context', 'user_agent'], 1024]).chain(([p, max]) => over(max).map((v) => ({ path: p, value: v, why: `${p.join('.')} over ${max}` }))),
  fc.constantFrom(0, -1, 1.5, 2_147_483_648, '1', true, new Literal('1e400')).map((v) => ({ path: ['event', 'version'], value: v, why: 'bad version' })),
  fc.constantFrom<unknown>({ id: 'x' }, 'targets', 42, null, [null], ['x'], [{ id: 'x' }], [{ id: 'x', type: 5 }], [{ id: '', type: 't' }], Array.from({ length: 51 }, (_, i) => ({ id: `t${i}`, type: 't' }))).map((v) => ({ path: ['event', 'targets'], value: v, why: 'bad targets' })),
  badTimes.map((v) => ({ path: ['event', 'occurred_at'], value: v, why: 'bad occurred_at' })),
  fc.tuple(fc.constantFrom<(string | number)[]>(['event', 'metadata'], ['event', 'actor', 'metadata']), badMetadata).map(([p, v]) => ({ path: p, value: v, why: `bad ${p.join('.')}` })),
  fc.constantFrom<(string | number)[]>(['colour'], ['event', 'colour'], ['event', 'actor', 'email'], ['event', 'context', 'ip']).map((p) => ({ path: p, value: 'x', why: `unknown field ${p.join('.')}` })),
  fc.constantFrom<(string | number)[]>(['organization_id'], ['event', 'actor', 'id'], ['event', 'context', 'location']).map((p) => ({ path: p, value: new Literal('"\\udfff"'), why: `lone surrogate in ${p.join('.')}` })),
);

/** A deep copy of `body` with the mutation applied. */
export function mutate<T>(body: T, m: Mutation): T {
  const copy = structuredCloneLiterals(body) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of m.path.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = at[key] as Record<string | number, unknown>;
  }
  const last = m.path[m.path.length - 1];
  if (m.value === undefined) delete at[last];
  else if (last === '__proto__') Object.defineProperty(at, last, { value: m.value, enumerable: true, configurable: true, writable: true });
  else at[last] = m.value;
  return copy as T;
}

function structuredCloneLiterals(v: unknown): unknown {
  if (v instanceof Literal) return v;
  if (Array.isArray(v)) return v.map(structuredCloneLiterals);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: structuredCloneLiterals(x), enumerable: true, configurable: true, writable: true });
    return out;
  }
  return v;
}

/** Whole bodies that are not a create request at all: junk bytes, broken JSON, the wrong JSON type. */
export const junkBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.constantFrom('', ' ', 'null', 'true', '0', '"x"', '[]', '[{}]', '{}', '{', '{"group":', '{"a":1}}', '\ufeff{}', '{"events":[]}', 'NaN', '{"x":1e400}', '\u0000'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
  fc.constantFrom(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]), new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), new Uint8Array([0xed, 0xa0, 0x80])),
);

/** UTF-8 size of a body text. */
export const byteLength = (s: string) => new TextEncoder().encode(s).length;
