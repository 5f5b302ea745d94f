// Reading a request body as JSON without trusting its size, encoding or syntax.
import { AppError } from '../lib/errors';

export interface JsonBody {
  value: unknown;
  text: string;
}

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
  try {
    return { value: JSON.parse(text), text };
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, 200) : 'syntax error';
    throw new AppError('invalid_json', `Request body is not valid JSON: ${detail}`);
  }
}
