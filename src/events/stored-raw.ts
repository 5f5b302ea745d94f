// How an event's `raw` (the JSON the client sent, the one stored copy of the event) is
// kept in D1's `events.raw`: deflated in the Worker with a preset dictionary, as a BLOB
// whose first byte names the format. Rows written before migration 0014 hold the JSON as
// TEXT and are read as they are; a BLOB's format byte lets a later dictionary be added
// without rewriting old rows. SQL never reads inside a BLOB: the fields filters compare
// (location, actor type, targets) are columns of the row (see search/sql.ts).
//
// Format 2 also puts the row's own text columns (organization, action, actor id, name and
// email, location, targets) at the end of the dictionary: the raw event repeats them, and a
// back-reference costs about 3 bytes where the text costs one per character (−58 B per
// event on the bench's data). Reading it needs those columns exactly as stored, so it is
// used only when each of them round-trips through D1 unchanged (no lone surrogate, no NUL);
// otherwise format 1. Those columns are therefore never updated without re-encoding `raw` in
// the same statement (the one UPDATE of them is layout-backfill.ts, which does both).
//
// node:zlib (workerd's native implementation, `nodejs_compat`) because the Web
// CompressionStream has no preset dictionary, and without one a 430-byte event shrinks to
// 291 bytes instead of 161 (format 1) or 103 (format 2) (figures in docs/performance.md).
import { Buffer } from 'node:buffer';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
// With its extension: bench/soak.ts runs this module's TypeScript directly, without a bundler.
import { RAW_DICTIONARY_1 } from './raw-dictionary.ts';

/** Format bytes: deflate-raw with RAW_DICTIONARY_1; the same followed by the row's text columns. */
const FORMAT_1 = 1;
const FORMAT_2 = 2;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const DICTIONARY_1 = encoder.encode(RAW_DICTIONARY_1);

/**
 * Both formats are deflate-raw with a 2 KB window (windowBits 11), a property of the format:
 * a reader sets up a small window, about a third cheaper per row than the default 32 KB
 * (≈ 29 against ≈ 40 µs per event in Node on the bench's events), and the window still holds
 * the dictionary's tail and the repeats inside an event. Level 6 encodes the same bytes as
 * level 9 on those events, faster. Figures in docs/performance.md.
 */
const DEFLATE = { level: 6, windowBits: 11, memLevel: 4 } as const;

/** What `events.raw` holds as D1 or node:sqlite return it: TEXT, or a BLOB in one of their shapes. */
export type StoredRaw = string | ArrayBuffer | Uint8Array | number[];

/** The row's text columns that format 2 uses, exactly as stored (`targets`: the column's JSON text). */
export interface RowText {
  organizationId: string;
  action: string;
  actorId: string;
  actorName: string | null;
  actorEmail: string | null;
  location: string;
  targets: string | null;
}

/** A value D1 might not give back exactly: a lone surrogate (not UTF-8) or a NUL (C strings). */
const UNSAFE = /[\p{Cs}\0]/u;

/** Format 2's dictionary for this row, or null when one of its columns might not read back the same. */
function rowDictionary(row: RowText): Uint8Array | null {
  const values = [row.organizationId, row.action, row.actorId, row.actorName ?? '', row.actorEmail ?? '', row.location, row.targets ?? ''];
  if (values.some((v) => UNSAFE.test(v))) return null;
  // The fixed part is encoded once (the same bytes as encoding the whole string: UTF-8 is per character).
  const own = encoder.encode(`\0${values.join('\0')}`);
  const dictionary = new Uint8Array(DICTIONARY_1.length + own.length);
  dictionary.set(DICTIONARY_1);
  dictionary.set(own, DICTIONARY_1.length);
  return dictionary;
}

/**
 * The raw event in its stored form: the format byte and the deflated bytes (format 2 when
 * the row's columns are given and safe, else 1), or the text itself when deflating would
 * not make it smaller (tiny events).
 */
export function encodeRaw(raw: string, row?: RowText): Uint8Array | string {
  const text = encoder.encode(raw);
  const own = row ? rowDictionary(row) : null;
  const deflated = deflateRawSync(text, { ...DEFLATE, dictionary: own ?? DICTIONARY_1 });
  if (deflated.byteLength + 1 >= text.byteLength) return raw;
  const out = new Uint8Array(deflated.byteLength + 1);
  out[0] = own ? FORMAT_2 : FORMAT_1;
  out.set(deflated, 1);
  return out;
}

/** The stored form as a field of a JSON chunk (see store.ts): text as `r`, bytes hex-encoded as `rz` (SQL: `unhex`). */
export function storedRawParam(stored: Uint8Array | string): { r: string } | { rz: string } {
  return typeof stored === 'string' ? { r: stored } : { rz: Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('hex') };
}

/** A BLOB as SQL's `hex()` gives it (how reads select `raw`: rows.ts). */
export function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

function bytesOf(stored: Exclude<StoredRaw, string>): Uint8Array {
  if (stored instanceof Uint8Array) return stored;
  if (stored instanceof ArrayBuffer) return new Uint8Array(stored);
  return Uint8Array.from(stored);
}

/** The raw event's JSON text, byte for byte as it was sent, from its stored form (and, for format 2, its row's columns). */
export function decodeRaw(stored: StoredRaw, row?: RowText): string {
  if (typeof stored === 'string') return stored;
  const bytes = bytesOf(stored);
  let dictionary: Uint8Array | null;
  if (bytes[0] === FORMAT_1) dictionary = DICTIONARY_1;
  else if (bytes[0] === FORMAT_2) {
    if (!row) throw new Error('stored raw event in format 2 read without its row');
    dictionary = rowDictionary(row);
    if (!dictionary) throw new Error('stored raw event in format 2 whose row cannot be its dictionary');
  } else throw new Error(`stored raw event in unknown format ${bytes[0]}`);
  return decoder.decode(inflateRawSync(bytes.subarray(1), { windowBits: DEFLATE.windowBits, dictionary }));
}
