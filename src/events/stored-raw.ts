// How an event's `raw` (the JSON the client sent, the one stored copy of the event) is
// kept in D1's `events.raw`: deflated in the Worker with a preset dictionary, as a BLOB
// whose first byte names the format. Rows written before migration 0014 hold the JSON as
// TEXT and are read as they are; a BLOB's format byte lets a later dictionary be added
// without rewriting old rows. SQL never reads inside a BLOB: the fields filters compare
// (location, actor type, targets) are columns of the row (see search/sql.ts).
//
// node:zlib (workerd's native implementation, `nodejs_compat`) because the Web
// CompressionStream has no preset dictionary, and without one a 400-byte event shrinks by a
// third instead of by two thirds (figures in docs/performance.md).
import { Buffer } from 'node:buffer';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { RAW_DICTIONARY_1 } from './raw-dictionary';

/** The format byte of a deflated raw event: deflate-raw with RAW_DICTIONARY_1. */
const FORMAT_1 = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const DICTIONARY_1 = encoder.encode(RAW_DICTIONARY_1);

/** What `events.raw` holds as D1 or node:sqlite return it: TEXT, or a BLOB in one of their shapes. */
export type StoredRaw = string | ArrayBuffer | Uint8Array | number[];

/**
 * The raw event in its stored form: the format byte and the deflated bytes, or the text
 * itself when deflating would not make it smaller (tiny events).
 */
export function encodeRaw(raw: string): Uint8Array | string {
  const text = encoder.encode(raw);
  const deflated = deflateRawSync(text, { level: 9, dictionary: DICTIONARY_1 });
  if (deflated.byteLength + 1 >= text.byteLength) return raw;
  const out = new Uint8Array(deflated.byteLength + 1);
  out[0] = FORMAT_1;
  out.set(deflated, 1);
  return out;
}

/** The stored form as a field of a JSON chunk (see store.ts): text as `r`, bytes hex-encoded as `rz` (SQL: `unhex`). */
export function storedRawParam(stored: Uint8Array | string): { r: string } | { rz: string } {
  return typeof stored === 'string' ? { r: stored } : { rz: Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString('hex') };
}

function bytesOf(stored: Exclude<StoredRaw, string>): Uint8Array {
  if (stored instanceof Uint8Array) return stored;
  if (stored instanceof ArrayBuffer) return new Uint8Array(stored);
  return Uint8Array.from(stored);
}

/** The raw event's JSON text, byte for byte as it was sent, from its stored form. */
export function decodeRaw(stored: StoredRaw): string {
  if (typeof stored === 'string') return stored;
  const bytes = bytesOf(stored);
  if (bytes[0] !== FORMAT_1) throw new Error(`stored raw event in unknown format ${bytes[0]}`);
  return decoder.decode(inflateRawSync(bytes.subarray(1), { dictionary: DICTIONARY_1 }));
}
