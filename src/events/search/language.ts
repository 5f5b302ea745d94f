// The search language, shared by the API's `search` parameter and the dashboard's
// search box. Free text as a person types it, plus qualifiers:
//
//   actor:clarence   action:user.signed_in   action:user.*   target:"Q3 report"   org:org_123
//   ip:203.0.113.7   type:c   after:7d   before:2026-11-01   "exact phrase"   -excluded
//   plan:pro         (any other key:value searches metadata and text, never an error)
//
// Parsing never throws: whatever cannot be understood is searched as text.
import { EVENT_ID_PATTERN } from '../../lib/ids';
import type { ActionType } from '../model';
import { parseIsoDateTime } from '../validate';
import { searchWords, tagged } from './fts';

/** Longest search input considered; the rest is ignored (documented). */
export const MAX_SEARCH_CHARS = 256;
/** A last word shorter than this matches as a whole word, not as a prefix. */
export const MIN_PREFIX_CHARS = 2;
/** At most this many terms take part in one search. */
export const MAX_SEARCH_TERMS = 12;

/** Qualifiers that aim at one FTS column group. */
const COLUMN_QUALIFIERS: Record<string, string> = {
  actor: '{actor_id actor_email actor_name}',
  target: '{target}',
  org: '{org}',
  organization: '{org}',
  group: '{org}',
  ip: '{place}',
  location: '{place}',
};

export interface FtsTerm {
  /** The text inside the quotes (the tokenizer splits it the way it split the index). */
  phrase: string;
  prefix: boolean;
  /** An FTS5 column filter such as `{org}`, or null for the default scope. */
  columns: string | null;
  negated: boolean;
  /** Plain words (not from a qualifier) obey the primary-columns-first rule. */
  plain: boolean;
}

export interface ParsedSearch {
  terms: FtsTerm[];
  /** Exact event ids typed as terms. */
  eventIds: string[];
  actions: string[];
  notActions: string[];
  /** `org:<id>` (also `organization:`, `group:`): that organization exactly, as the `org` filter. */
  organizations: string[];
  notOrganizations: string[];
  actionPrefixes: string[];
  actionTypes: ActionType[];
  after?: number;
  before?: number;
  /** What a qualifier expected when its value did not fit (`after:banana`); the value was searched as text. */
  hints: string[];
}

const WHEN_EXPECTED = 'a date (2026-11-01 or 2026-11-01T10:00Z) or an age (30m, 24h, 7d, 2w, 3mo, 1y)';

const HAS_TOKEN = /[\p{L}\p{N}]/u;
const RELATIVE = /^(\d{1,5})(m|min|h|d|w|mo|y)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, mo: 2_592_000_000, y: 31_536_000_000 };

/** `7d`, `24h`, `2026-11-01`, `2026-11-01T10:00Z` → epoch ms; null when it is none of these. */
export function parseWhen(value: string, now: number): number | null {
  const rel = RELATIVE.exec(value);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2].toLowerCase()];
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return parseIsoDateTime(`${value}T00:00:00Z`);
  return parseIsoDateTime(value);
}

interface RawToken {
  negated: boolean;
  key: string | null;
  value: string;
  quoted: boolean;
}

/** Splits on white space, keeping "quoted phrases" and key:"quoted values" whole. */
function tokenize(input: string): { tokens: RawToken[]; trailingSpace: boolean } {
  const text = input.slice(0, MAX_SEARCH_CHARS).normalize('NFKC').replace(/[\u0000-\u001f\u007f]/g, ' ');
  const tokens: RawToken[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && !/\s/.test(text[i + 1])) {
      negated = true;
      i++;
    }
    let key: string | null = null;
    const keyMatch = /^([A-Za-z][A-Za-z0-9_-]{0,39}):(?=\S)/.exec(text.slice(i));
    if (keyMatch) {
      key = keyMatch[1].toLowerCase();
      i += keyMatch[0].length;
    }
    let value = '';
    let quoted = false;
    if (text[i] === '"') {
      quoted = true;
      const end = text.indexOf('"', i + 1);
      value = end === -1 ? text.slice(i + 1) : text.slice(i + 1, end);
      i = end === -1 ? text.length : end + 1;
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i])) i++;
      value = text.slice(start, i);
    }
    tokens.push({ negated, key, value, quoted });
  }
  return { tokens, trailingSpace: /\s$/.test(text) };
}

