// The retention purge: after a purge no search index row, vocabulary word, target row or
// catalog count refers to a deleted event; lists and searches return exactly the survivors;
// a held organization keeps everything; chunks are bounded; a run out of time resumes; and
// the hourly cron runs it.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { purgeChunk } from '../../src/events/purge';
import { isStemKey, PRIMARY_COLUMNS, projectTag } from '../../src/events/search/fts';
import type { Db } from '../../src/lib/db';
import { purgeExpiredEvents } from '../../src/organizations/expiry';
import { lastPurges, setLegalHold } from '../../src/organizations/retention';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { setProjectRetention } from '../../src/projects/settings';
import { call } from './helpers';

const DAY = 86_400_000;
const NOW = Date.now();
const db = drizzle(env.DB) as unknown as Db;
let key: string;
let projectId: string;

function event(org: string, daysAgo: number, i: number, words: { actor: string; meta: string }) {
  return {
    organization_id: org,
    event: {
      action: `report.${daysAgo > 30 ? 'archived' : 'viewed'}`,
      occurred_at: new Date(NOW - daysAgo * DAY - i * 1000).toISOString(),
      actor: { id: `user_${org}_${daysAgo}_${i}`, type: 'user', name: words.actor },
      targets: [
        { id: `doc_${org}_${daysAgo}_${i}`, type: 'document', name: `Report ${i}` },
        { id: 'shared_target', type: 'folder' },
      ],
      context: { location: '198.51.100.4' },
      metadata: { note: words.meta },
    },
  };
}

async function send(events: unknown[]) {
  const r = await call('POST', '/audit_logs/events/batch', { key, body: { events } });
  expect(r.status, r.text).toBe(200);
  return r.body.ids as string[];
}

const ids = async (org: string) => {
  const r = await call('GET', `/audit_logs/events?organization_id[]=${org}&limit=100&order=asc`, { key });
  expect(r.status, r.text).toBe(200);
  return (r.body.data as { id: string }[]).map((e) => e.id).sort();
};
const search = async (q: string) => {
  const r = await call('GET', `/audit_logs/events?search=${encodeURIComponent(q)}&limit=100`, { key });
  expect(r.status, r.text).toBe(200);
  return (r.body.data as { id: string }[]).map((e) => e.id).sort();
};

/** Everything that must refer only to stored events, checked across the whole database. */
async function assertConsistent() {
  const one = async (q: string, ...bind: unknown[]) => (await env.DB.prepare(q).bind(...bind).first<{ n: number }>())!.n;
  expect(await one('SELECT count(*) AS n FROM search_fts WHERE rowid NOT IN (SELECT seq FROM events)'), 'orphan index rows').toBe(0);
  expect(await one('SELECT count(*) AS n FROM search_fts'), 'index rows = events').toBe(await one('SELECT count(*) AS n FROM events'));
  expect(await one('SELECT count(*) AS n FROM event_targets WHERE event_seq NOT IN (SELECT seq FROM events)'), 'orphan targets').toBe(0);
  const counts = await env.DB.prepare(`SELECT c.kind, c.value, c.events,
      CASE c.kind WHEN 'organization' THEN (SELECT count(*) FROM events e WHERE e.project_id = c.project_id AND e.organization_id = c.value)
        ELSE (SELECT count(*) FROM events e WHERE e.project_id = c.project_id AND e.action = c.value) END AS actual
    FROM catalog c`).all<{ kind: string; value: string; events: number; actual: number }>();
  for (const c of counts.results) expect(c.events, `catalog ${c.kind} ${c.value}`).toBe(c.actual);
  // Every vocabulary word of this project is still in some event, in the columns its key stands for.
  const tag = projectTag(projectId);
  const words = await env.DB.prepare("SELECT term FROM search_vocab WHERE substr(term, 2, ?) = ?").bind(tag.length + 1, `${tag}_`).all<{ term: string }>();
  expect(words.results.length).toBeGreaterThan(10);
  // Identifier stems (`i`) stay: other identifiers may share them (fts.ts identifierStem);
  // a stem left with no identifier only adds a prefix term that matches nothing.
  for (const { term } of words.results.filter((w) => !isStemKey(w.term))) {
    const cols = term[0] === 'p' ? PRIMARY_COLUMNS : 'meta';
    const hit = await env.DB.prepare('SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT 1').bind(`${cols} : "${term.slice(1)}"`).first();
    expect(hit, `vocabulary word ${term} with no event`).not.toBeNull();
  }
}

let expiring: { old: string[]; recent: string[] };
let held: string[];
let forever: string[];

