// Time-ordered identifiers: prefix + ULID (26 Crockford base-32 characters).
import { monotonicFactory } from 'ulidx';

// Ids name rows; they are not secrets (tokens and link secrets use randomBase62 or HMAC).
// ulidx draws one random value per character of an id in a new millisecond, and its default
// source makes one crypto.getRandomValues call for each (16 native calls per id). Same
// generator, drawn 256 bytes at a time; each byte is used once, and byte / 256 maps each of
// the 32 characters onto exactly 8 byte values.
const pool = new Uint8Array(256);
let drawn = pool.length;
/** A uniform draw in [0, 1) in steps of 1/256, for ulidx (exported for its test). */
export function randomFraction(): number {
  if (drawn === pool.length) {
    crypto.getRandomValues(pool);
    drawn = 0;
  }
  return pool[drawn++] / 256;
}

const ulid = monotonicFactory(randomFraction);

export const ID_PREFIX = {
  event: 'evt_',
  project: 'proj_',
  apiKey: 'key_',
  request: 'req_',
  portalLink: 'link_',
  viewerSession: 'vs_',
  organization: 'org_',
  organizationDomain: 'org_domain_',
  session: 'ses_',
  member: 'mem_',
  invite: 'inv_',
  export: 'audit_log_export_',
} as const;

export function newId(kind: keyof typeof ID_PREFIX, now: number = Date.now()): string {
  return ID_PREFIX[kind] + ulid(now);
}

export const EXPORT_ID_PATTERN = /^audit_log_export_[0-9A-HJKMNP-TV-Z]{26}$/;

export const EVENT_ID_PATTERN = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/i;

/** A project id: `proj_` and a ULID, or a fixed name such as `proj_default`. */
export const PROJECT_ID_PATTERN = /^proj_[0-9A-Za-z_]{1,40}$/;