export function parseSearch(input: string, now: number): ParsedSearch {
  const out: ParsedSearch = { terms: [], eventIds: [], actions: [], notActions: [], organizations: [], notOrganizations: [], actionPrefixes: [], actionTypes: [], hints: [] };
  const hint = (t: RawToken, expected: string) =>
    out.hints.push(`${t.key}: expects ${expected}; “${t.value}” is not one, so “${t.key}:${t.value}” was searched as text.`);
  const { tokens, trailingSpace } = tokenize(input);
  const asText = (t: RawToken, isLast: boolean, columns: string | null = null, plain = true) => {
    const phrase = t.key !== null && columns === null ? `${t.key} ${t.value}` : t.value;
    if (!HAS_TOKEN.test(phrase)) return;
    // A one-character last word matches whole words only: `s*` would match most of the index.
    const lastToken = phrase.split(/[^\p{L}\p{N}]+/u).filter(Boolean).pop() ?? '';
    const prefix = !t.quoted && isLast && !trailingSpace && [...lastToken].length >= MIN_PREFIX_CHARS;
    out.terms.push({ phrase, prefix, columns, negated: t.negated, plain });
  };
  tokens.slice(0, MAX_SEARCH_TERMS).forEach((t, index) => {
    const isLast = index === Math.min(tokens.length, MAX_SEARCH_TERMS) - 1;
    const v = t.value.trim();
    if (t.key === null) {
      if (!t.negated && EVENT_ID_PATTERN.test(v)) out.eventIds.push(v.slice(0, 4).toLowerCase() + v.slice(4).toUpperCase());
      // `user.` reads as the start of an action name.
      else if (!t.quoted && /^[A-Za-z0-9_-]+\.$/.test(v)) out.terms.push({ phrase: v, prefix: true, columns: '{action}', negated: t.negated, plain: false });
      else asText(t, isLast);
      return;
    }
    switch (t.key) {
      case 'action': {
        if (/^[^\s*]+\.\*?$|^[^\s*]+\*$/.test(v)) {
          // user.* , user. , user* : an indexed prefix range on the action column.
          const prefix = v.replace(/\*$/, '');
          if (!t.negated && prefix.length > 0) out.actionPrefixes.push(prefix);
          else asText(t, isLast, '{action}', false);
        } else if (v.includes('.') && !/\s/.test(v)) {
          (t.negated ? out.notActions : out.actions).push(v);
        } else {
          asText(t, isLast, '{action}', false);
        }
        return;
      }
      case 'type': {
        const types = v.toLowerCase().split(',');
        if (!t.negated && types.every((x) => /^[crud]$/.test(x))) out.actionTypes.push(...(types as ActionType[]));
        else {
          if (!t.negated) hint(t, 'c, r, u or d (create, read, update, delete), or several with commas: type:c,u');
          asText(t, isLast);
        }
        return;
      }
      case 'after':
      case 'since':
      case 'before':
      case 'until': {
        const when = parseWhen(v, now);
        if (when === null && v !== '') hint(t, WHEN_EXPECTED);
        if (when === null || t.negated) asText(t, isLast);
        else if (t.key === 'after' || t.key === 'since') out.after = Math.max(out.after ?? -Infinity, when);
        else out.before = Math.min(out.before ?? Infinity, when);
        return;
      }
      case 'org':
      case 'organization':
      case 'group':
        // An id means that organization exactly (ids that fold to the same words, acme_corp and
        // ACME.CORP, are different organizations); `org:acme*` or a quoted phrase searches its words.
        if (v !== '' && !t.quoted && !/[\s*]/.test(v)) (t.negated ? out.notOrganizations : out.organizations).push(v);
        else asText(t, isLast, COLUMN_QUALIFIERS[t.key], false);
        return;
      case 'id':
        if (EVENT_ID_PATTERN.test(v)) out.eventIds.push(v.slice(0, 4).toLowerCase() + v.slice(4).toUpperCase());
        else {
          hint(t, 'an event id such as evt_01JB7Q3R5W8YJ6K4N2C9D0E1F2');
          asText(t, isLast);
        }
        return;
      default: {
        const columns = COLUMN_QUALIFIERS[t.key];
        // Known qualifier: aim at its columns. Unknown (plan:pro): the pair as a phrase
        // anywhere, which is how metadata `plan: pro` is indexed.
        asText(t, isLast, columns ?? null, false);
      }
    }
  });
  return out;
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Which index a MATCH expression is written for:
 * - `tagged` (search_fts): words folded and tagged with the project in the Worker; a
 *   prefix becomes an OR of the whole terms that complete it (`completions`, read from
 *   search_vocab: whole terms stream in rowid order and stop at the LIMIT), or FTS5's own
 *   `"term" *` when the project has more completions than MAX_PREFIX_TERMS (exact, slower);
 * - `legacy` (events_fts, until its backfill is done): the text as typed, `*` for prefixes.
 */
export type IndexDialect =
  | { kind: 'legacy' }
  | { kind: 'tagged'; tag: string; completions?: Readonly<Record<string, PrefixCompletions>> };

/**
 * A prefix whose completions are not known to the planner: the expression holds `mark`,
 * which the query's own statement replaces with the completions it reads from search_vocab
 * (see completionsSql in index-state.ts), so a prefix search costs no extra round trip.
 * The mark is made of control characters, which the search language drops from input.
 */
export interface PrefixSlot {
  mark: string;
  /** The tagged last word: the key of its completions. */
  key: string;
  /** The tagged words before it in the phrase. */
  head: string[];
  /** Only words seen in the primary columns complete it. */
  primaryOnly: boolean;
}

/**
 * At most this many prefixes of a search read their completions in its statement: each binds
 * about ten parameters in every copy of its expression, and D1 allows 100 per statement. A
 * search with more prefixes (`user. doc. role.`) reads the others with FTS5's own prefix
 * query: exact, slower.
 */
export const MAX_PREFIX_SLOTS = 2;

/** The slot's mark in the expression, or null when the search has used up its slots. */
function slotMark(slots: PrefixSlot[], slot: Omit<PrefixSlot, 'mark'>): string | null {
  const same = slots.find((s) => s.key === slot.key && s.primaryOnly === slot.primaryOnly && s.head.join(' ') === slot.head.join(' '));
  if (same) return same.mark;
  if (slots.length >= MAX_PREFIX_SLOTS) return null;
  const mark = `\u0001${slots.length}\u0001`;
  slots.push({ ...slot, mark });
  return mark;
}

/**
 * A prefix's whole terms among the primary columns' words, and among all words (null: more
 * than MAX_PREFIX_TERMS); a term ending in `*` is an identifier stem, matched as a prefix.
 */
export interface PrefixCompletions {
  primary: readonly string[] | null;
  all: readonly string[] | null;
}

/**
 * A prefix with more whole-term completions than this uses FTS5's own prefix query, which
 * reads every completion's whole doclist: `us` (every actor id's `user`) 96 ms at 1,000,000
 * events, against 3.4 ms as an OR of its 68 completions read newest first. 128 covers every
 * two-letter prefix of the bench's million events (at most 88 in the primary columns; 213 of
 * 676 were over the earlier 64). Measured in docs/performance.md.
 */
export const MAX_PREFIX_TERMS = 128;

/**
 * The completions a prefix expands to when its phrase has `headWords` words before it: every
 * completion repeats them, and FTS5 reads each word of each phrase on its own, so the budget
 * is MAX_PREFIX_TERMS words in all (`x-x-…-ma`, 120 head words: 1 completion, else FTS5's
 * prefix phrase; 128 of them held SQLite for ≈ 30 s at 1,000,000 events).
 */
export const maxCompletions = (headWords: number) => Math.floor(MAX_PREFIX_TERMS / (headWords + 1));

/** The tagged last word of a prefix term: the key of its completions. */
export function prefixKey(tag: string, t: FtsTerm): string | null {
  if (!t.prefix) return null;
  const words = searchWords(t.phrase);
  return words.length > 0 ? tagged(tag, words[words.length - 1]) : null;
}

function termBody(t: FtsTerm, dialect: IndexDialect, primaryOnly: boolean, slots: PrefixSlot[]): string {
  if (dialect.kind === 'legacy') return `${quote(t.phrase)}${t.prefix ? ' *' : ''}`;
  const words = searchWords(t.phrase).map((w) => tagged(dialect.tag, w));
  // No word at all: a token nobody indexed, so the term matches nothing (as an empty phrase did).
  if (words.length === 0) return quote(`${dialect.tag}_`);
  if (!t.prefix) return quote(words.join(' '));
  const head = words.slice(0, -1);
  if (dialect.completions === undefined) return slotMark(slots, { key: words[words.length - 1], head, primaryOnly }) ?? `${quote(words.join(' '))} *`;
  const known = dialect.completions[words[words.length - 1]];
  // A term aimed at primary columns only can match only words seen there.
  const completions = known === undefined ? undefined : primaryOnly ? known.primary : known.all;
  if (completions === undefined || completions === null || completions.length > maxCompletions(head.length)) return `${quote(words.join(' '))} *`;
  // No completion in this project: nothing matches; the whole word (not indexed) says so.
  if (completions.length === 0) return quote(words.join(' '));
  // A completion ending in `*` is an identifier stem's prefix term (see identifierStem in fts.ts).
  const phrases = completions.map((c) => (c.endsWith('*') ? `${quote([...head, c.slice(0, -1)].join(' '))} *` : quote([...head, c].join(' '))));
  return phrases.length === 1 ? phrases[0] : `(${phrases.join(' OR ')})`;
}

function termExpression(t: FtsTerm, primaryColumns: string | null, dialect: IndexDialect, slots: PrefixSlot[]): string {
  const columns = t.columns ?? (t.plain ? primaryColumns : null);
  const body = termBody(t, dialect, columns !== null && !columns.includes('meta'), slots);
  return columns ? `${columns} : (${body})` : body;
}

/**
 * The FTS5 MATCH expressions for a parsed search: what must match, and what must not,
 * and the prefixes whose completions the query reads itself (tagged dialect without
 * `completions`). With `primaryColumns`, plain words look only there (the metadata
 * fallback passes null).
 */
export function matchExpressions(
  p: ParsedSearch,
  primaryColumns: string | null,
  dialect: IndexDialect = { kind: 'legacy' },
): { include: string | null; exclude: string | null; slots: PrefixSlot[] } {
  const slots: PrefixSlot[] = [];
  const include = p.terms.filter((t) => !t.negated).map((t) => termExpression(t, primaryColumns, dialect, slots));
  // An excluded word is excluded wherever it appears, metadata included.
  const exclude = p.terms.filter((t) => t.negated).map((t) => termExpression({ ...t, plain: false }, null, dialect, slots));
  return {
    include: include.length > 0 ? include.join(' AND ') : null,
    exclude: exclude.length > 0 ? exclude.join(' OR ') : null,
    slots,
  };
}

/**
 * A whole phrase aimed at some columns (a filter's candidates, confirmed against the
 * stored event elsewhere); null when the text has no word the index could hold.
 */
export function columnPhrase(phrase: string, columns: string, dialect: IndexDialect): string | null {
  if (searchWords(phrase).length === 0) return null;
  return termExpression({ phrase, prefix: false, columns, negated: false, plain: false }, null, dialect, []);
}

/** True when some plain word could also match in metadata (so the fallback is worth a try). */
export const hasPlainTerms = (p: ParsedSearch) => p.terms.some((t) => t.plain && !t.negated);
