// Secret API keys of projects, kept in KV. Only sha256(key) is stored: the plain key exists
// once, in the answer to the request that created it. Lookups are remembered briefly per isolate.
import { AppError } from '../lib/errors';
import { randomBase62, sha256Hex } from '../lib/crypto';
import { newId } from '../lib/ids';
import { KEY_PATTERN, KEY_PREFIX, KEY_RANDOM_CHARS, KEY_SCOPES, type KeyMode, type KeyScope } from './keys';
import { MAX_PROJECT_NAME, WAYMARK_PROJECT_ID } from './store';
/** How long a key lookup may be served from the edge cache; also how long a revoked key can linger. */
export const KEY_CACHE_TTL_SECONDS = 60;
function refuseKeysFor(projectId: string): void {
  if (projectId === WAYMARK_PROJECT_ID) {
    throw new AppError('forbidden', 'The Waymark project is the dashboard\'s own audit trail: no API key can be made for it.');
  }
}
const kvKeyByHash = (hash: string) => `apikey:${hash}`;
const kvProjectKey = (projectId: string, keyId: string) => `project-key:${projectId}:${keyId}`;
export interface ApiKeyRecord {
  id: string;
  project_id: string;
  name: string;
  /** `sk_test_` or `sk_live_`. */
  prefix: string;
  last4: string;
  created_at: number;
  revoked_at: number | null;
  /** What the key may do; absent on keys made before scopes existed, which may do both. */
  scopes?: KeyScope[];
  /** When the key stops working (an expiry chosen at creation, or the end of a rotation's overlap), or null. */
  expires_at?: number | null;
  /** The key that replaced this one in a rotation. */
  replaced_by?: string;
  hash: string;
}

/** A key's scopes (keys made before scopes existed have both). */
export const scopesOf = (key: Pick<ApiKeyRecord, 'scopes'>): KeyScope[] => key.scopes ?? [...KEY_SCOPES];

/** Why a key cannot be used at `now`, or null when it can. */
export function keyUnusable(key: Pick<ApiKeyRecord, 'revoked_at' | 'expires_at'>, now: number): 'revoked' | 'expired' | null {
  if (key.revoked_at !== null) return 'revoked';
  if (key.expires_at != null && now >= key.expires_at) return 'expired';
  return null;
}

/** Normalises the scopes a form or a caller asked for: known ones, each once, in a fixed order; at least one. */
export function parseScopes(asked: readonly string[]): KeyScope[] {
  const scopes = KEY_SCOPES.filter((s) => asked.includes(s));
  if (scopes.length === 0) {
    throw new AppError('validation_failed', 'A key needs at least one scope: write, read, or both.', {
      problems: [{ path: ['scopes'], kind: 'invalid', message: 'choose write, read, or both' }],
    });
  }
  return scopes;
}

export type ApiKeySummary = Omit<ApiKeyRecord, 'hash'>;

function summary(record: ApiKeyRecord): ApiKeySummary {
  const { hash: _hash, ...rest } = record;
  return rest;
}

async function storeKey(kv: KVNamespace, record: ApiKeyRecord): Promise<void> {
  const { hash } = record;
  remembered.delete(hash);
  // The listing entry carries the record as metadata so a page of keys is one list() call.
  await Promise.all([
    kv.put(kvKeyByHash(hash), JSON.stringify(record)),
    kv.put(kvProjectKey(record.project_id, record.id), hash, { metadata: summary(record) }),
  ]);
}

/** Registers a key whose plain text is known (the deployment's configured keys). No-op when it exists. */
export async function importKey(
  kv: KVNamespace,
  input: { projectId: string; plain: string; name: string; now: number },
): Promise<void> {
  refuseKeysFor(input.projectId);
  const hash = await sha256Hex(input.plain);
  if (await kv.get(kvKeyByHash(hash))) return;
  const prefix = input.plain.startsWith(KEY_PREFIX.live) ? KEY_PREFIX.live : KEY_PREFIX.test;
  await storeKey(kv, {
    id: `key_${hash.slice(0, 26).toUpperCase()}`,
    project_id: input.projectId,
    name: input.name,
    prefix,
    last4: input.plain.slice(-4),
    created_at: input.now,
    revoked_at: null,
    hash,
  });
}

/** Creates a key and returns its plain text: the only time it is ever available. */
export async function createKey(
  kv: KVNamespace,
  input: { projectId: string; mode: KeyMode; name: string; now: number; scopes?: KeyScope[]; expiresAt?: number | null },
): Promise<{ plain: string; key: ApiKeySummary }> {
  refuseKeysFor(input.projectId);
  const name = input.name.trim().slice(0, MAX_PROJECT_NAME) || 'Secret key';
  const plain = KEY_PREFIX[input.mode] + randomBase62(KEY_RANDOM_CHARS);
  const record: ApiKeyRecord = {
    id: newId('apiKey', input.now),
    project_id: input.projectId,
    name,
    prefix: KEY_PREFIX[input.mode],
    last4: plain.slice(-4),
    created_at: input.now,
    revoked_at: null,
    scopes: input.scopes ?? [...KEY_SCOPES],
    expires_at: input.expiresAt ?? null,
    hash: await sha256Hex(plain),
  };
  await storeKey(kv, record);
  return { plain, key: summary(record) };
}

