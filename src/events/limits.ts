// Limits on what an event may hold. Metadata rules come from the WorkOS contract;
// string caps are Waymark's own and documented in the README.

export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY_PATTERN = /^[a-zA-Z0-9_-]{0,40}$/;
export const METADATA_KEY_MAX = 40;
export const METADATA_VALUE_MAX = 500;

export const MAX_ACTION = 128;
export const MAX_ID = 256;
export const MAX_NAME = 512;
export const MAX_TYPE = 64;
export const MAX_LOCATION = 256;
export const MAX_USER_AGENT = 1024;
export const MAX_TARGETS = 50;

/** Action names look like `category.name` (several dots allowed), no spaces. */
export const ACTION_PATTERN = /^[A-Za-z0-9_\-:]+(\.[A-Za-z0-9_\-:]+)+$/;

/** An event may be dated at most this far ahead of the server clock. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
/** ... and not before this (1970-01-01). */
export const MIN_OCCURRED_AT = 0;

/** Request bodies. */
export const MAX_SINGLE_BODY_BYTES = 256 * 1024;
export const MAX_BATCH_BODY_BYTES = 8 * 1024 * 1024;
export const MAX_BATCH_EVENTS = 1000;
/**
 * One event as sent (its raw JSON, UTF-8) may be at most this large, in a batch as
 * alone: a stored row keeps it about twice over (as sent, and as the model), and D1
 * refuses a row or a bound value over 2 MB.
 */
export const MAX_EVENT_BYTES = MAX_SINGLE_BODY_BYTES;

/** List reads. */
export const DEFAULT_LIST_LIMIT = 10;
export const MAX_LIST_LIMIT = 100;

/** Idempotency records live this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