beforeAll(async () => {
  const project = await createProject(env.KV, { name: 'Retention', now: NOW });
  projectId = project.id;
  key = (await createKey(env.KV, { projectId, mode: 'test', name: 'k', now: NOW })).plain;
  const old = await send(Array.from({ length: 23 }, (_, i) => event('org_expiring', 45, i, { actor: 'Quillon Vexbright', meta: 'zephyrcode' })));
  const recent = await send(Array.from({ length: 4 }, (_, i) => event('org_expiring', 2, i, { actor: 'Mara Lindqvist', meta: 'keepword' })));
  expiring = { old: old.sort(), recent: recent.sort() };
  held = (await send(Array.from({ length: 6 }, (_, i) => event('org_held', 45, i, { actor: 'Hollis Grayward', meta: 'holdword' })))).sort();
  forever = (await send(Array.from({ length: 3 }, (_, i) => event('org_forever', 400, i, { actor: 'Ancient Oldham', meta: 'fossilword' })))).sort();
  for (const org of ['org_expiring', 'org_held']) {
    const r = await call('PUT', `/organizations/${org}/audit_logs_retention`, { key, body: { retention_period_in_days: 30 } });
    expect(r.status, r.text).toBe(200);
  }
  await setLegalHold(db, { projectId, organizationId: 'org_held', hold: true, now: NOW });
});

