// The Events viewer's state, all of it in the URL: read it from the query string,
// turn it into an EventQuery for listEvents, and write it back as a query string.
import type { EventQuery } from '../../events/list';
import { looksLikeEmail } from '../../events/model';
import { parseIsoDateTime } from '../../events/validate';
import { EVENT_ID_PATTERN } from '../../lib/ids';

export const RANGE_PRESETS = [
  { id: '', label: 'Any time', ms: 0 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
] as const;

export const PAGE_SIZE = 50;

/** The viewer's state, exactly as it appears in the URL. */
export interface ViewerParams {
  q: string;
  range: string;
  from: string;
  to: string;
  action: string;
  actor: string;
  org: string;
  sort: string;
  after: string;
}

export function readViewerParams(url: URL): ViewerParams {
  const get = (k: string) => (url.searchParams.get(k) ?? '').slice(0, 512);
  return { q: get('q'), range: get('range'), from: get('from'), to: get('to'), action: get('action'), actor: get('actor'), org: get('org'), sort: get('sort'), after: get('after') };
}

/** `2026-11-26T10:30` from a datetime-local input, read as UTC. */
function localInput(value: string): number | undefined {
  if (!value) return undefined;
  const ms = parseIsoDateTime(value.length === 16 ? `${value}:00Z` : value);
  return ms ?? undefined;
}

export function toEventQuery(projectId: string, p: ViewerParams, now: number): EventQuery {
  const preset = RANGE_PRESETS.find((r) => r.id === p.range);
  const from = localInput(p.from) ?? (preset && preset.ms > 0 ? now - preset.ms : undefined);
  const to = localInput(p.to);
  const actor = p.actor.trim();
  return {
    projectId,
    search: p.q.trim() === '' ? undefined : p.q,
    actions: p.action ? [p.action] : undefined,
    organizationIds: p.org ? [p.org] : undefined,
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
