// The move to the current row (migrations 0005 and 0014) on a database written by earlier
// versions: rows from before 0005 carry `data`, `location`, `actor_type` and `user_agent`
// beside `raw`; rows from 0005–0013 carry `raw` alone, as TEXT. Every event must read back
// byte-identical in both wire shapes before, during and after the bounded backfill (which
// deflates `raw` and writes the filter columns), and the filters must find the same events.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAuditLogEvent, toAuditLogEvent } from '../../src/api/wire/audit-logs';
import { parseLegacyEvent, toLegacyEvent } from '../../src/api/wire/legacy';
import { backfillLayout, LAYOUT_CHUNK_EVENTS } from '../../src/events/layout-backfill';
import { rawParts } from '../../src/events/raw';
import { encodeRaw } from '../../src/events/stored-raw';
import { listEvents } from '../../src/events/list';
import { FTS_COLUMNS, ftsRow } from '../../src/events/search/fts';
import type { AuditEvent, NewEvent } from '../../src/events/model';
import { newId } from '../../src/lib/ids';
import { auditLogCase, legacyCase, toJson } from './fuzz-support';
import { call } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const PROJECT = 'proj_default';
const db = () => drizzle(env.DB);
const later = () => Number.MAX_SAFE_INTEGER / 2;

/** Events as single-event ingest parses them: legacy raw is the body's text, Audit Logs raw the inner event. */
function samples(): NewEvent[] {
  const out: NewEvent[] = [];
  for (const c of fc.sample(legacyCase, { numRuns: 300, seed: 8 })) {
    const text = toJson(c.body);
    const p = parseLegacyEvent(JSON.parse(text), text, later);
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    out.push(p.event);
  }
  for (const c of fc.sample(auditLogCase, { numRuns: 300, seed: 8 })) {
    const text = toJson(c.body);
    const body = JSON.parse(text);
    const p = parseAuditLogEvent(body, JSON.stringify(body.event), later);
    if (!p.ok) throw new Error(JSON.stringify(p.problems));
    out.push(p.event);
  }
  return out;
}

/**
 * Writes events with earlier versions' SQL: even positions as before 0005 (its columns,
 * search row and target rows), odd ones as 0005–0013 did (the lean row: `raw` as TEXT, the
 * copies empty, no target rows).
 */
