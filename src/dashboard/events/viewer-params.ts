// The Events viewer's state, all of it in the URL: read it from the query string,
// turn it into an EventQuery for listEvents, and write it back as a query string.
import type { EventQuery } from '../../events/list';
import { looksLikeEmail } from '../../events/model';
import { EVENT_ID_PATTERN } from '../../lib/ids';
import { wallClockToMs } from '../time-zone';

export const RANGE_PRESETS = [
  { id: '', label: 'Any time', ms: 0 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
] as const;

/** The "When" control's value for a range typed into From/To. */
export const CUSTOM_RANGE = 'custom';

export const PAGE_SIZE = 50;

/** The viewer's state, exactly as it appears in the URL. */
export interface ViewerParams {
  q: string;
  range: string;
  from: string;
  to: string;
  action: string;
  actor: string;
  target: string;
  org: string;
  sort: string;
  after: string;
}

/**
 * The state in the URL, made consistent: "When" is one control, so a preset ("Last 24 hours")
 * and a typed range cannot both apply. A preset drops From/To; From/To without a preset is the
 * custom range (`range=custom`, which app.js also selects as soon as a date is typed).
 */
export function readViewerParams(url: URL): ViewerParams {
  const get = (k: string) => (url.searchParams.get(k) ?? '').slice(0, 512);
  const p: ViewerParams = { q: get('q'), range: get('range'), from: get('from'), to: get('to'), action: get('action'), actor: get('actor'), target: get('target'), org: get('org'), sort: get('sort'), after: get('after') };
  const preset = RANGE_PRESETS.find((r) => r.id === p.range && r.ms > 0);
  if (preset) {
    p.from = '';
    p.to = '';
  } else if (p.from !== '' || p.to !== '') p.range = CUSTOM_RANGE;
  else if (p.range === CUSTOM_RANGE) p.range = '';
  else if (!RANGE_PRESETS.some((r) => r.id === p.range)) p.range = '';
  return p;
}

/** A From/To value that does not read as a date and time (`2026-11-26T10:30`). */
export function badRangeInputs(p: ViewerParams, zone: string): ('from' | 'to')[] {
  return (['from', 'to'] as const).filter((k) => p[k] !== '' && wallClockToMs(p[k], zone) === null);
}

/**
 * A search of one character is someone who has just started typing: the viewer keeps showing
 * the unsearched list (with a note) instead of flashing "no events match" at the first keystroke.
 */
export const stillTyping = (q: string) => [...q.trim()].length === 1;

export function toEventQuery(projectId: string, p: ViewerParams, now: number, zone = 'UTC'): EventQuery {
  const preset = RANGE_PRESETS.find((r) => r.id === p.range);
  const typed = (v: string) => (v === '' ? undefined : (wallClockToMs(v, zone) ?? undefined));
  const from = typed(p.from) ?? (preset && preset.ms > 0 ? now - preset.ms : undefined);
  const to = typed(p.to);
  const actor = p.actor.trim();
  return {
    projectId,
    search: p.q.trim() === '' || stillTyping(p.q) ? undefined : p.q,
    actions: p.action ? [p.action] : undefined,
    organizationIds: p.org ? [p.org] : undefined,
    targetIds: p.target.trim() ? [p.target.trim()] : undefined,
    actorIds: actor && !looksLikeEmail(actor) ? [actor] : undefined,
    actorEmails: actor && looksLikeEmail(actor) ? [actor] : undefined,
    occurredAt: { gte: from, lt: to },
    order: p.sort === 'relevance' ? 'relevance' : 'desc',
    now,
    limit: PAGE_SIZE,
    after: EVENT_ID_PATTERN.test(p.after) ? p.after : undefined,
  };
}

export function viewerQueryString(p: ViewerParams, overrides: Partial<ViewerParams> = {}): string {
  const merged = { ...p, ...overrides };
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(merged)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** A click-to-filter link: this view with one more filter (or search term) set, from the first page. */
export function withFilter(base: string, p: ViewerParams, add: Partial<ViewerParams>): string {
  return `${base}${viewerQueryString(p, { ...add, after: '' })}`;
}

/** A search term that matches `value` exactly in one qualifier's columns (`ip:"203.0.113.7"`). */
export function qualifiedTerm(qualifier: string, value: string): string {
  return `${qualifier}:"${value.replace(/"/g, ' ')}"`;
}

/** The search box with one more term: kept as typed, the term appended once. */
export function addTerm(q: string, term: string): string {
  const current = q.trim();
  return current.includes(term) ? current : current ? `${current} ${term}` : term;
}
