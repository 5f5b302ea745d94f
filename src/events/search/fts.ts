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
import { appendWords, searchWords } from './fold';

export { searchWords };

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

/**
 * The project's tag: its id folded to `[a-z0-9]`. Project ids are `proj_` + a ULID
 * (case-insensitive by design), so two projects never share a tag.
 */
export function projectTag(projectId: string): string {
  if (projectId !== lastProject) {
    lastProject = projectId;
    lastTag = projectId.toLowerCase().replace(/[^a-z0-9]/g, '');
  }
  return lastTag;
}
// A write's events all belong to one project: its tag is folded once.
let lastProject = '';
let lastTag = '';

/** A word as an index token of this project. */
export const tagged = (tag: string, word: string) => `${tag}_${word}`;

/** Text as the index stores it: each word tagged, in order (phrases keep their positions). */
export function taggedText(tag: string, text: string): string {
  return tagWords(tag, searchWords(text));
}

/** Words as `<tag>_<word>` tokens separated by spaces, in one join. */
const tagWords = (tag: string, words: readonly string[]) => (words.length === 0 ? '' : `${tag}_${words.join(` ${tag}_`)}`);

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

/** Vocabulary key prefixes: a word seen in a primary column, or one seen only in `meta` (in that event). */
export const VOCAB_PRIMARY = 'p';
export const VOCAB_META = 'm';
/**
 * Identifier stems (see identifierStem): one seen in a primary column, one seen only in `meta`
 * (in that event). Split like the words so a prefix searched in the primary columns reads
 * only their stems: metadata's random ids gave `cl` 581 stems at 1,000,000 events, 18 of them
 * in a primary column, and pushed it past MAX_PREFIX_TERMS. Keys written before the split
 * (migration 0016) are all `i`, a superset that stays exact; stem-split.ts moves the ones
 * with no primary-column identifier to `j`.
 */
export const VOCAB_STEM = 'i';
export const VOCAB_META_STEM = 'j';

/** Shortest word that counts as an identifier when it holds a digit. */
export const IDENTIFIER_MIN_LENGTH = 5;

/** Index of the first ASCII digit at or after `from`, or -1. */
function firstDigit(word: string, from = 0): number {
  for (let i = from; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return i;
  }
  return -1;
}

