// Idempotency claims in D1: taking the claims of some writes in one statement (a write alone
// or a committer's merged group), a write's answer once it is known whether it holds its
// claim (written, or the earlier request's stored answer read back), and the hourly purge
// of claims past their 24-hour life.
import { sql, type SQL } from 'drizzle-orm';
import { statement, type Db } from '../lib/db';
import { IDEMPOTENCY_TTL_MS } from './limits';

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyClaim {
  /** sha256 of what identifies the request (key, and for Audit Logs the content too). */
  keyHash: string;
  /** sha256 of the canonical request body: a reused key with another body is refused. */
  fingerprint: string;
}

export type WriteResult =
  | { replayed: false; ids: string[]; response: StoredResponse }
  | { replayed: true; sameRequest: boolean; response: StoredResponse };

/** What a claim is taken and settled from: the fields of a write plan (store.ts WritePlan) it reads. */
export interface ClaimingWrite {
  projectId: string;
  now: number;
  requestId: string;
  idempotency?: IdempotencyClaim;
  ids: string[];
  response: StoredResponse;
}

/**
 * The idempotency claims of some writes of a project (those with one), taken where free or
 * expired; RETURNING the claims this statement took (key, owner). A key claimed twice in one
 * statement: the second meets the first's fresh row and takes nothing.
 */
export function claimStatement(projectId: string, plans: readonly ClaimingWrite[]): SQL {
  const claims = plans.flatMap((p) =>
    p.idempotency ? [[p.idempotency.keyHash, p.idempotency.fingerprint, p.requestId, p.response.status, JSON.stringify(p.response.body), p.now]] : [],
  );
  return sql`INSERT INTO idempotency_keys (project_id, key_hash, fingerprint, owner, status, response, created_at)
    SELECT ${projectId}, c.value ->> '$[0]', c.value ->> '$[1]', c.value ->> '$[2]', c.value ->> '$[3]', c.value ->> '$[4]', c.value ->> '$[5]'
    FROM json_each(${JSON.stringify(claims)}) AS c WHERE true
    ON CONFLICT (project_id, key_hash) DO UPDATE SET
      fingerprint = excluded.fingerprint, owner = excluded.owner, status = excluded.status,
      response = excluded.response, created_at = excluded.created_at
    WHERE idempotency_keys.created_at <= excluded.created_at - ${IDEMPOTENCY_TTL_MS}
    RETURNING key_hash AS keyHash, owner`;
}

/** A write's answer once it is known whether it holds its claim (`owned`: written; else a replay). */
export async function settleClaim(db: Db, plan: ClaimingWrite, owned: boolean): Promise<WriteResult> {
  const { projectId, idempotency, ids, response } = plan;
  if (!idempotency || owned) return { replayed: false, ids, response };
  const holder = await db.get<{ owner: string; fingerprint: string; status: number; response: string } | undefined>(
    sql`SELECT owner, fingerprint, status, response FROM idempotency_keys WHERE project_id = ${projectId} AND key_hash = ${idempotency.keyHash}`,
  );
  return {
    replayed: true,
    sameRequest: holder?.fingerprint === idempotency.fingerprint,
    response: holder ? { status: holder.status, body: JSON.parse(holder.response) } : response,
  };
}

/** Deletes idempotency records older than their 24-hour life, a bounded number at a time. */
export async function purgeExpiredIdempotencyKeys(db: Db, now: number, max = 5000): Promise<number> {
  // WITHOUT ROWID table: select the primary keys of the oldest records, bounded.
  const result = await statement(
    db,
    sql`DELETE FROM idempotency_keys WHERE (project_id, key_hash) IN (
      SELECT project_id, key_hash FROM idempotency_keys WHERE created_at <= ${now - IDEMPOTENCY_TTL_MS} LIMIT ${max})`,
  ).run();
  return result.meta.changes ?? 0;
}
