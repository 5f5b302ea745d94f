// Folding text into the search index's words, the way the index's unicode61 tokenizer
// would (case, diacritics; every run of letters and digits is a word, everything else a
// separator): NFKD, combining marks dropped, lower case, then the split.
//
// The words become stored tokens and vocabulary keys, so this must give the same words for
// every input as it always has: test/worker/search-fold.test.ts runs it against the original
// one-line version over a generated corpus.

/** Folds like the index's unicode61 tokenizer (case, diacritics) and splits into words. */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  appendWords(text, words);
  return words;
}

/**
 * Appends `text`'s words to `words`. Nearly every string an event holds is ASCII, where
 * NFKD and mark removal change nothing and a letter or digit is `[A-Za-z0-9]`: those are
 * scanned by hand, a word sliced out whole (lower-cased only when it holds a capital).
 * At the first non-ASCII character the string starts over on the Unicode path.
 */
export function appendWords(text: string, words: string[]): void {
  const before = words.length;
  let start = -1;
  let upper = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) {
      words.length = before;
      appendUnicodeWords(text, words);
      return;
    }
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) {
      if (start < 0) {
        start = i;
        upper = false;
      }
    } else if (c >= 0x41 && c <= 0x5a) {
      if (start < 0) start = i;
      upper = true;
    } else if (start >= 0) {
      words.push(upper ? text.slice(start, i).toLowerCase() : text.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) words.push(upper ? text.slice(start).toLowerCase() : text.slice(start));
}

const MARKS = /\p{M}/gu;
const LETTERS_OR_DIGITS = /[\p{L}\p{N}]+/gu;

/** The full fold. The maximal runs of letters and digits are exactly the non-empty pieces of a split on the rest. */
function appendUnicodeWords(text: string, words: string[]): void {
  const folded = text.normalize('NFKD').replace(MARKS, '').toLowerCase();
  for (const m of folded.matchAll(LETTERS_OR_DIGITS)) words.push(m[0]);
}