/** The longest overlap a rotation allows: both keys work until then. */
export const MAX_ROTATION_OVERLAP_MS = 30 * 86_400_000;

/**
 * Rotates a key: a new key with the same name and scopes is created, and the old one
 * keeps working until `now + overlapMs`, then stops (so apps can move over without a
 * gap). Returns the new key's plain text, shown once.
 */
export async function rotateKey(
  kv: KVNamespace,
  input: { projectId: string; keyId: string; mode: KeyMode; overlapMs: number; now: number },
): Promise<{ plain: string; key: ApiKeySummary; old: ApiKeySummary }> {
  if (!Number.isInteger(input.overlapMs) || input.overlapMs < 0 || input.overlapMs > MAX_ROTATION_OVERLAP_MS) {
    throw new AppError('validation_failed', 'The overlap is 0 to 30 days.', {
      problems: [{ path: ['overlap'], kind: 'invalid', message: 'overlap must be 0 to 30 days' }],
    });
  }
  refuseKeysFor(input.projectId);
  const old = await projectKeyRecord(kv, input.projectId, input.keyId);
  if (keyUnusable(old, input.now)) throw new AppError('validation_failed', 'Only a working key can be rotated.');
  const created = await createKey(kv, {
    projectId: input.projectId,
    mode: input.mode,
    name: old.name,
    now: input.now,
    scopes: scopesOf(old),
    expiresAt: old.expires_at ?? null,
  });
  const until = input.now + input.overlapMs;
  old.expires_at = old.expires_at != null ? Math.min(old.expires_at, until) : until;
  old.replaced_by = created.key.id;
  await storeKey(kv, old);
  return { ...created, old: summary(old) };
}

export async function listKeys(kv: KVNamespace, projectId: string): Promise<ApiKeySummary[]> {
  const out: ApiKeySummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await kv.list<ApiKeySummary>({ prefix: `project-key:${projectId}:`, cursor });
    for (const k of page.keys) if (k.metadata) out.push(k.metadata);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return out.sort((a, b) => b.created_at - a.created_at);
}

/** A key of this project by id. A key of another project is "not found", never touched. */
async function projectKeyRecord(kv: KVNamespace, projectId: string, keyId: string): Promise<ApiKeyRecord> {
  const hash = await kv.get(kvProjectKey(projectId, keyId));
  const record = hash ? await kv.get<ApiKeyRecord>(kvKeyByHash(hash), 'json') : null;
  if (!hash || !record || record.project_id !== projectId) {
    throw new AppError('not_found', 'No such key in this project.');
  }
  return record;
}

/** Revokes a key of this project. A key of another project is "not found", never touched. */
export async function revokeKey(
  kv: KVNamespace,
  input: { projectId: string; keyId: string; now: number },
): Promise<ApiKeySummary> {
  const record = await projectKeyRecord(kv, input.projectId, input.keyId);
  const hash = record.hash;
  if (record.revoked_at === null) {
    record.revoked_at = input.now;
    await storeKey(kv, record);
  }
  remembered.delete(hash);
  return summary(record);
}

/**
 * Keys this isolate looked up recently, by hash: a KV read per API request would cost
 * more than the query it guards. Found keys are kept KEY_MEMORY_TTL_MS, unknown ones
 * only UNKNOWN_KEY_MEMORY_TTL_MS (so a key made elsewhere works within seconds).
 */
export const KEY_MEMORY_TTL_MS = 30_000;
export const UNKNOWN_KEY_MEMORY_TTL_MS = 5_000;
const MAX_REMEMBERED_KEYS = 1000;
const remembered = new Map<string, { record: ApiKeyRecord | null; until: number }>();

/** The key's record whatever its state (revoked included), or null when malformed or unknown. */
export async function lookupKey(kv: KVNamespace, plain: string, now = Date.now()): Promise<ApiKeyRecord | null> {
  if (!KEY_PATTERN.test(plain)) return null;
  const hash = await sha256Hex(plain);
  const hit = remembered.get(hash);
  if (hit && hit.until > now) return hit.record;
  let record: ApiKeyRecord | null;
  try {
    record = await kv.get<ApiKeyRecord>(kvKeyByHash(hash), { type: 'json', cacheTtl: KEY_CACHE_TTL_SECONDS });
  } catch (err) {
    // KV is unavailable: a key this isolate knows keeps working; any other fails closed
    // with a 503 (never a 401 that would make an app think its key was revoked).
    if (hit?.record) return hit.record;
    console.error('KV unavailable for a key lookup', err);
    throw new AppError('service_unavailable', 'Key storage is unavailable; retry shortly.', { headers: { 'Retry-After': '5' } });
  }
  if (remembered.size >= MAX_REMEMBERED_KEYS) remembered.delete(remembered.keys().next().value!);
  remembered.set(hash, { record, until: now + (record ? KEY_MEMORY_TTL_MS : UNKNOWN_KEY_MEMORY_TTL_MS) });
  return record;
}
