// Times as people read them. Event times are absolute, in the viewer's zone (time-zone.ts), with
// the relative time as a hint that app.js keeps current; other times ("created 3 days ago") are
// relative with the absolute time on hover.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { formatInZone, UTC_VIEW, zonedParts, type ViewerZone } from '../time-zone';

/** The zone of the person the page is rendered for (provided by render.ts for every page and fragment). */
export const ZoneContext = createContext<ViewerZone>(UTC_VIEW);

const UNITS: [number, string][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
  [12, 'month'],
  [Infinity, 'year'],
];

/** "3 minutes ago", relative to the server clock (app.js recomputes it in the browser every 30 s). */
export function relativeTime(ms: number, now: number): string {
  let delta = Math.round((now - ms) / 1000);
  const future = delta < 0;
  delta = Math.abs(delta);
  if (delta < 10) return future ? 'in a moment' : 'just now';
  for (const [size, unit] of UNITS) {
    if (delta < size) {
      const n = Math.floor(delta);
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return future ? `in ${label}` : `${label} ago`;
    }
    delta /= size;
  }
  return new Date(ms).toISOString();
}

export function exactTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** `2026-11-26 22:30:04 CET` in the viewer's zone (`UTC` when that is the zone). */
export function zonedLabel(ms: number, zone: string, withMs = false): string {
  return `${formatInZone(ms, zone, withMs)} ${zone === 'UTC' ? 'UTC' : zonedParts(ms, zone).zoneName}`;
}

/** Relative, with the absolute time in the viewer's zone on hover. */
export function Time({ ms, now }: { ms: number; now: number }) {
  const view = useContext(ZoneContext);
  return (
    <time dateTime={new Date(ms).toISOString()} title={zonedLabel(ms, view.zone)} data-rel={ms}>
      {relativeTime(ms, now)}
    </time>
  );
}

/** Absolute in the viewer's zone, the relative time beside it as a hint. */
export function When({ ms, now, withMs = false }: { ms: number; now: number; withMs?: boolean }) {
  const view = useContext(ZoneContext);
  return (
    <>
      <time dateTime={new Date(ms).toISOString()} title={view.zone === 'UTC' ? exactTime(ms) : `${zonedLabel(ms, view.zone, true)} · ${exactTime(ms)}`}>
        {formatInZone(ms, view.zone, withMs)}
      </time>{' '}
      <span class="rel" data-rel={ms}>
        {relativeTime(ms, now)}
      </span>
    </>
  );
}
