// Rendering helpers: a whole page for a plain request, the fragment alone for an
// htmx request, from one component.
import type { Context } from 'hono';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { AppEnv } from '../context';

export function sendHtml(c: Context<AppEnv>, node: VNode, status = 200): Response {
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>${renderToString(node)}`, status as 200);
}

export function sendFragment(c: Context<AppEnv>, node: VNode, status = 200): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'HX-Request');
  return c.html(renderToString(node), status as 200);
}

/** True for an htmx request that swaps part of the page (not a history restore or a full swap). */
export function wantsFragment(c: Context<AppEnv>): boolean {
  return (
    c.req.header('hx-request') === 'true' &&
    c.req.header('hx-request-type') !== 'full' &&
    c.req.header('hx-history-restore-request') !== 'true'
  );
}

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

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  return (
    <button type="button" class="copy" data-copy={value} aria-label={`${label}: ${value.slice(0, 40)}`}>
      {label}
    </button>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
