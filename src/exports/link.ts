// Download links: the Worker serves an export's file to whoever holds a link signed for that
// export of that project, until it expires (10 minutes, as WorkOS's). HMAC-SHA256 over the
// project, the export id and the expiry, with EXPORT_SIGNING_SECRET, or else a random secret
// Waymark keeps in KV (made once). Nothing in a link can be edited to reach another export.
import { constantTimeEqual, hmacSha256, randomBase62 } from '../lib/crypto';

export const LINK_TTL_MS = 10 * 60_000;
const KV_SECRET = 'secret:export-links';

let remembered: string | null = null;

async function secret(env: { KV: KVNamespace; EXPORT_SIGNING_SECRET?: string }): Promise<string> {
  if (env.EXPORT_SIGNING_SECRET) return env.EXPORT_SIGNING_SECRET;
  if (remembered) return remembered;
  let value = await env.KV.get(KV_SECRET);
  if (!value) {
    await env.KV.put(KV_SECRET, randomBase62(48));
    // Two isolates may both have written one: read back the value that stayed.
    value = (await env.KV.get(KV_SECRET))!;
  }
  remembered = value;
  return value;
}

const message = (projectId: string, exportId: string, expires: number) => `waymark-export-v1\u0000${projectId}\u0000${exportId}\u0000${expires}`;

/** A signed path for one export, valid until `now + LINK_TTL_MS`. */
export async function signedPath(env: { KV: KVNamespace; EXPORT_SIGNING_SECRET?: string }, projectId: string, exportId: string, now: number): Promise<string> {
  const expires = now + LINK_TTL_MS;
  const sig = await hmacSha256(await secret(env), message(projectId, exportId, expires));
  return `/downloads/exports/${exportId}?project=${encodeURIComponent(projectId)}&expires=${expires}&signature=${sig}`;
}

export type LinkCheck = { ok: true; projectId: string } | { ok: false; reason: 'expired' | 'invalid' };

export async function checkLink(
  env: { KV: KVNamespace; EXPORT_SIGNING_SECRET?: string },
  exportId: string,
  params: URLSearchParams,
  now: number,
): Promise<LinkCheck> {
  const projectId = params.get('project') ?? '';
  const expires = Number(params.get('expires'));
  const sig = params.get('signature') ?? '';
  if (!projectId || !Number.isSafeInteger(expires) || sig.length < 10 || sig.length > 100) return { ok: false, reason: 'invalid' };
  const want = await hmacSha256(await secret(env), message(projectId, exportId, expires));
  if (!(await constantTimeEqual(sig, want))) return { ok: false, reason: 'invalid' };
  if (expires <= now) return { ok: false, reason: 'expired' };
  return { ok: true, projectId };
}
