// Full-text search: what each event puts into the FTS5 index. (How a search string
// becomes a MATCH expression is the query language's job: language.ts.)
//
// The index is `search_fts` (migrations/0003_search_index.sql). Every token carries its
// project: the Worker folds and splits the text itself (case, diacritics, every
// non-letter/digit is a separator, `_` included) and writes each word as `<tag>_<word>`,
// where `_` is a token character of the index. No word the Worker emits holds a `_`, so
// no client text, organization id or metadata can produce another project's token, and a
// project-scoped search reads only its own project's doclists.
import type { AuditEvent } from '../model';

/** Column values for one row of the search index, in column order. */
export const FTS_COLUMNS = ['event_id', 'actor_id', 'actor_email', 'actor_name', 'action', 'target', 'org', 'place', 'meta'] as const;
export type FtsColumn = (typeof FTS_COLUMNS)[number];
export type FtsRow = Record<FtsColumn, string>;

/** Columns a plain search looks in first; `meta` is searched only when these find nothing. */
export const PRIMARY_COLUMNS = '{event_id actor_id actor_email actor_name action target org place}';

/**
 * bm25 weights in column order: ids and emails above names above actions and
 * metadata (a hit in a rare, precise field says more than one in free text).
 */
export const BM25_WEIGHTS = [10, 8, 8, 5, 3, 4, 4, 2, 1] as const;

/** Folds like the index's unicode61 tokenizer (case, diacritics) and splits into words. */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The project's tag: its id folded to `[a-z0-9]`. Project ids are `proj_` + a ULID
 * (case-insensitive by design), so two projects never share a tag.
 */
export function projectTag(projectId: string): string {
  return projectId.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A word as an index token of this project. */
export const tagged = (tag: string, word: string) => `${tag}_${word}`;

/** Text as the index stores it: each word tagged, in order (phrases keep their positions). */
export function taggedText(tag: string, text: string): string {
  return searchWords(text)
    .map((w) => tagged(tag, w))
    .join(' ');
}

/** The organization id folded to one word (its separators dropped): `org_01H…` → `org01h…`. */
const orgWord = (id: string) => searchWords(id).join('');

/**
 * An organization as one token: `<tag>__o<org>` (two underscores: no text can make it,
 * not even in the same project). An organization filter joins the text search inside the index.
 */
export function orgToken(tag: string, organizationId: string): string {
  return `${tag}__o${orgWord(organizationId)}`;
}

/** The old index's project token (`events_fts`, read until the backfill is done). */
export function legacyProjectToken(projectId: string): string {
  return `p${projectId.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/** The old index's organization token. */
export function legacyOrgToken(id: string): string {
  return `o${orgWord(id)}`;
}

export function ftsRow(e: AuditEvent): FtsRow {
  const tag = projectTag(e.projectId);
  const t = (text: string) => taggedText(tag, text);
  const meta = (m: Record<string, unknown>) =>
    Object.entries(m)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(' ; ');
  return {
    event_id: t(e.id),
    actor_id: t(e.actor.id),
    actor_email: t(e.actor.email ?? ''),
    actor_name: t(e.actor.name ?? ''),
    action: t([e.action, e.actionType ?? ''].join(' ')),
    target: t(e.targets.map((x) => [x.id, x.name ?? '', x.type ?? ''].join(' ')).join(' ; ')),
    // The id's words, plus the whole id as one token so an organization filter can
    // join a text search inside the FTS index (a phrase of common words like "org" is slow).
    org: `${t(e.organizationId)} ${orgToken(tag, e.organizationId)}`.trim(),
    place: t([e.context.location, e.context.userAgent ?? ''].join(' ')),
    meta: t([e.actor.type ?? '', meta(e.metadata), meta(e.actor.metadata), ...e.targets.map((x) => meta(x.metadata))].join(' ; ')),
  };
}

/** Vocabulary key prefixes: a word seen in a primary column, or one seen only in `meta` (in that event). */
export const VOCAB_PRIMARY = 'p';
export const VOCAB_META = 'm';
/** Identifier stems (see identifierStem), whichever column their words were seen in. */
export const VOCAB_STEM = 'i';

/** Shortest word that counts as an identifier when it holds a digit. */
export const IDENTIFIER_MIN_LENGTH = 5;

const firstDigit = (word: string) => word.search(/[0-9]/);

/**
 * The vocabulary rule. A word of at least IDENTIFIER_MIN_LENGTH characters with an ASCII
 * digit in it (ULIDs, UUID parts, request ids, hashes, numbered names) is an identifier:
 * nearly every one is new, so listing them would grow the vocabulary with every event.
 * The vocabulary keeps its **stem** instead (key `i`), the word up to and including its first digit
 * (`01hx…` → `0`, `k3b9x` → `k3`, `smith1984` → `smith1`): a bounded set. A prefix search
 * stays exact: every identifier that completes a prefix has a stem that is listed under
 * that prefix (the prefix has no digit: the stem is longer and starts with it) or equals
 * the prefix's own stem (it has one), and such a stem becomes an FTS5 prefix query
 * (`"tag_k3" *`) among the whole-term completions. Whole words never use the vocabulary.
 */
export function identifierStem(word: string): string | null {
  const d = firstDigit(word);
  return d >= 0 && [...word].length >= IDENTIFIER_MIN_LENGTH ? word.slice(0, d + 1) : null;
}

/** The stem every identifier completing this (untagged) prefix would share, when it holds a digit; null when it has none. */
export function prefixStem(prefix: string): string | null {
  const d = firstDigit(prefix);
  return d >= 0 ? prefix.slice(0, d + 1) : null;
}

/** A tagged term split into tag and word (tags are `[a-z0-9]`, no `_`). */
const untag = (term: string) => {
  const i = term.indexOf('_');
  return { tag: term.slice(0, i), word: term.slice(i + 1) };
};

/**
 * The row's vocabulary keys (for `search_vocab`), organization tokens left out. Keyed by
 * column group so a prefix searched in the primary columns expands over their words only
 * (metadata's random ids would otherwise push short prefixes past the expansion limit).
 * Identifiers are keyed by their stem only (identifierStem).
 */
export function rowTerms(row: FtsRow): string[] {
  const primary = new Set<string>();
  for (const col of FTS_COLUMNS) if (col !== 'meta') for (const term of row[col].split(' ')) if (term && !term.includes('__')) primary.add(term);
  const meta = new Set<string>();
  for (const term of row.meta.split(' ')) if (term && !primary.has(term)) meta.add(term);
  const keys = new Set<string>();
  const add = (term: string, whole: string) => {
    const { tag, word } = untag(term);
    const s = identifierStem(word);
    keys.add(s === null ? whole + term : `${VOCAB_STEM}${tag}_${s}`);
  };
  for (const t of primary) add(t, VOCAB_PRIMARY);
  for (const t of meta) add(t, VOCAB_META);
  return [...keys];
}

/** True for a vocabulary key that is an identifier stem (never removed by a purge: other identifiers may share it). */
export const isStemKey = (key: string) => key.startsWith(VOCAB_STEM);
