// The size cap on dashboard and viewer form bodies. Handlers call `c.req.formData()`, which
// buffers whatever arrives; this reads the body first, through a capped reader, so a body over
// the cap is a 413 before any handler runs (and before anything is written or audited).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../context';
import { AppError } from '../lib/errors';

/**
 * The largest form the dashboard or viewer takes. The largest legitimate ones are a passkey's JSON
 * (a few KB) and the viewer settings' list of origins (a few KB); 64 KB leaves room for both.
 */
export const MAX_FORM_BYTES = 64 * 1024;
/** How much of an over-long streamed body is read and dropped so the client sees the 413, not a reset. */
const DRAIN_LIMIT_BYTES = 32 * 1024 * 1024;

const tooLarge = () => new AppError('payload_too_large', `The form is larger than the ${MAX_FORM_BYTES / 1024} KB limit.`);

/** Caps the body of every request with one (POST and the rest) on the paths `applies` accepts. */
export const capFormBody = (applies: (path: string) => boolean) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const req = c.req.raw;
    if (req.method === 'GET' || req.method === 'HEAD' || !req.body || !applies(new URL(req.url).pathname)) return next();
    const declared = Number(req.headers.get('content-length') ?? 'NaN');
    if (Number.isFinite(declared) && declared > MAX_FORM_BYTES) throw tooLarge();
    const reader = req.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_FORM_BYTES) {
        for (let drained = size; drained < DRAIN_LIMIT_BYTES; ) {
          const more = await reader.read();
          if (more.done) break;
          drained += more.value.byteLength;
        }
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    // The handlers read this copy: the same method, headers and bytes, already within the cap.
    c.req.raw = new Request(req, { body: bytes });
    await next();
  });
