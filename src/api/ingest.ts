// The write path shared by every create endpoint: idempotency keys, the atomic
// write, and the answer (a replay returns the first answer byte for byte). A single
// event is written through its project's committer (group commit, events/committer.ts);
// a batch request is already one transaction and writes to D1 directly.
import type { Context } from 'hono';
import type { AppEnv } from '../context';
import { AppError, type Problem } from '../lib/errors';
import { sha256Hex } from '../lib/crypto';
import { MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from '../events/limits';
import type { NewEvent } from '../events/model';
import { problemToError, type CommitOutcome } from '../events/committer';
import { planWrite, writeEvents, type IdempotencyClaim, type StoredResponse, type WriteInput, type WriteResult } from '../events/store';

export const MAX_IDEMPOTENCY_KEY = 255;

/** Names the D1 transaction (group batch) that committed a single event: `<committer>.<sequence>`. */
export const COMMIT_HEADER = 'Waymark-Commit';

/** How an endpoint identifies a repeat of a request. */
export type DedupeRule =
  /** Only an Idempotency-Key header dedupes; reusing it with another body is a 409. */
  | { scope: string; content: false }
  /** WorkOS Audit Logs: the key plus the content, or the content alone without a key. */
  | { scope: string; content: true };

export async function idempotencyClaim(
  c: Context<AppEnv>,
  canonicalBody: string,
  rule: DedupeRule,
): Promise<IdempotencyClaim | undefined> {
  const key = c.req.header('idempotency-key');
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
    throw new AppError('invalid_request', `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters.`);
  }
  if (key === undefined && !rule.content) return undefined;
  const fingerprint = await sha256Hex(canonicalBody);
  const identity = rule.content
    ? `${rule.scope}\u0000${key ?? ''}\u0000${fingerprint}`
    : `${rule.scope}\u0000${key}`;
  return { keyHash: await sha256Hex(identity), fingerprint };
}

export async function ingest(
  c: Context<AppEnv>,
  input: { events: NewEvent[]; canonicalBody: string; rule: DedupeRule; respond: (ids: string[]) => StoredResponse },
): Promise<Response> {
  const idempotency = await idempotencyClaim(c, input.canonicalBody, input.rule);
  const write: WriteInput = {
    projectId: c.var.projectId,
    events: input.events,
    now: c.var.now(),
    requestId: c.var.requestId,
    idempotency,
    respond: input.respond,
  };
  const headers: Record<string, string> = {};
  let result: WriteResult;
  if (input.events.length === 1) {
    const committed = await commitSingle(c, write);
    result = committed.result;
    headers[COMMIT_HEADER] = committed.batch;
  } else {
    result = await writeEvents(c.var.db, write);
  }
  // Counted by the usage middleware once the answer is known: a replay wrote nothing.
  c.set('usageEvents', result.replayed ? 0 : input.events.length);
  if (result.replayed && !result.sameRequest) {
    throw new AppError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request body in the last 24 hours.',
    );
  }
  if (result.replayed) headers['Idempotent-Replayed'] = 'true';
  return c.json(result.response.body as object, result.response.status as 201, headers);
}

/** The 422 for a body's problems; `onError` renders them in the caller's wire shape. */
export function validationFailed(problems: Problem[]): AppError {
  return new AppError('validation_failed', 'Validation failed.', { problems });
}

/**
 * One event through the project's committer, which shares D1 batches among concurrent
 * requests. No fallback to a direct write: env.ts refuses to start without the binding.
 */
async function commitSingle(c: Context<AppEnv>, write: WriteInput): Promise<{ result: WriteResult; batch: string }> {
  const committers = c.env.COMMITTER;
  // RPC's typing cannot see through the `unknown` response body; the value is plain data.
  const stub = committers.get(committers.idFromName(write.projectId));
  const outcome = (await stub.write(planWrite(write))) as unknown as CommitOutcome;
  if (!outcome.ok) throw problemToError(outcome.problem);
  return outcome;
}

/** Checks the batch envelope and returns its items. */
export function batchItems(value: unknown): unknown[] {
  const problem = (path: (string | number)[], kind: Problem['kind'], message: string) =>
    validationFailed([{ path, kind, message }]);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw problem(['events'], 'invalid', 'body must be an object with an events array');
  }
  const extra = Object.keys(value).filter((k) => k !== 'events');
  if (extra.length > 0) throw problem([extra[0]], 'unknown_field', `${extra[0]} is not a known field`);
  const items = (value as { events?: unknown }).events;
  if (items === undefined) throw problem(['events'], 'required', 'events is required');
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_BATCH_EVENTS) {
    throw problem(['events'], 'invalid', `events must be an array of 1 to ${MAX_BATCH_EVENTS} events`);
  }
  return items;
}

/** Parses every item of a batch, collecting each bad item's problems under `events[i]`. */
export function parseBatch(
  items: unknown[],
  parseOne: (item: unknown) => { ok: true; event: NewEvent } | { ok: false; problems: Problem[] },
): { events: NewEvent[]; problems: Problem[] } {
  const events: NewEvent[] = [];
  const problems: Problem[] = [];
  const tooLarge: Problem[] = [];
  items.forEach((item, i) => {
    const parsed = parseOne(item);
    if (!parsed.ok) problems.push(...parsed.problems.map((p) => ({ ...p, path: ['events', i, ...p.path] })));
    else if (utf8Length(parsed.event.raw) > MAX_EVENT_BYTES) {
      tooLarge.push({ path: ['events', i], kind: 'invalid', message: `events[${i}] is larger than the ${MAX_EVENT_BYTES / 1024} KB limit for one event` });
    } else events.push(parsed.event);
  });
  if (tooLarge.length > 0 && problems.length === 0) {
    throw new AppError('payload_too_large', `An event is larger than the ${MAX_EVENT_BYTES / 1024} KB limit for one event.`, { problems: tooLarge });
  }
  return { events, problems: [...problems, ...tooLarge] };
}

/** UTF-8 length without encoding when the answer is clear from the UTF-16 length. */
function utf8Length(s: string): number {
  if (s.length * 3 <= MAX_EVENT_BYTES) return s.length;
  return new TextEncoder().encode(s).length;
}