/** True when `text` from `from` on holds at least `min` code points (as `[...text].length` counts them). */
function hasCodePoints(text: string, from: number, min: number): boolean {
  const units = text.length - from;
  if (units < min) return false;
  if (units >= 2 * min) return true;
  let count = 0;
  for (let i = from; i < text.length; i++, count++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count >= min;
}

/**
 * The vocabulary rule. A word of at least IDENTIFIER_MIN_LENGTH characters with an ASCII
 * digit in it (ULIDs, UUID parts, request ids, hashes, numbered names) is an identifier:
 * nearly every one is new, so listing them would grow the vocabulary with every event.
 * The vocabulary keeps its **stem** instead (key `i`, or `j` seen only in metadata), the word up to and including its first digit
 * (`01hx…` → `0`, `k3b9x` → `k3`, `smith1984` → `smith1`): a bounded set. A prefix search
 * stays exact: every identifier that completes a prefix has a stem that is listed under
 * that prefix (the prefix has no digit: the stem is longer and starts with it) or equals
 * the prefix's own stem (it has one), and such a stem becomes an FTS5 prefix query
 * (`"tag_k3" *`) among the whole-term completions. Whole words never use the vocabulary.
 */
export function identifierStem(word: string): string | null {
  const d = firstDigit(word);
  return d >= 0 && hasCodePoints(word, 0, IDENTIFIER_MIN_LENGTH) ? word.slice(0, d + 1) : null;
}

/** The stem every identifier completing this (untagged) prefix would share, when it holds a digit; null when it has none. */
export function prefixStem(prefix: string): string | null {
  const d = firstDigit(prefix);
  return d >= 0 ? prefix.slice(0, d + 1) : null;
}

/** One event's row of the search index and its vocabulary keys (what rowTerms gives for the row). */
export interface IndexEntry {
  row: FtsRow;
  terms: string[];
}

/**
 * The event's index row and vocabulary keys in one pass over its words: each word is folded
 * once, and the keys are found from the untagged words, never by splitting the row again.
 *
 * Each column's text is the words of its parts in order. The original joined the parts with
 * ` ` and ` ; ` and folded the whole, which gives the same words: a space changes nothing
 * around it in NFKD (it is a starter), in mark removal, in lower-casing (it is neither cased
 * nor case-ignorable, so it ends the final-sigma context) or in the split. Folding part by
 * part skips building the joined strings and keeps the ASCII parts on the fast path.
 */
export function indexEntry(e: AuditEvent): IndexEntry {
  const tag = projectTag(e.projectId);
  const b = new EntryBuilder(tag);
  const event_id = b.add(e.id).column();
  const actor_id = b.add(e.actor.id).column();
  const actor_email = b.add(e.actor.email ?? '').column();
  const actor_name = b.add(e.actor.name ?? '').column();
  const action = b.add(e.action, e.actionType ?? '').column();
  for (const x of e.targets) b.add(x.id, x.name ?? '', x.type ?? '');
  const target = b.column();
  // The id's words, plus the whole id as one token so an organization filter can
  // join a text search inside the FTS index (a phrase of common words like "org" is slow).
  const orgWords = b.add(e.organizationId).words.join('');
  const orgText = b.column();
  const organization = `${tag}__o${orgWords}`;
  const org = orgText === '' ? organization : `${orgText} ${organization}`;
  const place = b.add(e.context.location, e.context.userAgent ?? '').column();
  b.add(e.actor.type ?? '').addMetadata(e.metadata).addMetadata(e.actor.metadata);
  for (const x of e.targets) b.addMetadata(x.metadata);
  const meta = b.column(true);
  return { row: { event_id, actor_id, actor_email, actor_name, action, target, org, place, meta }, terms: b.terms };
}

/** Folds one column's words at a time, and keys every word of the event as it goes. */
class EntryBuilder {
  /** The words of the column being built. */
  readonly words: string[] = [];
  /** The vocabulary keys so far, in the order their words came. */
  readonly terms: string[] = [];
  /** Words already keyed: a word of a primary column is not keyed again, not even in `meta`. */
  private readonly seen = new Set<string>();
  private readonly stems = new Set<string>();
  /** What comes before a word: in the column text (first and other tokens), in its vocabulary keys. */
  private readonly token: string;
  private readonly between: string;
  private readonly primaryKey: string;
  private readonly metaKey: string;
  private readonly stemKey: string;
  private readonly metaStemKey: string;

  constructor(tag: string) {
    this.token = `${tag}_`;
    this.between = ` ${tag}_`;
    this.primaryKey = `${VOCAB_PRIMARY}${tag}_`;
    this.metaKey = `${VOCAB_META}${tag}_`;
    this.stemKey = `${VOCAB_STEM}${tag}_`;
    this.metaStemKey = `${VOCAB_META_STEM}${tag}_`;
  }

  add(...parts: unknown[]): this {
    for (const part of parts) appendWords(joined(part), this.words);
    return this;
  }

  /** Metadata as the pairs `key value` (the value as String() writes it). */
  addMetadata(m: Record<string, unknown>): this {
    for (const k of Object.keys(m)) {
      appendWords(k, this.words);
      appendWords(String(m[k]), this.words);
    }
    return this;
  }

  /** The column's text (the words added since the last column, tagged), each new word keyed (as metadata's when `meta`). */
  column(meta = false): string {
    const { words } = this;
    if (words.length === 0) return '';
    // Built with `+` (a rope): JSON.stringify of the write's rows flattens it for less than a `join` costs (measured).
    let text = this.token + words[0];
    for (let i = 1; i < words.length; i++) text += this.between + words[i];
    for (const word of words) {
      if (this.seen.has(word)) continue;
      this.seen.add(word);
      const stem = identifierStem(word);
      if (stem === null) this.terms.push((meta ? this.metaKey : this.primaryKey) + word);
      else if (!this.stems.has(stem)) {
        this.stems.add(stem);
        this.terms.push((meta ? this.metaStemKey : this.stemKey) + stem);
      }
    }
    words.length = 0;
    return text;
  }
}

/** A part as `Array.prototype.join` writes it (null and undefined are empty). */
const joined = (part: unknown): string => (typeof part === 'string' ? part : part == null ? '' : `${part as string}`);

/** The event's index row alone (writers use indexEntry, which gives its vocabulary keys too). */
export function ftsRow(e: AuditEvent): FtsRow {
  return indexEntry(e).row;
}

/**
 * A tagged term's vocabulary key: `<whole><term>`, or for an identifier `i<tag>_<stem>`
 * (`j` when `whole` is metadata's), which is the term up to its word's first digit. (Tags are `[a-z0-9]`, no `_`; a term
 * without one reads as the original split read it: tag = all but its last character, word = all.)
 */
function vocabKey(term: string, whole: string): string {
  const stemKind = whole === VOCAB_META ? VOCAB_META_STEM : VOCAB_STEM;
  const u = term.indexOf('_');
  if (u < 0) {
    const s = identifierStem(term);
    return s === null ? whole + term : `${stemKind}${term.slice(0, -1)}_${s}`;
  }
  const d = firstDigit(term, u + 1);
  return d >= 0 && hasCodePoints(term, u + 1, IDENTIFIER_MIN_LENGTH) ? stemKind + term.slice(0, d + 1) : whole + term;
}

/**
 * The row's vocabulary keys (for `search_vocab`), organization tokens left out. Keyed by
 * column group so a prefix searched in the primary columns expands over their words only
 * (metadata's random ids would otherwise push short prefixes past the expansion limit).
 * Identifiers are keyed by their stem only (identifierStem), a stem seen in a primary column
 * once (`i`, not again as metadata's `j`). Keys come in the order of their terms' first
 * appearance, the primary columns' before the metadata's.
 */
export function rowTerms(row: FtsRow): string[] {
  const primary = new Set<string>();
  const keys = new Set<string>();
  for (const col of FTS_COLUMNS) {
    if (col === 'meta') continue;
    for (const term of row[col].split(' ')) {
      if (term === '' || primary.has(term) || term.includes('__')) continue;
      primary.add(term);
      keys.add(vocabKey(term, VOCAB_PRIMARY));
    }
  }
  for (const term of row.meta.split(' ')) {
    if (term === '' || primary.has(term)) continue;
    const key = vocabKey(term, VOCAB_META);
    if (key[0] === VOCAB_META_STEM && keys.has(VOCAB_STEM + key.slice(1))) continue;
    keys.add(key);
  }
  return [...keys];
}

/** True for a vocabulary key that is an identifier stem (never removed by a purge: other identifiers may share it). */
export const isStemKey = (key: string) => key[0] === VOCAB_STEM || key[0] === VOCAB_META_STEM;
