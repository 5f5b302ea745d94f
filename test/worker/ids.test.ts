// Identifiers: prefix + ULID. The random part comes from crypto.getRandomValues drawn 256
// bytes at a time (src/lib/ids.ts): every draw is a byte of a pool that crypto.getRandomValues
// filled (once per 256 draws), each used once, and the characters come out evenly.
import { decodeTime } from 'ulidx';
import { describe, expect, it, vi } from 'vitest';
import { EVENT_ID_PATTERN, newId, randomFraction } from '../../src/lib/ids';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('newId', () => {
  it('draws from crypto.getRandomValues, 256 bytes a call, each byte once', () => {
    const fill = vi.spyOn(crypto, 'getRandomValues');
    try {
      const draws = Array.from({ length: 10_000 }, () => randomFraction());
      for (const x of draws) {
        expect(Number.isFinite(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThan(1);
        expect(Number.isInteger(x * 256)).toBe(true);
      }
      // Whatever was left in the pool first (0 to 256 bytes), 10,000 draws need 39 or 40 refills.
      expect(fill.mock.calls.length).toBeGreaterThanOrEqual(39);
      expect(fill.mock.calls.length).toBeLessThanOrEqual(40);
      for (const [array] of fill.mock.calls) expect((array as Uint8Array).length).toBe(256);
      // newId draws from that pool: 160 ids in new milliseconds take 2,560 bytes, 10 or 11 fills (not one call per character).
      fill.mockClear();
      const start = Date.UTC(2199, 0, 1);
      for (let i = 0; i < 160; i++) newId('event', start + i);
      expect(fill.mock.calls.length).toBeGreaterThanOrEqual(10);
      expect(fill.mock.calls.length).toBeLessThanOrEqual(11);
    } finally {
      fill.mockRestore();
    }
  });

  it('is time-ordered and strictly increasing within one millisecond', () => {
    const now = Date.UTC(2200, 10, 27, 12);
    const ids = Array.from({ length: 600 }, () => newId('event', now));
    for (const id of ids) {
      expect(id).toMatch(EVENT_ID_PATTERN);
      expect(decodeTime(id.slice(4))).toBe(now);
    }
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
  });

  it('draws every random character evenly, across many refills of the pool', () => {
    // Rising times, later than any other id of this file (an id at or before the last one's
    // time increments it instead): each id draws 16 fresh characters, and the pool of 256
    // bytes refills every 16 ids.
    const start = Date.UTC(2201, 0, 1);
    const n = 4000;
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const id = newId('request', start + i * 7);
      seen.add(id.slice(-16));
      for (const ch of id.slice(-16)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(seen.size).toBe(n);
    expect([...counts.keys()].sort().join('')).toBe(CROCKFORD);
    // 64,000 characters, 2,000 expected each; an even draw stays well within ±15 %.
    for (const ch of CROCKFORD) {
      expect(counts.get(ch)).toBeGreaterThan(1700);
      expect(counts.get(ch)).toBeLessThan(2300);
    }
  });
});
