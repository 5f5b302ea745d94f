// The stored form of raw events (src/events/stored-raw.ts) inside workerd, with real D1:
// deflated with the preset dictionary (and the row's columns), written through a JSON chunk
// as hex, read back byte for byte; tiny events stay text.
import { env } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { allRows, database } from '../../src/lib/db';
import { listColumns, ROW_COLUMNS, toEvent, type ListRow } from '../../src/events/rows';
import { events } from '../../src/events/schema';
import { decodeRaw, encodeRaw, storedRawParam, type RowText } from '../../src/events/stored-raw';
import { call, DEMO_KEY, storedRaw } from './helpers';

const SAMPLES = [
  '{"action":"user.signed_in","occurred_at":"2026-11-20T10:00:00.000Z","actor":{"id":"user_01","type":"user","name":"Zoë Ñúñez 🙂"},"targets":[{"id":"t","type":"team"}],"context":{"location":"10.0.0.1","user_agent":"Mozilla/5.0 (X11; Linux x86_64)"},"metadata":{"k":"日本語 \\u0000 \\"q\\""}}',
  '{"group":"org_1","location":"1.1.1.1","occurred_at":"2026-11-20T10:00:00.000Z","action":"user.login","action_type":"C","actor_name":"A","actor_id":"u","target_name":"T","target_id":"t"}',
  `{"action":"a.b","metadata":{"blob":"${'x'.repeat(20_000)}"}}`,
];

describe('stored raw events', () => {
  it('deflates events into a format-1 BLOB and reads them back byte for byte', () => {
    for (const raw of SAMPLES) {
      const stored = encodeRaw(raw);
      expect(stored).toBeInstanceOf(Uint8Array);
      const bytes = stored as Uint8Array;
      expect(bytes[0]).toBe(1);
      expect(bytes.byteLength).toBeLessThan(new TextEncoder().encode(raw).byteLength);
      expect(decodeRaw(bytes)).toBe(raw);
      expect(decodeRaw(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)).toBe(raw);
      expect(decodeRaw([...bytes])).toBe(raw);
    }
  });

  it("format 2 deflates against the row's own columns, is smaller, and needs exactly those columns back", () => {
    const raw = SAMPLES[0].replace('"user_01"', '"usr_a8f3kq92mzxq7wv"');
    const row: RowText = {
      organizationId: 'org_1', action: 'user.signed_in', actorId: 'usr_a8f3kq92mzxq7wv', actorName: 'Zoë Ñúñez 🙂', actorEmail: null,
      location: '10.0.0.1', targets: '[["t",null,"team"]]',
    };
    const two = encodeRaw(raw, row) as Uint8Array;
    const one = encodeRaw(raw) as Uint8Array;
    expect([two[0], one[0]]).toEqual([2, 1]);
    expect(two.byteLength).toBeLessThan(one.byteLength);
    expect(decodeRaw(two, row)).toBe(raw);
    expect(() => decodeRaw(two)).toThrow(/without its row/);
    // Another row's columns give another text (or fail): the columns are part of the stored form.
    let other: string | Error;
    try {
      other = decodeRaw(two, { ...row, actorId: 'usr_b8f3kq92mzxq7wv' });
    } catch (e) {
      other = e as Error;
    }
    expect(other).not.toBe(raw);
  });

  it('falls back to format 1 when a column might not read back the same (a lone surrogate, a NUL)', () => {
    const row: RowText = { organizationId: 'o', action: 'a.b', actorId: 'u', actorName: 'bad \ud800', actorEmail: null, location: '', targets: '[]' };
    for (const r of [row, { ...row, actorName: 'n', location: 'x\u0000y' }]) {
      const stored = encodeRaw(SAMPLES[0], r) as Uint8Array;
      expect(stored[0]).toBe(1);
      expect(decodeRaw(stored, r)).toBe(SAMPLES[0]);
    }
  });

  it('keeps an event that would not shrink as text', () => {
    expect(encodeRaw('{}')).toBe('{}');
    expect(decodeRaw('{"a":1}')).toBe('{"a":1}');
  });

  it('refuses a BLOB in a format it does not know instead of guessing', () => {
    expect(() => decodeRaw(new Uint8Array([9, 1, 2]))).toThrow(/unknown format 9/);
  });

  it('crosses a JSON chunk as hex into a D1 BLOB and comes back as the same bytes', async () => {
    await env.DB.exec('CREATE TABLE IF NOT EXISTS raw_probe (id INTEGER PRIMARY KEY, raw)');
    const params = SAMPLES.map((s) => storedRawParam(encodeRaw(s)));
    await env.DB.prepare(`INSERT INTO raw_probe (id, raw) SELECT j.key, coalesce(unhex(j.value ->> 'rz'), j.value ->> 'r') FROM json_each(?) AS j`)
      .bind(JSON.stringify([...params, storedRawParam('{}')]))
      .run();
    const rows = (await env.DB.prepare('SELECT raw, typeof(raw) AS t FROM raw_probe ORDER BY id').all<{ raw: ArrayBuffer | string; t: string }>()).results;
    expect(rows.map((r) => r.t)).toEqual(['blob', 'blob', 'blob', 'text']);
    expect(rows.map((r) => decodeRaw(r.raw))).toEqual([...SAMPLES, '{}']);
  });

  it('reaches the Worker as hex text, never as a BLOB (D1 would send an array of numbers), and reads back the same', async () => {
    const big = { action: 'doc.viewed', occurred_at: '2026-11-20T10:00:00.000Z', actor: { id: 'user_hex', type: 'user', name: 'Zoë Hex' },
      targets: [{ id: 'doc_1', type: 'document' }], context: { location: '10.0.0.9', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) hex probe' },
      metadata: { note: 'x'.repeat(300) } };
    const sent = await call('POST', '/audit_logs/events', { key: DEMO_KEY, body: { organization_id: 'org_hex', event: big } });
    expect(sent.status).toBe(200);
    const listed = await call('GET', '/audit_logs/events?organization_id=org_hex', { key: DEMO_KEY });
    const id = listed.body.data[0].id as string;
    const stored = await storedRaw(id);
    expect(stored.rawType).toBe('blob');
    // Both ways reads select a row: the SQL executors' ROW_COLUMNS and drizzle's listColumns (lists by time, one event).
    const db = database(env.DB);
    const [row] = await allRows<ListRow>(db, sql`SELECT ${ROW_COLUMNS} FROM ${events} WHERE ${events.id} = ${id}`);
    const [viaDrizzle] = await db.select(listColumns).from(events).where(eq(events.id, id));
    for (const r of [row, viaDrizzle]) {
      expect(r.raw).toBeNull();
      expect(typeof r.rawHex).toBe('string');
      expect(r.rawHex).toMatch(/^0[12][0-9A-F]+$/);
      expect(toEvent(r).raw).toBe(stored.text);
    }
    // A TEXT raw (rows before 0014, events too small to deflate) comes as itself.
    await env.DB.prepare('UPDATE events SET raw = ? WHERE id = ?').bind(stored.text, id).run();
    const [text] = await allRows<ListRow>(database(env.DB), sql`SELECT ${ROW_COLUMNS} FROM ${events} WHERE ${events.id} = ${id}`);
    expect(text.rawHex).toBeNull();
    expect(toEvent(text).raw).toBe(stored.text);
    expect(JSON.parse(stored.text)).toMatchObject({ action: 'doc.viewed', metadata: { note: 'x'.repeat(300) } });
  });
});
