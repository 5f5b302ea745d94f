// API usage counts are buffered in the isolate and written together at most every
// FLUSH_DELAY_MS, by the request that opened the window (from its own waitUntil, so
// the write belongs to a live request). Counting then costs no D1 write on any
// request's path; the counters are atomic upserts, so concurrency loses nothing.
import { batch, type Db } from '../lib/db';
import { failureStatement, keyUsageStatement, statusClass, usageStatement, utcDay, type FailureRecord, type UsageHit } from './store';

export const FLUSH_DELAY_MS = 500;

let hits: UsageHit[] = [];
let failures: FailureRecord[] = [];
let scheduled = false;

/** Adds a count; returns a promise for the caller's waitUntil when it opened a new window. */
export function bufferUsage(db: Db, hit: UsageHit, failure: FailureRecord | null): Promise<void> | null {
  hits.push(hit);
  if (failure) failures.push(failure);
  if (scheduled) return null;
  scheduled = true;
  return new Promise<void>((resolve) => setTimeout(resolve, FLUSH_DELAY_MS)).then(() => flushUsage(db));
}

export async function flushUsage(db: Db): Promise<void> {
  const takenHits = hits;
  const takenFailures = failures;
  hits = [];
  failures = [];
  scheduled = false;
  if (takenHits.length === 0 && takenFailures.length === 0) return;
  // Same key (project, day, endpoint, outcome): one upsert carrying the sum.
  const merged = new Map<string, UsageHit & { requests: number }>();
  for (const h of takenHits) {
    const key = [h.projectId, utcDay(h.at), h.endpoint, statusClass(h.status)].join('\u0000');
    const m = merged.get(key);
    if (m) {
      m.requests += 1;
      m.events += h.events;
    } else merged.set(key, { ...h, requests: 1 });
  }
  // Per API key: one upsert per key with its count and latest use.
  const byKey = new Map<string, { projectId: string; keyId: string; requests: number; last: number }>();
  for (const h of takenHits) {
    if (!h.keyId) continue;
    const id = `${h.projectId}\u0000${h.keyId}`;
    const k = byKey.get(id);
    if (k) {
      k.requests += 1;
      k.last = Math.max(k.last, h.at);
    } else byKey.set(id, { projectId: h.projectId, keyId: h.keyId, requests: 1, last: h.at });
  }
  await batch(db, [
    ...[...merged.values()].map((h) => usageStatement(db, h, h.requests)),
    ...[...byKey.values()].map((k) => keyUsageStatement(db, k.projectId, k.keyId, k.requests, k.last)),
    ...takenFailures.map((f) => failureStatement(db, f)),
  ]);
}
