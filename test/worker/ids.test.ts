// Identifiers: prefix + ULID. The random part comes from crypto.getRandomValues drawn 256
// bytes at a time (src/lib/ids.ts); these checks fail if the pool were read past its end or
// never refilled, or if the draw skewed the characters (each within ±15 % of an even share).
import { decodeTime } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { EVENT_ID_PATTERN, newId } from '../../src/lib/ids';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('newId', () => {
  it('is time-ordered and strictly increasing within one millisecond', () => {
    const now = Date.UTC(2029, 10, 27, 12);
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
    const start = Date.UTC(2030, 0, 1);
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
