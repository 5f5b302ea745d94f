// The time zone the dashboard shows times in: the browser's own zone (app.js keeps it in the
// `wm_tz` cookie), or UTC when the person chose UTC (`wm_time=utc`) or the browser has not said.
// Date inputs are read in the same zone, so what is typed means what is shown.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../context';

export const ZONE_COOKIE = 'wm_tz';
export const TIME_MODE_COOKIE = 'wm_time';
/** The customer viewer's copy of ZONE_COOKIE (path /viewer, SameSite=None: it reaches a cross-site iframe; app.js sets it). */
export const VIEWER_ZONE_COOKIE = 'wm_viewer_tz';

export interface ViewerZone {
  /** An IANA zone name (`Europe/Paris`) or `UTC`. */
  zone: string;
  /** True when the person asked for UTC (the switch), not when UTC is only the fallback. */
  utcChosen: boolean;
  /** The browser's zone when known, for the switch back ("Show Europe/Paris"). */
  browserZone: string | null;
}

export const UTC_VIEW: ViewerZone = { zone: 'UTC', utcChosen: false, browserZone: null };

const valid = new Map<string, boolean>();

/** True for a zone name this runtime knows (checked once per name, remembered; at most 500 names). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  let ok = valid.get(name);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      ok = true;
    } catch {
      ok = false;
    }
    if (valid.size < 500) valid.set(name, ok);
  }
  return ok;
}

export function viewerZone(c: Context<AppEnv>): ViewerZone {
  const raw = getCookie(c, VIEWER_ZONE_COOKIE) ?? getCookie(c, ZONE_COOKIE);
  const browserZone = raw && isTimeZone(raw) ? raw : null;
  const utcChosen = getCookie(c, TIME_MODE_COOKIE) === 'utc';
  return { zone: utcChosen || !browserZone ? 'UTC' : browserZone, utcChosen, browserZone };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    });
    if (formatters.size < 500) formatters.set(zone, f);
  }
  return f;
}

export interface ZonedParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
  /** The zone's short name at that instant (`CET`, `GMT+1`, `UTC`). */
  zoneName: string;
}

export function zonedParts(ms: number, zone: string): ZonedParts {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    zoneName: parts.timeZoneName ?? zone,
  };
}

/** `2026-11-26 22:30:04` (or with `.123` milliseconds), in `zone`. */
export function formatInZone(ms: number, zone: string, withMs = false): string {
  const p = zonedParts(ms, zone);
  const millis = withMs ? `.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}` : '';
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}${millis}`;
}

/** The zone's offset from UTC at `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, zone: string): number {
  const p = zonedParts(ms, zone);
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * A datetime-local value (`2026-11-26T22:30` or with seconds) read as a wall-clock time in `zone`:
 * epoch ms, or null when it is not such a value. As Temporal's "compatible" rule: a time in a gap
 * (clocks moved forward) moves forward by the gap (02:30 becomes 03:30); a time that happens twice
 * (clocks moved back) is the earlier of the two.
 */
export function wallClockToMs(value: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  const wall = date.getTime();
  if (Number.isNaN(wall) || date.getUTCDate() !== d) return null;
  // Offsets in force a day before and a day after: one of them (or both, in an overlap) fits.
  const before = offsetAt(wall - 86_400_000, zone);
  const after = offsetAt(wall + 86_400_000, zone);
  const fits = [...new Set([before, after])].map((o) => wall - o).filter((t) => offsetAt(t, zone) === wall - t);
  return fits.length > 0 ? Math.min(...fits) : wall - before;
}

/** The datetime-local value that shows `ms` in `zone` (minutes precision, as the inputs use). */
export function msToWallClock(ms: number, zone: string): string {
  const p = zonedParts(ms, zone);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}
