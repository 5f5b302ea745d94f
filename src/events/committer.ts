// A project's write coordinator (group commit). One D1 database runs one statement at a
// time, so single events that each commit their own transaction cap a project at about
// one event per D1 write. Concurrent single-event requests of a project instead meet in
// this Durable Object (one instance per project, `idFromName(projectId)`) and share D1
// batches. Requests cannot share a batch inside the Worker itself: workerd cancels a
// request that waits on a promise of another request ("hung"); inside one Durable Object
// every call shares one I/O context, so that wait is allowed.
//
// The rule, without a timer: when no batch is in flight, the next write starts one at
// once; while one is in flight, arrivals queue and leave together as the next batch.
// Each caller is answered only after the batch holding its write has committed.
import { DurableObject } from 'cloudflare:workers';
import { database, RETRY_AFTER_SECONDS, writeNotConfirmed, type Db } from '../lib/db';
import { AppError, type ErrorCode, type ErrorDetail, type Problem } from '../lib/errors';
import { canMerge, claimsHeld, groupStatements } from './group-write';
import { settleClaim } from './claims';
import { chunkBytes, settleWrite, statementCount, WRITE_PLAN_FORMAT, writeStatements, type WritePlan, type WriteResult } from './store';

/**
 * A group stops growing at this many statements, counted as its writes would send them apart
 * (D1: 1,000 queries per invocation), or this many bytes of bound values (D1: 100 KB per
 * statement, 2 MB per value), so one batch stays far inside D1's limits and its 30 s budget
 * (a 5-statement single event costs well under a millisecond of D1 time): 76 single events.
 * A plan larger than a cap goes alone. A group of single events is sent merged (group-write.ts).
 */
export const GROUP_MAX_STATEMENTS = 384;
export const GROUP_MAX_BYTES = 2 * 1024 * 1024;

/** An AppError as plain data: errors cross Durable Object RPC as bare `Error`s (message only). */
export interface CommitProblem {
  code: ErrorCode;
  message: string;
  errors?: ErrorDetail[];
  problems?: Problem[];
  headers?: Record<string, string>;
}

/**
 * What a write gets back. `batch` names the D1 transaction that carried it:
 * `<committer incarnation>.<sequence>`, counting every batch this instance sent
 * (failed and retried ones too), so a client or the benchmark can count transactions.
 */
export type CommitOutcome =
  | { ok: true; result: WriteResult; batch: string }
  | { ok: false; problem: CommitProblem; batch: string };

/** How many sent batches the committer remembers (tests read them; memory stays bounded). */
const SENT_LOG = 1000;

interface SentBatch {
  batch: string;
  ok: boolean;
  requestIds: string[];
  /** Statements in the batch. */
  statements: number;
  /** Statements its writes would have sent apart (what GROUP_MAX_STATEMENTS counts). */
  apart: number;
  /** Sent as merged statements (group-write.ts). */
  merged: boolean;
  projectIds: string[];
}

interface Pending {
  plan: WritePlan;
  /** How many statements the write sends alone (statementCount; what GROUP_MAX_STATEMENTS counts). */
  statements: number;
  bytes: number;
  resolve: (outcome: CommitOutcome) => void;
  reject: (err: unknown) => void;
}

/** The 503 for a plan from a Worker of another version (a deploy in progress): nothing was written. */
function otherVersion(): AppError {
  return new AppError('service_unavailable', 'Waymark is being updated and this write reached a part of another version; nothing was written. Retry it with the same Idempotency-Key.', {
    headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  });
}

/**
 * D1 names SQLite's result code in a statement's error (`...: SQLITE_CONSTRAINT`): the
 * transaction was refused and rolled back, so its plans can safely be retried alone.
 * Any other failure (a lost connection, a reset) may have committed: not retried.
 */
export function isRefusedBySqlite(err: unknown): boolean {
  return err instanceof Error && /\bSQLITE_[A-Z_]+\b/.test(err.message);
}

/** What a committer needs of the Worker's environment (a subset of env.ts's Env, named here so the two do not import each other). */
export interface CommitterEnv {
  DB: D1Database;
}

export class Committer extends DurableObject<CommitterEnv> {
  /** The D1 binding. Tests replace it with a wrapper around the real one to count or fail calls. */
  d1: D1Database;
  /** Writes waiting for the next batch. */
  readonly queue: Pending[] = [];
  /** The last SENT_LOG D1 batches this instance sent and the writes each carried (read by tests). */
  readonly sent: SentBatch[] = [];
  private inFlight = false;
  private batches = 0;
  private project: string | null = null;
  private readonly incarnation = crypto.randomUUID().slice(0, 8);

  constructor(ctx: DurableObjectState, env: CommitterEnv) {
    super(ctx, env);
    this.d1 = env.DB;
  }

