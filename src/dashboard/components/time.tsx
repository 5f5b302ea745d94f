// Times as people read them ("3 minutes ago"), with the exact UTC time on hover.

const UNITS: [number, string][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
  [12, 'month'],
  [Infinity, 'year'],
];

/** "3 minutes ago", relative to the server clock. */
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

export function Time({ ms, now }: { ms: number; now: number }) {
  return (
    <time dateTime={new Date(ms).toISOString()} title={exactTime(ms)}>
      {relativeTime(ms, now)}
    </time>
  );
}