// Each test reads and checks the whole index: generous time on a loaded 2-core machine.
describe('retention purge', { timeout: 30_000 }, () => {
  it('a run out of time removes nothing and resumes next time', async () => {
    const r = await purgeExpiredEvents(db, env.KV, NOW, { ms: 0 });
    expect(r).toMatchObject({ events: 0, complete: false });
    expect(await ids('org_expiring')).toEqual([...expiring.old, ...expiring.recent].sort());
    const state = await env.DB.prepare('SELECT project_id FROM purge_state').first<{ project_id: string | null }>();
    expect(state!.project_id).not.toBeNull();
  });

  it('a held organization loses nothing, even when a chunk is asked for directly', async () => {
    const r = await purgeChunk(db, { projectId, organizationId: 'org_held', cutoff: NOW - 30 * DAY, run: NOW, now: NOW });
    expect(r.events).toBe(0);
    expect(await ids('org_held')).toEqual(held);
    const purges = await env.DB.prepare("SELECT count(*) AS n FROM purges WHERE organization_id = 'org_held'").first<{ n: number }>();
    expect(purges!.n).toBe(0);
  });

  it('removes exactly the expired events in bounded chunks, leaving no orphan index, vocabulary, target or count', async () => {
    expect(await search('quillon')).toEqual(expiring.old);
    const r = await purgeExpiredEvents(db, env.KV, NOW, { chunkEvents: 7 });
    expect(r.complete).toBe(true);
    expect(r.events).toBe(23);
    const chunks = await env.DB.prepare("SELECT events, targets FROM purges WHERE project_id = ? AND organization_id = 'org_expiring' ORDER BY id").bind(projectId).all<{ events: number; targets: number }>();
    expect(chunks.results.map((c) => c.events)).toEqual([7, 7, 7, 2]);
    expect(chunks.results.map((c) => c.targets)).toEqual([14, 14, 14, 4]);

    expect(await ids('org_expiring')).toEqual(expiring.recent);
    expect(await ids('org_held')).toEqual(held);
    expect(await ids('org_forever')).toEqual(forever);
    expect(await search('quillon')).toEqual([]);
    expect(await search('quil')).toEqual([]);
    expect(await search('zephyrcode')).toEqual([]);
    expect(await search('lindqvist')).toEqual(expiring.recent);
    expect(await search('holdword')).toEqual(held);
    // A target shared with surviving events keeps their rows; the deleted events' own are gone.
    const shared = await call('GET', '/audit_logs/events?target_ids[]=shared_target&limit=100', { key });
    expect(shared.body.data.length).toBe(4 + 6 + 3);
    for (const gone of expiring.old) expect((await call('GET', `/audit_logs/events/${gone}`, { key })).status).toBe(404);
    const vocab = await env.DB.prepare('SELECT count(*) AS n FROM search_vocab WHERE term = ?').bind(`p${projectTag(projectId)}_quillon`).first<{ n: number }>();
    expect(vocab!.n).toBe(0);
    await assertConsistent();

    const last = await lastPurges(db, projectId, ['org_expiring', 'org_held']);
    expect(last.get('org_expiring')).toMatchObject({ events: 23, targets: 46, cutoff: NOW - 30 * DAY });
    expect(last.has('org_held')).toBe(false);
    const page = await env.DB.prepare("SELECT events FROM catalog WHERE project_id = ? AND kind = 'organization' AND value = 'org_expiring'").bind(projectId).first<{ events: number }>();
    expect(page!.events).toBe(4);
  });

  it('purges a held organization once its hold is lifted, and applies the project default to the rest', async () => {
    await setLegalHold(db, { projectId, organizationId: 'org_held', hold: false, now: NOW });
    await setProjectRetention(env.KV, { projectId, days: 365 });
    const r = await purgeExpiredEvents(db, env.KV, NOW);
    expect(r.events).toBe(6 + 3);
    expect(await ids('org_held')).toEqual([]);
    expect(await ids('org_forever')).toEqual([]);
    expect(await ids('org_expiring')).toEqual(expiring.recent);
    await assertConsistent();
    await setProjectRetention(env.KV, { projectId, days: null });
  });

  it('runs from the hourly cron', async () => {
    const old = await send(Array.from({ length: 3 }, (_, i) => event('org_cron', 10, i, { actor: 'Cron Tabby', meta: 'cronword' })));
    const fresh = await send([event('org_cron', 0, 0, { actor: 'Cron Tabby', meta: 'cronword' })]);
    await call('PUT', '/organizations/org_cron/audit_logs_retention', { key, body: { retention_period_in_days: 1 } });
    expect((await ids('org_cron')).length).toBe(4);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController(), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await ids('org_cron')).toEqual(fresh);
    expect(old.length).toBe(3);
    await assertConsistent();
  });

  it('every purge query uses an index', async () => {
    const plan = async (q: string, ...bind: unknown[]) =>
      (await env.DB.prepare(`EXPLAIN QUERY PLAN ${q}`).bind(...bind).all<{ detail: string }>()).results.map((r) => r.detail).join(' | ');
    const select = await plan('SELECT seq FROM events WHERE project_id = ? AND organization_id = ? AND occurred_at < ? ORDER BY occurred_at LIMIT 200', projectId, 'o', 1);
    expect(select).toMatch(/INDEX events_project_org_time/);
    expect(select).not.toMatch(/TEMP B-TREE/);
    const targets = await plan('DELETE FROM event_targets WHERE project_id = ? AND (target_id, event_seq) IN (SELECT t.value ->> 0, 1 FROM json_each(?) t)', projectId, '[]');
    expect(targets).toMatch(/PRIMARY KEY/);
    // The chunk's events still there: rowid lookups, never a walk over the organization's events.
    const present = 'SELECT seq FROM events WHERE seq IN (SELECT CAST(value AS INTEGER) FROM json_each(?)) AND +project_id = ? AND +organization_id = ?';
    const fts = await plan(`DELETE FROM search_fts WHERE rowid IN (${present})`, '[1]', projectId, 'o');
    expect(fts).toMatch(/SCAN search_fts VIRTUAL TABLE INDEX 0:=/);
    expect(fts).toMatch(/SEARCH events USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    const events = await plan(`DELETE FROM events WHERE seq IN (${present})`, '[1]', projectId, 'o');
    expect(events).not.toMatch(/events_project_org_time/);
    const orgs = await plan(`SELECT c.value, (SELECT min(e.occurred_at) FROM events AS e WHERE e.project_id = c.project_id AND e.organization_id = c.value)
      FROM catalog AS c LEFT JOIN organization_settings AS s ON s.project_id = c.project_id AND s.organization_id = c.value
      WHERE c.project_id = ? AND c.kind = 'organization' AND c.events > 0 AND c.value > ? ORDER BY c.value LIMIT 200`, projectId, '');
    expect(orgs).toMatch(/SEARCH c USING PRIMARY KEY/);
    expect(orgs).toMatch(/events_project_org_time/);
    expect(orgs).not.toMatch(/TEMP B-TREE/);
  });
});

describe("the dashboard's own trail", () => {
  it('is never purged sooner than a year, whatever retention is set', async () => {
    const { cutoffOf } = await import('../../src/organizations/expiry');
    const { WAYMARK_MIN_RETENTION_DAYS } = await import('../../src/organizations/retention');
    const now = Date.UTC(2026, 10, 26);
    const day = 86_400_000;
    const row = { legalHold: 0, retentionSet: 1, retentionDays: 30 };
    expect(cutoffOf(row, null, now, 'proj_waymark')).toBe(now - WAYMARK_MIN_RETENTION_DAYS * day);
    expect(cutoffOf({ ...row, retentionDays: 400 }, null, now, 'proj_waymark')).toBe(now - 400 * day);
    expect(cutoffOf({ ...row, retentionSet: 0 }, 7, now, 'proj_waymark')).toBe(now - 365 * day);
    expect(cutoffOf(row, null, now, 'proj_demo')).toBe(now - 30 * day);
    expect(cutoffOf({ ...row, retentionDays: null }, null, now, 'proj_waymark')).toBeNull();
  });
});
