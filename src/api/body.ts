// Reading a request body as JSON without trusting its size, encoding or syntax.
import { AppError } from '../lib/errors';
import { pathString } from '../events/validate';

export interface JsonBody {
  value: unknown;
  text: string;
}

/** How much of an over-long body is read (and dropped) so the client gets its 413. */
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

export async function readJsonBody(req: Request, maxBytes: number): Promise<JsonBody> {
  const tooLarge = () =>
    new AppError('payload_too_large', `Request body is larger than the ${Math.round(maxBytes / 1024)} KB limit.`);
  const declared = Number(req.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        // Read and drop the rest (up to a bound) before answering: a server that answers
        // and closes while the client is still sending makes it see a reset, not our 413.
        for (let drained = size; drained < DRAIN_LIMIT_BYTES; ) {
          const next = await reader.read();
          if (next.done) break;
          drained += next.value.byteLength;
        }
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new AppError('invalid_json', 'Request body is not valid UTF-8.');
  }
  if (text.trim() === '') throw new AppError('invalid_json', 'Request body is empty; send a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, 200) : 'syntax error';
    throw new AppError('invalid_json', `Request body is not valid JSON: ${detail}`);
  }
  const ill = illFormedPath(value);
  if (ill) {
    const field = pathString(ill.path) || 'body';
    const message = ill.why === 'surrogate' ? `${field} must be well-formed Unicode (it holds a lone surrogate)` : `${field} nests deeper than ${MAX_JSON_DEPTH} levels`;
    throw new AppError('validation_failed', 'Validation failed.', { problems: [{ path: ill.path, kind: 'invalid', message }] });
  }
  return { value, text };
}

/** A lone UTF-16 surrogate (a `\ud800` escape with no partner): text no store can keep as it was sent. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * How deep a body may nest. The deepest valid body nests 8 levels (a batch: events, an item,
 * its event, targets, a target, its metadata, a value); deeper ones are refused before any
 * later step (serialising, validating) pays for the depth.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The path of a key or string that is not well-formed Unicode, or of a value nested deeper than
 * MAX_JSON_DEPTH, or null. Iterative and linear (each node keeps a link to its parent, not a copy
 * of its path): JSON.parse accepts bodies nested millions deep.
 */
function illFormedPath(root: unknown): { path: (string | number)[]; why: 'surrogate' | 'depth' } | null {
  interface Node {
    value: unknown;
    key: string | number | null;
    parent: Node | null;
    depth: number;
  }
  const pathOf = (n: Node | null, last?: string): (string | number)[] => {
    const out: (string | number)[] = last === undefined ? [] : [last];
    for (let at = n; at && at.key !== null; at = at.parent) out.push(at.key);
    return out.reverse();
  };
  const stack: Node[] = [{ value: root, key: null, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value, depth } = node;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return { path: pathOf(node), why: 'surrogate' };
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= MAX_JSON_DEPTH) return { path: pathOf(node), why: 'depth' };
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: node, depth: depth + 1 });
      } else {
        for (const [k, v] of Object.entries(value)) {
          if (LONE_SURROGATE.test(k)) return { path: pathOf(node, k), why: 'surrogate' };
          stack.push({ value: v, key: k, parent: node, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}
