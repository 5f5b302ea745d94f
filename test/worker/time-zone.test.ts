// The dashboard's time zone arithmetic (src/dashboard/time-zone.ts), in workerd's own Intl.
import { describe, expect, it } from 'vitest';
import { formatInZone, isTimeZone, msToWallClock, wallClockToMs } from '../../src/dashboard/time-zone';

const utc = (s: string) => Date.parse(s);

describe('wall-clock times in a zone', () => {
  it.each([
    ['2026-11-20T15:30', 'Asia/Kolkata', '2026-11-20T10:00:00Z'],
    ['2026-07-01T12:00', 'Europe/Paris', '2026-07-01T10:00:00Z'],
    ['2026-01-01T12:00', 'Europe/Paris', '2026-01-01T11:00:00Z'],
    ['2026-11-20T10:00:30', 'UTC', '2026-11-20T10:00:30Z'],
    ['2026-03-08T01:59', 'America/New_York', '2026-03-08T06:59:00Z'],
    // A time that does not exist (clocks jump 02:00 -> 03:00 in Paris): moved forward, to 03:30 CEST.
    ['2026-03-29T02:30', 'Europe/Paris', '2026-03-29T01:30:00Z'],
    // A time that happens twice (03:00 -> 02:00): the earlier instant.
    ['2026-10-25T02:30', 'Europe/Paris', '2026-10-25T00:30:00Z'],
  ])('%s in %s is %s', (wall, zone, expected) => {
    expect(new Date(wallClockToMs(wall, zone)!).toISOString()).toBe(new Date(utc(expected)).toISOString());
  });

  it('refuses what is not a datetime-local value', () => {
    for (const bad of ['', 'banana', '2026-13-01T00:00', '2026-02-30T10:00', '2026-11-20 10:00', '2026-11-20T24:00', '2026-11-20T10:00Z']) {
      expect(wallClockToMs(bad, 'UTC'), bad).toBeNull();
    }
  });

  it('formats in the zone, to the millisecond when asked, and round-trips the inputs', () => {
    const ms = utc('2026-11-20T10:00:00.123Z');
    expect(formatInZone(ms, 'Asia/Kolkata')).toBe('2026-11-20 15:30:00');
    expect(formatInZone(ms, 'UTC', true)).toBe('2026-11-20 10:00:00.123');
    expect(msToWallClock(ms, 'Europe/Paris')).toBe('2026-11-20T11:00');
    expect(wallClockToMs(msToWallClock(ms, 'Europe/Paris'), 'Europe/Paris')).toBe(utc('2026-11-20T10:00:00Z'));
  });

  it('accepts only zone names the runtime knows', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    for (const bad of ['Mars/Olympus', '', '../etc', 'Europe/Paris; x=1', 'a'.repeat(80)]) expect(isTimeZone(bad), bad).toBe(false);
  });
});
