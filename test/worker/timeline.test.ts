// The viewer's timeline (src/events/timeline.ts) against a plain reference: every bucket's count,
// with filters, words and a time range, and the bounded reading when more events match than it counts.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { timeline, type Timeline } from '../../src/events/timeline';
import { createProject } from '../../src/projects/store';
import { createKey } from '../../src/projects/keys-store';
import { call } from './helpers';

const db = () => drizzle(env.DB);
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 5, 1, 0, 30, 0);
let projectId: string;

interface Sent {
  at: number;
  org: string;
  action: string;
  word: boolean;
}
const sent: Sent[] = [];

beforeAll(async () => {
  projectId = (await createProject(env.KV, { name: 'Timeline', now: Date.now() })).id;
  const { plain } = await createKey(env.KV, { projectId, mode: 'test', name: 'k', now: Date.now() });
  for (let i = 0; i < 300; i++) {
    sent.push({ at: T0 + i * HOUR + (i % 7) * 60_000, org: i % 3 === 0 ? 'org_a' : 'org_b', action: i % 4 === 0 ? 'report.viewed' : 'user.signed_in', word: i % 5 === 0 });
  }
  const events = sent.map((s, i) => ({
    organization_id: s.org,
    event: {
      action: s.action,
      occurred_at: new Date(s.at).toISOString(),
      actor: { id: `user_${i % 11}`, type: 'user', name: s.word ? 'Quokka Timelineson' : 'Plain Person' },
      targets: [{ id: `t_${i}`, type: 'thing' }],
      context: { location: '203.0.113.5', user_agent: 'test' },
    },
  }));
  const r = await call('POST', '/audit_logs/events/batch', { key: plain, body: { events } });
  expect(r.status, r.text.slice(0, 300)).toBe(200);
});

/** The reference: count per bucket of the events that pass `keep`, by the timeline's own bucket edges. */
function reference(t: Timeline, keep: (s: Sent) => boolean): number[] {
  return t.starts.map((start) => sent.filter((s) => keep(s) && s.at >= start && s.at < start + t.step).length);
}

describe('timeline', () => {
  it('counts every event of the project, bucketed to fit the range', async () => {
    const t = await timeline(db(), { projectId, order: 'desc', limit: 1 });
    expect(t.complete).toBe(true);
    expect(t.total).toBe(300);
    expect(t.step).toBe(6 * HOUR); // 300 hours in at most 60 bars
    expect(t.counts.length).toBeLessThanOrEqual(61);
    expect(t.counts).toEqual(reference(t, () => true));
    expect(t.counts.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('follows filters and words exactly', async () => {
    const t = await timeline(db(), { projectId, order: 'desc', limit: 1, organizationIds: ['org_a'], search: 'quokka' });
    expect(t.counts).toEqual(reference(t, (s) => s.org === 'org_a' && s.word));
    expect(t.total).toBe(sent.filter((s) => s.org === 'org_a' && s.word).length);
    const actions = await timeline(db(), { projectId, order: 'desc', limit: 1, actions: ['report.viewed'] });
    expect(actions.counts).toEqual(reference(actions, (s) => s.action === 'report.viewed'));
  });

  it('spans the time range asked for, with finer bars', async () => {
    const gte = T0 + 24 * HOUR;
    const lt = T0 + 48 * HOUR;
    const t = await timeline(db(), { projectId, order: 'desc', limit: 1, occurredAt: { gte, lt } });
    expect(t.step).toBe(HOUR);
    expect(t.starts[0]).toBeLessThanOrEqual(gte);
    expect(t.starts[t.starts.length - 1] + t.step).toBeGreaterThanOrEqual(lt);
    expect(t.counts).toEqual(reference(t, (s) => s.at >= gte && s.at < lt));
  });

  it('reads no more than its cap, and says from when its counts are exact', async () => {
    const t = await timeline(db(), { projectId, order: 'desc', limit: 1 }, 50);
    expect(t.complete).toBe(false);
    expect(t.total).toBe(50);
    const newest = [...sent].sort((a, b) => b.at - a.at);
    expect(t.countedFrom).toBe(newest[50].at); // the cap plus the one that proves there are more
    const exact = t.starts.map((start, i) => (start >= t.countedFrom! ? i : -1)).filter((i) => i >= 0);
    const ref = reference(t, () => true);
    for (const i of exact) expect(t.counts[i]).toBe(ref[i]);
    // The same through the words' own index.
    const words = await timeline(db(), { projectId, order: 'desc', limit: 1, search: 'quokka' }, 10);
    expect(words.complete).toBe(false);
    expect(words.total).toBe(10);
  });

  it("another project's events never count", async () => {
    const other = await timeline(db(), { projectId: 'proj_default', order: 'desc', limit: 1, search: 'quokka timelineson' });
    expect(other.total).toBe(0);
  });
});