  /** Writes one plan in the project's next group batch; resolves once that batch committed. */
  async write(plan: WritePlan): Promise<CommitOutcome> {
    // One committer per project: a plan of another project is a routing bug, never batched.
    this.project ??= this.ctx.id.name ?? plan.projectId;
    if (plan.projectId !== this.project) {
      throw new Error(`committer of ${this.project} was sent a write of ${plan.projectId}`);
    }
    if (plan.format !== WRITE_PLAN_FORMAT) return { ok: false, problem: toProblem(otherVersion()), batch: '' };
    // The statements are built when its group leaves (merged or its own: group-write.ts).
    const statements = statementCount(plan);
    const bytes = plan.chunks.reduce((n, c) => n + chunkBytes(c), 0) + JSON.stringify(plan.response.body).length;
    const outcome = new Promise<CommitOutcome>((resolve, reject) =>
      this.queue.push({ plan, statements, bytes, resolve, reject }),
    );
    if (!this.inFlight) void this.drain();
    return outcome;
  }

  private db(): Db {
    return database(this.d1);
  }

  /** Sends batches until the queue is empty; only one runs at a time. */
  private async drain(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.queue.length > 0) await this.commit(this.takeGroup());
    } finally {
      this.inFlight = false;
    }
  }

  private takeGroup(): Pending[] {
    let statements = 0;
    let bytes = 0;
    let n = 0;
    for (const p of this.queue) {
      if (n > 0 && (statements + p.statements > GROUP_MAX_STATEMENTS || bytes + p.bytes > GROUP_MAX_BYTES)) break;
      statements += p.statements;
      bytes += p.bytes;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private record(batch: string, group: Pending[], ok: boolean, statements: number, merged: boolean): void {
    if (this.sent.length >= SENT_LOG) this.sent.shift();
    this.sent.push({
      batch,
      ok,
      requestIds: group.map((p) => p.plan.requestId),
      projectIds: group.map((p) => p.plan.projectId),
      statements,
      apart: group.reduce((n, p) => n + p.statements, 0),
      merged,
    });
  }

  /** One D1 batch for the group; never throws (every caller is answered). */
  private async commit(group: Pending[]): Promise<void> {
    const batch = `${this.incarnation}.${++this.batches}`;
    const db = this.db();
    const plans = group.map((p) => p.plan);
    const merged = canMerge(plans);
    let own: D1PreparedStatement[][] = [];
    let statements: D1PreparedStatement[];
    try {
      own = merged ? [] : plans.map((plan) => writeStatements(db, plan));
      statements = merged ? groupStatements(db, plans) : own.flat();
    } catch (err) {
      // Refused before reaching D1 (nothing was sent): alone, each answers for itself.
      this.record(batch, group, false, 0, merged);
      console.error(`write batch ${batch} could not be built${merged ? ' (merged)' : ''}`, err);
      if (group.length > 1) {
        for (const p of group) await this.commit([p]);
        return;
      }
      for (const p of group) answerError(p, err, '');
      return;
    }
    let results: D1Result[];
    try {
      results = await this.d1.batch(statements);
    } catch (err) {
      this.record(batch, group, false, statements.length, merged);
      if (group.length > 1 && (isRefusedBySqlite(err) || err instanceof AppError)) {
        // The whole transaction was refused and rolled back: retry each write alone, so a
        // bad one fails only itself, with its own error (said, so that a merged statement
        // D1 refuses for every group shows as more than slower writes).
        console.warn(`write batch ${batch} of ${group.length} writes refused${merged ? ' (merged)' : ''}; retrying each alone`, err);
        for (const p of group) await this.commit([p]);
        return;
      }
      // Not refused by SQLite (a lost connection, a reset): it may or may not have
      // committed, so nothing is retried here; each caller gets the 503 that says to retry
      // with the same Idempotency-Key, as a direct write does (lib/db.ts).
      console.error(`write batch ${batch} failed`, err);
      const answer = isRefusedBySqlite(err) || err instanceof AppError ? err : writeNotConfirmed();
      for (const p of group) answerError(p, answer, batch);
      return;
    }
    this.record(batch, group, true, statements.length, merged);
    // Settling reads D1 only for a replay; the next batch does not wait for it.
    const settle = (p: Pending, settled: Promise<WriteResult>) =>
      settled.then(
        (result) => p.resolve({ ok: true, result, batch }),
        (err) => answerError(p, err, batch),
      );
    if (merged) {
      let held: boolean[];
      try {
        held = claimsHeld(plans, results);
      } catch (err) {
        // Committed, but its answer cannot be read: each caller gets an error, none is left waiting.
        for (const p of group) answerError(p, err, batch);
        return;
      }
      group.forEach((p, i) => settle(p, settleClaim(db, p.plan, held[i])));
      return;
    }
    let at = 0;
    group.forEach((p, i) => {
      const mine = results.slice(at, at + own[i].length);
      at += own[i].length;
      settle(p, settleWrite(db, p.plan, mine));
    });
  }
}

function answerError(p: Pending, err: unknown, batch: string): void {
  if (err instanceof AppError) {
    p.resolve({ ok: false, problem: toProblem(err), batch });
    return;
  }
  console.error(`[${p.plan.requestId}] write failed in batch ${batch}`, err);
  p.reject(err);
}

function toProblem({ code, message, errors, problems, headers }: AppError): CommitProblem {
  return { code, message, errors, problems, headers };
}

/** Turns a refused write back into the AppError it was inside the committer. */
export function problemToError(problem: CommitProblem): AppError {
  const { code, message, ...options } = problem;
  return new AppError(code, message, options);
}
