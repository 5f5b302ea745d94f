// One read binds each distinct value once (src/lib/db.ts allRows): `?` placeholders become
// SQLite's numbered `?N`, outside quoted text, so a page's statement that repeats its project,
// filters and cursor stays inside D1's 100 parameters.
import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { allRows, numberParameters } from '../../src/lib/db';

describe('numberParameters', () => {
  it('numbers each distinct text or number once, in first-use order', () => {
    expect(numberParameters('SELECT ? + ?, ?, ?, ?', [1, 1, 'a', 'a', '1'])).toEqual({ text: 'SELECT ?1 + ?1, ?2, ?2, ?3', values: [1, 'a', '1'] });
    expect(numberParameters('SELECT ?, ?', [null, null])).toEqual({ text: 'SELECT ?1, ?1', values: [null] });
  });

  it('leaves quoted text alone, doubled quotes included', () => {
    const text = `SELECT '?', 'it''s ?', "a?""b", ?, \`c?\`, ?`;
    expect(numberParameters(text, ['x', 'y'])).toEqual({ text: `SELECT '?', 'it''s ?', "a?""b", ?1, \`c?\`, ?2`, values: ['x', 'y'] });
  });

  it('never shares bytes, and refuses a query that does not fit its values', () => {
    const a = new Uint8Array([1]);
    expect(numberParameters('SELECT ?, ?', [a, a]).values).toHaveLength(2);
    expect(() => numberParameters('SELECT ?', [1, 2])).toThrow();
    expect(() => numberParameters('SELECT ?1', [1])).toThrow();
  });

  it('binds 150 uses of one value and 50 others as 51 parameters, through D1', async () => {
    const values = [...Array.from({ length: 150 }, () => 'p'), ...Array.from({ length: 50 }, (_, i) => i)];
    const rows = sql.join(values.map((v) => sql`(${v})`), sql`, `);
    const [row] = await allRows<{ n: number; p: number; total: number }>(
      drizzle(env.DB),
      sql`SELECT count(*) AS n, sum(column1 = 'p') AS p, sum(iif(column1 = 'p', 0, column1)) AS total FROM (VALUES ${rows})`,
    );
    expect(row).toEqual({ n: 200, p: 150, total: (49 * 50) / 2 });
  });
});
