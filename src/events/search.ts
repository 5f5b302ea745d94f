// Full-text search: what each event puts into the FTS5 index, and how any string a
// person types becomes a safe MATCH expression.
import type { AuditEvent } from './model';

/** Column values for one row of `events_fts` (see migrations/0001_events.sql). */
export interface FtsRow {
  ids: string;
  email: string;
  names: string;
  action: string;
  place: string;
  meta: string;
}

/** Columns a plain search looks in first; `meta` is searched only when these find nothing. */
export const PRIMARY_COLUMNS = '{ids email names action place}';

export function ftsRow(e: AuditEvent): FtsRow {
  const meta = (m: Record<string, unknown>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(' ');
  return {
    ids: [e.id, e.actor.id, e.organizationId, ...e.targets.map((t) => t.id)].join(' '),
    email: e.actor.email ?? '',
    names: [e.actor.name ?? '', ...e.targets.map((t) => t.name ?? '')].join(' '),
    action: [e.action, e.actionType ?? ''].join(' '),
    place: [e.context.location, e.context.userAgent ?? ''].join(' '),
    meta: [
      e.actor.type ?? '',
      ...e.targets.map((t) => t.type ?? ''),
      meta(e.metadata),
      meta(e.actor.metadata),
      ...e.targets.map((t) => meta(t.metadata)),
    ].join(' '),
  };
}

/** Longest search input considered; the rest is ignored (documented). */
export const MAX_SEARCH_CHARS = 256;
/** At most this many words take part in one search. */
export const MAX_SEARCH_WORDS = 12;

const HAS_TOKEN = /[\p{L}\p{N}]/u;

/**
 * Turns free text into an FTS5 expression that cannot fail to parse: every
 * whitespace-separated word becomes a quoted phrase (the tokenizer splits it the
 * way it split the indexed text, so `clarence@example.com` becomes the phrase
 * "clarence example com"), all words must match, and the last word matches as a
 * prefix unless the input ends with a space. Words with no letter or digit are
 * dropped. Returns null when nothing searchable is left.
 */
export function toMatchExpression(input: string): string | null {
  const trimmedEnd = input.length > 0 && /\s$/.test(input);
  const words = input
    .slice(0, MAX_SEARCH_CHARS)
    .normalize('NFKC')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .split(/\s+/)
    .filter((w) => HAS_TOKEN.test(w))
    .slice(0, MAX_SEARCH_WORDS);
  if (words.length === 0) return null;
  return words
    .map((w, i) => {
      const phrase = `"${w.replace(/"/g, '""')}"`;
      return i === words.length - 1 && !trimmedEnd ? `${phrase} *` : phrase;
    })
    .join(' AND ');
}