async function writeLanded(list: NewEvent[]): Promise<AuditEvent[]> {
  const written: AuditEvent[] = [];
  const statements: D1PreparedStatement[] = [];
  for (const [n, e] of list.entries()) {
    const lean = n % 2 === 1;
    const id = newId('event', NOW);
    const full: AuditEvent = { ...e, id, projectId: PROJECT, receivedAt: NOW };
    written.push(full);
    const f = ftsRow(full);
    const data = lean ? '' : JSON.stringify({ actor: e.actor, targets: e.targets, context: e.context, metadata: e.metadata });
    statements.push(
      env.DB.prepare(
        `INSERT INTO events (id, project_id, organization_id, action, action_type, actor_id, actor_name, actor_type, actor_email,
          location, user_agent, occurred_at, received_at, version, source, data, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(id, PROJECT, e.organizationId, e.action, e.actionType, e.actor.id, e.actor.name, lean ? null : e.actor.type, e.actor.email,
        lean ? '' : e.context.location, lean ? null : e.context.userAgent, e.occurredAt, NOW, e.version, e.source, data, e.raw),
      env.DB.prepare(
        `INSERT INTO search_fts (rowid, ${FTS_COLUMNS.join(', ')}) SELECT seq, ${FTS_COLUMNS.map(() => '?').join(', ')} FROM events WHERE id = ?`,
      ).bind(...FTS_COLUMNS.map((c) => f[c]), id),
      ...(lean ? [] : e.targets).map((t, i) =>
        env.DB.prepare(
          `INSERT INTO event_targets (project_id, target_id, target_type, target_name, event_seq, position)
           SELECT ?, ?, ?, ?, seq, ? FROM events WHERE id = ?`,
        ).bind(PROJECT, t.id, t.type, t.name, i, id),
      ),
    );
  }
  for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
  return written;
}

/** What the landed code answered for an event: its columns plus the event's parts (from `data` before 0005, else `raw`). */
async function landedAnswers(ids: string[]): Promise<Map<string, { legacy: string; auditLogs: string }>> {
  const out = new Map<string, { legacy: string; auditLogs: string }>();
  const rows = await env.DB.prepare(
    `SELECT id, project_id, organization_id, action, action_type, occurred_at, received_at, version, source, data, raw
     FROM events WHERE id IN (SELECT value FROM json_each(?))`,
  ).bind(JSON.stringify(ids)).all<Record<string, any>>();
  for (const r of rows.results) {
    const e: AuditEvent = {
      id: r.id, projectId: r.project_id, organizationId: r.organization_id, action: r.action, actionType: r.action_type,
      version: r.version, occurredAt: r.occurred_at, receivedAt: r.received_at, source: r.source, raw: r.raw,
      ...(r.data === '' ? rawParts(r.source, r.raw) : JSON.parse(r.data)),
    };
    out.set(r.id, { legacy: JSON.stringify(toLegacyEvent(e)), auditLogs: JSON.stringify(toAuditLogEvent(e)) });
  }
  return out;
}

async function expectAnswers(expected: Map<string, { legacy: string; auditLogs: string }>) {
  for (const [id, want] of expected) {
    const legacy = await call('GET', `/events/${id}`);
    expect(legacy.status, legacy.text).toBe(200);
    expect(legacy.text).toBe(want.legacy);
    const auditLogs = await call('GET', `/audit_logs/events/${id}`);
    expect(auditLogs.status, auditLogs.text).toBe(200);
    expect(auditLogs.text).toBe(want.auditLogs);
  }
}

/** Ids found by the filters that now read `raw` (location, actor type, targets), every page. */
async function filtered(written: AuditEvent[]): Promise<string[][]> {
  const queries = [
    { locations: [written[0].context.location, written[450].context.location] },
    { actorTypes: [written[400].actor.type!] },
    { locations: [written[500].context.location], actorTypes: [written[500].actor.type!] },
    { targetIds: [written[1].targets[0].id, written[520].targets[0]?.id ?? 'none'] },
    { targetNames: [written[2].targets[0].name!] },
    { targetTypes: [written[530].targets[0]?.type ?? 'none'] },
  ];
  const out: string[][] = [];
  for (const q of queries) {
    const ids: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 50; i++) {
      const p = await listEvents(db(), { projectId: PROJECT, order: 'desc', limit: 40, after, ...q });
      ids.push(...p.events.map((e) => e.id));
      if (p.after === null) break;
      after = p.after;
    }
    out.push(ids);
  }
  return out;
}

/** Rows still in an earlier form. */
const old = async () =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM events WHERE targets IS NULL OR data <> '' OR user_agent IS NOT NULL`).first<{ n: number }>())!.n;

describe('the move to the current row on a database written by earlier versions', { timeout: 180_000 }, () => {
  let written: AuditEvent[];
  let answers: Map<string, { legacy: string; auditLogs: string }>;
  let filters: string[][];

  beforeAll(async () => {
    // The state of a database where 0005's backfill never ran (it restarts with 0014 anyway), written with earlier SQL.
    await env.DB.prepare('DROP TABLE layout_state').run();
    const m = env.TEST_MIGRATIONS.find((x) => x.name.startsWith('0005'))!;
    await env.DB.batch(m.queries.map((q) => env.DB.prepare(q)));
    written = await writeLanded(samples());
    answers = await landedAnswers(written.map((e) => e.id));
  }, 120_000);

  it('reads every landed event back byte-identical in both wire shapes before the backfill', async () => {
    expect(answers.size).toBe(600);
    expect(await old()).toBe(600);
    await expectAnswers(answers);
    filters = await filtered(written);
    // The filters find exactly the events whose raw holds the value.
    const want = (pred: (e: AuditEvent) => boolean) => written.filter(pred).map((e) => e.id).sort();
    expect([...filters[0]].sort()).toEqual(want((e) => [written[0].context.location, written[450].context.location].includes(e.context.location)));
    expect([...filters[1]].sort()).toEqual(want((e) => e.actor.type === written[400].actor.type));
    expect(filters[1].length).toBeGreaterThan(0);
    expect(written[0].actor.type).toBeNull(); // legacy events have no actor type
    const anyTarget = (field: 'id' | 'name' | 'type', values: (string | null | undefined)[]) =>
      want((e) => e.targets.some((t) => values.includes(t[field])));
    expect([...filters[3]].sort()).toEqual(anyTarget('id', [written[1].targets[0].id, written[520].targets[0]?.id]));
    expect([...filters[4]].sort()).toEqual(anyTarget('name', [written[2].targets[0].name]));
    expect([...filters[5]].sort()).toEqual(anyTarget('type', [written[530].targets[0]?.type]));
    expect(filters[3].length).toBeGreaterThan(0);
  });

  it('events written now are in the current row from the start', async () => {
    const r = await call('POST', '/audit_logs/events', {
      body: { organization_id: 'org_a', event: { action: 'user.signed_in', occurred_at: new Date(NOW).toISOString(), actor: { id: 'u', type: 'user', name: 'N' }, targets: [], context: { location: '10.0.0.1', user_agent: 'UA' } } },
    });
    expect(r.status, r.text).toBe(200);
    const row = await env.DB.prepare('SELECT data, location, actor_type, user_agent, targets, typeof(raw) AS raw FROM events WHERE id = ?').bind(r.body.id).first();
    expect(row).toEqual({ data: '', location: '10.0.0.1', actor_type: 'user', user_agent: null, targets: '[]', raw: 'blob' });
    const back = await call('GET', `/audit_logs/events/${r.body.id}`);
    expect(back.body).toMatchObject({ actor: { type: 'user' }, context: { location: '10.0.0.1', user_agent: 'UA' } });
  });

  it('is bounded and resumable: one chunk moves the mark, answers stay the same mid-way', async () => {
    const first = await backfillLayout(db(), { chunks: 1 });
    expect(first.done).toBe(false);
    expect(first.moved).toBe(LAYOUT_CHUNK_EVENTS); // the row written now is skipped: it is current
    const state = await env.DB.prepare('SELECT below, done FROM layout_state').first<{ below: number; done: number }>();
    expect(state).toEqual({ below: first.below, done: 0 });
    expect(await old()).toBe(600 - first.moved);
    await expectAnswers(answers);
  });

  it('finishes, and every event still reads back byte-identical; the filters find the same events', async () => {
    let r = await backfillLayout(db(), { chunks: 1 });
    for (let i = 0; i < 10 && !r.done; i++) r = await backfillLayout(db(), { chunks: 1 });
    expect(r.done).toBe(true);
    // Every row current; raw stays TEXT only where deflating would not have made it smaller.
    const tiny = written.filter((e) => typeof encodeRaw(e.raw) === 'string').length;
    expect(tiny).toBeLessThan(10);
    expect(await old()).toBe(0);
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM events WHERE typeof(raw) = 'text'`).first<{ n: number }>())!.n).toBe(tiny);
    expect((await env.DB.prepare('SELECT count(*) AS n FROM event_targets').first<{ n: number }>())!.n).toBe(0);
    await expectAnswers(answers);
    expect(await filtered(written)).toEqual(filters);
    expect(await backfillLayout(db())).toEqual({ done: true, moved: 0, targetsDeleted: 0, below: 0 });
  });
});
