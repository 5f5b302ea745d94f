// The background job: one step reads events oldest first with the list's keyset cursors and
// writes them into an R2 multipart upload, one part at a time. Memory holds one part (5 MiB, R2's
// minimum, plus one page) whatever the size of the export. R2 wants every part but the last the
// same size, so a part is cut at exactly PART_BYTES and the rest is carried into the next one
// through a small R2 object. After each part the record saves where the next part starts (the
// last event id in it); a retried step starts again from there with the same carried bytes and
// rewrites the same part number, so no row is ever written twice. A step stops after STEP_MS and
// asks for another (the Queue message is sent again), so each invocation stays short.
import type { Db } from '../lib/db';
import { listEvents } from '../events/list';
import type { AuditExport } from './model';
import { objectKey } from './model';
import { header, line } from './render';
import { finishExport, getExport, savePart, saveUploadId } from './store';

/** R2 parts except the last must be at least 5 MiB. */
export const PART_BYTES = 5 * 1024 * 1024;
export const PAGE_ROWS = 100;
export const STEP_MS = 20_000;

const encoder = new TextEncoder();

export type StepResult = 'done' | 'more' | 'gone';

export interface StepOptions {
  now: () => number;
  /** Overrides (tests): smaller parts and steps to exercise resuming. */
  partBytes?: number;
  stepMs?: number;
}

/** Concatenates byte chunks (one part's worth). */
function joined(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The bytes carried over from part n to part n + 1 (R2 parts but the last must all be the same size). */
export const carryKey = (key: string, partNumber: number) => `${key}.carry-${partNumber}`;

export async function runExportStep(db: Db, bucket: R2Bucket, projectId: string, id: string, options: StepOptions): Promise<StepResult> {
  const e = await getExport(db, projectId, id);
  if (!e || e.state !== 'pending') return 'gone';
  const partBytes = options.partBytes ?? PART_BYTES;
  const deadline = Date.now() + (options.stepMs ?? STEP_MS);
  const key = objectKey(e);
  let uploadId = e.uploadId;
  if (uploadId === null) {
    const started = await bucket.createMultipartUpload(key, { httpMetadata: { contentType: e.format === 'csv' ? 'text/csv' : 'application/x-ndjson' } });
    await saveUploadId(db, e, started.uploadId, options.now());
    // Another step may have started one first: use whichever the record kept.
    uploadId = (await getExport(db, projectId, id))!.uploadId!;
    if (uploadId !== started.uploadId) await started.abort().catch(() => undefined);
  }
  const upload = bucket.resumeMultipartUpload(key, uploadId);
  let current: AuditExport = e;
  for (;;) {
    // Part n: the bytes carried over from part n - 1, then events after the saved cursor, cut at
    // exactly partBytes; what is beyond the cut is carried over to part n + 1.
    const partNumber = current.parts.length + 1;
    const chunks: Uint8Array[] = [];
    let size = 0;
    let partRows = 0;
    let cursor = current.cursor;
    let ended = false;
    const add = (bytes: Uint8Array) => {
      chunks.push(bytes);
      size += bytes.length;
    };
    if (partNumber === 1) add(encoder.encode(header(e.format)));
    else {
      const carried = await bucket.get(carryKey(key, partNumber - 1));
      if (carried) add(new Uint8Array(await carried.arrayBuffer()));
    }
    while (size < partBytes) {
      const page = await listEvents(db, { ...e.query, projectId, order: 'asc', limit: PAGE_ROWS, after: cursor ?? undefined, now: e.createdAt });
      for (const ev of page.events) add(encoder.encode(line(e.format, ev)));
      partRows += page.events.length;
      if (page.events.length > 0) cursor = page.events[page.events.length - 1].id;
      if (page.after === null) {
        ended = true;
        break;
      }
    }
    const all = joined(chunks, size);
    const last = ended && size <= partBytes;
    const body = last ? all : all.subarray(0, partBytes);
    if (!last) await bucket.put(carryKey(key, partNumber), all.subarray(partBytes));
    if (body.length > 0 || partNumber === 1) {
      const uploaded = await upload.uploadPart(partNumber, body);
      const part = { partNumber, etag: uploaded.etag };
      const rows = current.rowsWritten + partRows;
      await savePart(db, current, part, cursor, rows, options.now());
      current = { ...current, parts: [...current.parts, part], cursor, rowsWritten: rows };
    }
    if (last) {
      await upload.complete(current.parts);
      await finishExport(db, current, 'ready', null, options.now());
      await bucket.delete(current.parts.map((p) => carryKey(key, p.partNumber)));
      return 'done';
    }
    if (Date.now() > deadline) return 'more';
  }
}

/** The job failed for good: the export says why, and the upload is dropped. */
export async function failExport(db: Db, bucket: R2Bucket, projectId: string, id: string, reason: string, now: number): Promise<void> {
  const e = await getExport(db, projectId, id);
  if (!e || e.state !== 'pending') return;
  if (e.uploadId) await bucket.resumeMultipartUpload(objectKey(e), e.uploadId).abort().catch(() => undefined);
  await bucket.delete(Array.from({ length: e.parts.length + 1 }, (_, i) => carryKey(objectKey(e), i + 1))).catch(() => undefined);
  await finishExport(db, e, 'error', reason.slice(0, 500), now);
}
