// Building blocks shared by both wire shapes' schemas: strings with caps, ISO-8601
// times, metadata rules, and turning schema issues into a neutral list of problems.
import { z } from 'zod';
import {
  METADATA_KEY_MAX,
  METADATA_KEY_PATTERN,
  METADATA_MAX_KEYS,
  METADATA_VALUE_MAX,
  MAX_FUTURE_MS,
  MIN_OCCURRED_AT,
} from './limits';
import type { Metadata } from './model';

import type { Problem } from '../lib/errors';

export type { Problem };

export function pathString(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A required string of 1..max characters (or 0..max when `allowEmpty`). */
export function text(field: string, max: number, allowEmpty = false) {
  const min = allowEmpty ? 0 : 1;
  const message = allowEmpty
    ? `${field} must be a string of at most ${max} characters`
    : `${field} must be a non-empty string of at most ${max} characters`;
  return z.string({ error: message }).min(min, { error: message }).max(max, { error: message });
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date-time to epoch milliseconds. A time without a zone is
 * taken as UTC (some SDKs send none). Returns null for anything else, including
 * impossible dates such as February 30th.
 */
export function parseIsoDateTime(value: string): number | null {
  const m = ISO_8601.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  // Not Date.UTC(year, …): it reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const base = date.getTime();
  const check = date;
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return base - offsetMinutes * 60_000;
}

/** An ISO-8601 date-time string, not before 1970, as epoch ms. (The future bound needs the clock: see `tooFarAhead`.) */
export function occurredAt(field: string) {
  const message = `${field} must be an ISO 8601 date string`;
  return z.string({ error: message }).transform((value, ctx) => {
    const ms = value.length <= 40 ? parseIsoDateTime(value) : null;
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    if (ms < MIN_OCCURRED_AT) {
      ctx.addIssue({ code: 'custom', message: `${field} must not be before 1970-01-01` });
      return z.NEVER;
    }
    return ms;
  });
}

/** The problem for an event dated more than MAX_FUTURE_MS ahead of the server clock, if it is. */
export function tooFarAhead(path: (string | number)[], occurred: number, now: number): Problem[] {
  if (occurred <= now + MAX_FUTURE_MS) return [];
  return [{ path, kind: 'invalid', message: `${pathString(path)} must not be more than 24 hours in the future` }];
}

/**
 * Metadata: a flat object of at most 50 keys matching ^[a-zA-Z0-9_-]{0,40}$, whose
 * values are strings (≤ 500 characters), finite numbers or booleans. The result is
 * rebuilt with Object.fromEntries so a key such as `__proto__` stays a plain key.
 */
export function metadata(field: string) {
  return z.unknown().transform((value, ctx): Metadata => {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: `${field} must be an object` });
      return z.NEVER;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > METADATA_MAX_KEYS) {
      ctx.addIssue({ code: 'custom', message: `${field} must have at most ${METADATA_MAX_KEYS} keys` });
      return z.NEVER;
    }
    let ok = true;
    for (const [key, v] of entries) {
      if (key.length > METADATA_KEY_MAX || !METADATA_KEY_PATTERN.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${field} keys must match ^[a-zA-Z0-9_-]{0,40}$`,
        });
        ok = false;
      } else if (typeof v === 'string') {
        // Characters (code points), as JSON Schema's maxLength and every other text limit count them.
        if (v.length > METADATA_VALUE_MAX && [...v].length > METADATA_VALUE_MAX) {
          ctx.addIssue({ code: 'custom', path: [key], message: `${field} values must be at most ${METADATA_VALUE_MAX} characters` });
          ok = false;
        }
      } else if (typeof v === 'number') {
        if (!Number.isFinite(v)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `${field} numbers must be finite` });
          ok = false;
        }
      } else if (typeof v !== 'boolean') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${field} values must be strings, numbers or booleans (no nesting)`,
        });
        ok = false;
      }
    }
    if (!ok) return z.NEVER;
    return Object.fromEntries(entries) as Metadata;
  });
}

/** Turns zod issues (parsed with `reportInput: true`, so a missing value shows as input undefined) into neutral problems. */
export function toProblems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], kind: 'unknown_field', message: `${pathString([...path, key])} is not a known field` });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      out.push({ path, kind: 'required', message: `${pathString(path)} is required` });
    } else {
      out.push({ path, kind: 'invalid', message: issue.message });
    }
  }
  return out;
}

/** Parses and reports problems, never throwing. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; value: z.output<S> } | { ok: false; problems: Problem[] } {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: toProblems(result.error.issues) };
}
