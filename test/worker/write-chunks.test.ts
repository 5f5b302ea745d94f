// A write's index rows find their event's seq from the chunk's first event plus the array
// position (src/events/store.ts): a batch large enough to span several chunks, among
// other writes, must give every event its own search row and target rows.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { listEvents } from '../../src/events/list';
import { auditLogBody, call } from './helpers';

const word = (i: number) => `chunkword${i.toString(36)}q`;

describe('index rows of a write that spans several chunks', () => {
  it('every event is found by its own word and its own targets, in a batch of several 512 KB chunks', async () => {
    await call('POST', '/audit_logs/events', { body: auditLogBody() }); // rows before, so seqs do not start at 1
    // Random text: it stays large when deflated (stored-raw.ts), so the write still spans several chunks.
    const noise = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => (b % 36).toString(36)).join('');
    const padding = { a: noise(500), b: noise(500), c: noise(300) };
    const events = Array.from({ length: 1000 }, (_, i) =>
      auditLogBody({
        actor: { id: `user_${i}`, type: 'user', name: `Chunk ${word(i)}` },
        targets: [{ id: `tgt_${i}`, type: 'document' }, { id: `tgt_${i}_b`, type: 'page' }],
        metadata: padding,
      }),
    );
    const r = await call('POST', '/audit_logs/events/batch', { body: { events } });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const ids: string[] = r.body.ids ?? r.body.data?.map((e: { id: string }) => e.id);
    expect(ids).toHaveLength(1000);

    // More than two chunks of JSON went into this write (the events as sent; stored deflated, see stored-raw.ts).
    expect(events.reduce((n, e) => n + JSON.stringify(e).length, 0)).toBeGreaterThan(2 * 512 * 1024);

    // No targets table any more: target filters find each event by its own targets, from the index and `raw`.
    const db = drizzle(env.DB);
    for (let i = 3; i < 1000; i += 111) {
      const byId = await listEvents(db, { projectId: 'proj_default', targetIds: [`tgt_${i}_b`], order: 'desc', limit: 5 });
      expect(byId.events.map((e) => e.id), `tgt_${i}_b`).toEqual([ids[i]]);
    }
    const typed = await listEvents(db, { projectId: 'proj_default', targetTypes: ['page'], order: 'desc', limit: 1000 });
    expect(new Set(typed.events.map((e) => e.id))).toEqual(new Set(ids));

    // Every search row belongs to its event: each word finds exactly its own event.
    for (let i = 0; i < 1000; i += 7) {
      const page = await listEvents(db, { projectId: 'proj_default', search: `${word(i)} `, order: 'desc', limit: 5 });
      expect(page.events.map((e) => e.id), word(i)).toEqual([ids[i]]);
    }
  }, 60_000);
});
