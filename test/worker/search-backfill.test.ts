// The move to the project-tagged index on a database written with the landed layout
// (migrations 0001–0002, events written by the old SQL into events_fts): apply 0003,
// backfill in chunks, and every search gives the same pages before, during and after.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAuditLogEvent } from '../../src/api/wire/audit-logs';
import { newId } from '../../src/lib/ids';
import { listEvents, type EventPage, type EventQuery } from '../../src/events/list';
import type { AuditEvent, NewEvent } from '../../src/events/model';
import { backfillSearchIndex, DROP_OLD_INDEX_AFTER_MS } from '../../src/events/search/backfill';
import { forgetSearchPhase, liveSearchTable } from '../../src/events/search/index-state';
import { call, DEFAULT_KEY } from './helpers';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const db = () => drizzle(env.DB);

/** The landed code's FTS row (src/events/search/fts.ts before the tagged index), verbatim. */
function landedFtsRow(e: AuditEvent): string[] {
  const orgToken = (id: string) => `o${id.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')}`;
  const projectToken = (id: string) => `p${id.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  const meta = (m: Record<string, unknown>) => Object.entries(m).map(([k, v]) => `${k} ${String(v)}`).join(' ; ');
  return [
    e.id,
    e.actor.id,
    e.actor.email ?? '',
    e.actor.name ?? '',
    [e.action, e.actionType ?? ''].join(' '),
    e.targets.map((t) => [t.id, t.name ?? '', t.type ?? ''].join(' ')).join(' ; '),
    `${e.organizationId} ${orgToken(e.organizationId)} ${projectToken(e.projectId)}`,
    [e.context.location, e.context.userAgent ?? ''].join(' '),
    [e.actor.type ?? '', meta(e.metadata), meta(e.actor.metadata), ...e.targets.map((t) => meta(t.metadata))].join(' ; '),
  ];
}

/** Writes events the way the landed code did: events, events_fts, event_targets. */
async function writeLanded(projectId: string, list: NewEvent[]) {
  const statements: D1PreparedStatement[] = [];
  for (const e of list) {
    const id = newId('event', NOW);
    const full: AuditEvent = { ...e, id, projectId, receivedAt: NOW };
    const data = JSON.stringify({ actor: e.actor, targets: e.targets, context: e.context, metadata: e.metadata });
    statements.push(
      env.DB.prepare(
        `INSERT INTO events (id, project_id, organization_id, action, action_type, actor_id, actor_name, actor_type, actor_email,
          location, user_agent, occurred_at, received_at, version, source, data, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).bind(id, projectId, e.organizationId, e.action, e.actionType, e.actor.id, e.actor.name ?? null, e.actor.type ?? null, e.actor.email ?? null,
        e.context.location, e.context.userAgent ?? null, e.occurredAt, NOW, e.version, e.source, data, e.raw),
      env.DB.prepare(
        `INSERT INTO events_fts (rowid, event_id, actor_id, actor_email, actor_name, action, target, org, place, meta)
         SELECT seq, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM events WHERE id = ?`,
      ).bind(...landedFtsRow(full), id),
      ...e.targets.map((t, i) =>
        env.DB.prepare(
          `INSERT INTO event_targets (project_id, target_id, target_type, target_name, event_seq, position)
           SELECT ?, ?, ?, ?, seq, ? FROM events WHERE id = ?`,
        ).bind(projectId, t.id, t.type ?? null, t.name ?? null, i, id),
      ),
    );
  }
  for (let i = 0; i < statements.length; i += 150) await env.DB.batch(statements.slice(i, i + 150));
}

const NAMES = ['Clarence Birdseye', 'Clara Oswald', 'Zoë Washburne', 'Malcolm Reynolds', 'Claude Shannon', 'Simon Tam', 'Inara Serra'];
const ACTIONS = ['user.signed_in', 'user.signed_out', 'document.exported', 'role.updated'];

function sample(i: number): NewEvent {
  const name = NAMES[(i * 5) % NAMES.length];
  // Mostly in time order, every ninth event arrives late (older than its neighbours).
  const minutes = i % 9 === 0 ? 5000 + i : 400 - i;
  const body = {
    organization_id: i % 3 === 0 ? 'org_a' : 'org_b-1',
    event: {
      action: ACTIONS[i % ACTIONS.length],
      occurred_at: new Date(NOW - minutes * 60_000).toISOString(),
      actor: { id: `user_${i % 11}`, type: 'user', name, metadata: { email: `${name.split(' ')[0].toLowerCase()}@example.com` } },
      targets: [{ id: `doc_${i % 13}`, type: 'document', name: `Report ${i % 13}.pdf` }],
      context: { location: `10.0.0.${i % 7}`, user_agent: 'Mozilla/5.0' },
      metadata: { plan: ['free', 'pro'][i % 2] },
    },
  };
  const parsed = parseAuditLogEvent(body, JSON.stringify(body.event), () => NOW);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.event;
}

const QUERIES: Omit<EventQuery, 'limit'>[] = [];
for (const projectId of ['proj_default', 'proj_demo']) {
  for (const search of ['clar', 'cl', 'zoë', 's', '-signed', 'plan:pro', 'org:org_a', 'report 7', 'actor:"Clarence Birdseye"', 'newcomer']) {
    for (const order of ['desc', 'asc', 'relevance'] as const) QUERIES.push({ projectId, search, order });
  }
  QUERIES.push({ projectId, search: 'washburne ', order: 'desc', matchStrategy: 'in' });
  QUERIES.push({ projectId, search: 'signed', organizationIds: ['org_a'], order: 'desc' });
  QUERIES.push({ projectId, search: 'cla', organizationIds: ['org_b-1'], order: 'asc' });
}

