// What a secret API key looks like. Imports nothing, so `env.ts` can check configured
// keys without pulling in the key store (and the store's imports) at start-up.

export const KEY_PREFIX = { test: 'sk_test_', live: 'sk_live_' } as const;
export type KeyMode = keyof typeof KEY_PREFIX;
/** 32 base-62 characters ≈ 190 bits of randomness. */
export const KEY_RANDOM_CHARS = 32;
export const KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9]{24,128}$/;

/** What a key may do: `write` sends events (what an app server needs), `read` lists, searches and exports. */
export const KEY_SCOPES = ['write', 'read'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];