/** Every page of every query, following cursors. */
async function snapshot(): Promise<Array<Array<Pick<EventPage, 'before' | 'after'> & { ids: string[] }>>> {
  const out = [];
  for (const q of QUERIES) {
    const pages = [];
    let after: string | undefined;
    for (let i = 0; i < 200; i++) {
      const p = await listEvents(db(), { ...q, limit: 25, after, now: NOW });
      pages.push({ ids: p.events.map((e) => e.id), before: p.before, after: p.after });
      if (p.after === null) break;
      after = p.after;
    }
    out.push(pages);
  }
  return out;
}

/** Relevance may reorder (bm25's statistics are per project now): compare what was found. */
const comparable = (s: Awaited<ReturnType<typeof snapshot>>) =>
  s.map((pages, i) => (QUERIES[i].order === 'relevance' ? [pages.flatMap((p) => p.ids).sort()] : pages));

describe('backfill of the tagged index on a database written with the landed layout', { timeout: 120_000 }, () => {
  let before: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    // Back to the landed layout: 0001–0002 only.
    await env.DB.batch(
      ['DROP TRIGGER events_fts_sink_insert', 'DROP VIEW events_fts_sink', 'DROP TABLE search_state', 'DROP TABLE search_vocab', 'DROP TABLE search_fts'].map((q) =>
        env.DB.prepare(q),
      ),
    );
    await writeLanded('proj_default', Array.from({ length: 260 }, (_, i) => sample(i)));
    await writeLanded('proj_demo', Array.from({ length: 90 }, (_, i) => sample(i + 1000)));
    // Migration 0003, as `wrangler d1 migrations apply` runs it.
    const m = env.TEST_MIGRATIONS.find((x) => x.name.startsWith('0003'))!;
    await env.DB.batch(m.queries.map((q) => env.DB.prepare(q)));
    forgetSearchPhase();
  });

  it('starts in the backfill phase, reading the old index', async () => {
    expect(await liveSearchTable(db())).toBe('events_fts');
  });

  it('events written during the backfill go into both indexes', async () => {
    const r = await call('POST', '/audit_logs/events', {
      key: DEFAULT_KEY,
      body: { organization_id: 'org_a', event: { action: 'user.signed_in', occurred_at: new Date(NOW - 1000).toISOString(), actor: { id: 'user_new', type: 'user', name: 'Clarence Newcomer' }, targets: [{ id: 'x', type: 'y' }], context: { location: '10.0.0.9' } } },
    });
    expect(r.status, r.text).toBe(200);
    const count = async (table: string, match: string) =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${table} MATCH ?`).bind(match).first<{ n: number }>())!.n;
    expect(await count('events_fts', 'newcomer')).toBe(1);
    expect(await count('search_fts', 'projdefault_newcomer')).toBe(1);
    before = await snapshot();
    expect(before.flat(2).some((p) => p.ids.length > 0)).toBe(true);
  });

  it('is bounded and resumable: each step moves the mark, searches stay the same until the switch', async () => {
    const first = await backfillSearchIndex(db(), NOW, { chunks: 1 });
    expect(first).toMatchObject({ phase: 'backfill', indexed: 200 });
    expect(await liveSearchTable(db())).toBe('events_fts');
    expect(comparable(await snapshot())).toEqual(comparable(before));
    let r = first;
    for (let i = 0; i < 10 && r.phase === 'backfill'; i++) r = await backfillSearchIndex(db(), NOW, { chunks: 1 });
    expect(r.phase).toBe('ready');
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM events').first<{ n: number }>();
    const indexed = await env.DB.prepare(`SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH '{org} : ("projdefault_" * OR "projdemo_" *)'`).first<{ n: number }>();
    expect(indexed!.n).toBe(rows!.n);
  });

  it('after the switch searches read the new index: the same pages (relevance: the same events)', async () => {
    expect(await liveSearchTable(db())).toBe('search_fts');
    const after = await snapshot();
    expect(comparable(after)).toEqual(comparable(before));
  });

  it('the old index stops being written, and is dropped a while later', async () => {
    expect(await backfillSearchIndex(db(), NOW + 60_000)).toMatchObject({ phase: 'ready' });
    const r = await backfillSearchIndex(db(), NOW + DROP_OLD_INDEX_AFTER_MS);
    expect(r.phase).toBe('done');
    const old = await env.DB.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'events_fts'`).first<{ n: number }>();
    expect(old!.n).toBe(0);
    const w = await call('POST', '/audit_logs/events', {
      key: DEFAULT_KEY,
      body: { organization_id: 'org_a', event: { action: 'user.signed_in', occurred_at: new Date(NOW - 500).toISOString(), actor: { id: 'user_late', type: 'user', name: 'Clarence Latecomer' }, targets: [{ id: 'x', type: 'y' }], context: { location: '10.0.0.9' } } },
    });
    expect(w.status, w.text).toBe(200);
    const page = await listEvents(db(), { projectId: 'proj_default', search: 'latecom', order: 'desc', limit: 5, now: NOW });
    expect(page.events.map((e) => e.actor.name)).toEqual(['Clarence Latecomer']);
  });
});
