// Query strings, validated at the border like bodies: the four array encodings WorkOS SDKs
// use — name[]=a (Node, literal brackets), name%5B%5D=a (Go, Python), name=a&name=b (Ruby),
// name%5B0%5D=a (PHP) — decode to one list of values per base name, and a zod schema per
// endpoint, built from the parameter kinds below, checks and converts them.
import { z } from 'zod';
import { AppError, type Problem } from '../lib/errors';
import { EVENT_ID_PATTERN } from '../lib/ids';
import { parseIsoDateTime } from '../events/validate';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../events/limits';
import type { EventQuery } from '../events/list';

const ARRAY_SUFFIX = /\[\d*\]$/;
/** A query value longer than this is refused: no filter needs more. */
export const MAX_QUERY_VALUE = 1024;
/** At most this many values per array filter. */
export const MAX_QUERY_VALUES = 100;

/** What a query string decodes to before its schema sees it. */
export type QueryValues = Record<string, string[]>;

/** Every value of every parameter, by base name: `group[]`, `group[0]` and `group` are one parameter. */
export function queryValues(url: URL): QueryValues {
  const values = new Map<string, string[]>();
  for (const [rawName, value] of url.searchParams) {
    const name = rawName.replace(ARRAY_SUFFIX, '');
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  // fromEntries defines own properties, so a parameter named __proto__ stays a plain (unknown) key.
  return Object.fromEntries(values);
}

const values = () => z.array(z.string()).optional();

/** Any number of values, each of bounded length; empty values are dropped. */
export const list = (name: string) =>
  values()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      if (v.length > MAX_QUERY_VALUES) ctx.addIssue({ code: 'custom', message: `${name} takes at most ${MAX_QUERY_VALUES} values` });
      if (v.some((s) => s.length > MAX_QUERY_VALUE)) {
        ctx.addIssue({ code: 'custom', message: `${name} values must be at most ${MAX_QUERY_VALUE} characters` });
      }
    })
    .transform((v) => v?.filter((s) => s !== ''));

/** One value, given at most once. */
export const one = (name: string) =>
  values()
    .superRefine((v, ctx) => {
      if (v === undefined) return;
      if (v.length > 1) ctx.addIssue({ code: 'custom', message: `${name} must be given once` });
      if (v[0].length > MAX_QUERY_VALUE) ctx.addIssue({ code: 'custom', message: `${name} must be at most ${MAX_QUERY_VALUE} characters` });
    })
    .transform((v) => v?.[0]);

/** An ISO-8601 date-time, as epoch milliseconds. */
export const time = (name: string) =>
  one(name).transform((v, ctx) => {
    if (v === undefined) return undefined;
    const ms = parseIsoDateTime(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${name} must be an ISO 8601 date string` });
      return z.NEVER;
    }
    return ms;
  });

/** An event id to page from; empty means none. A malformed id can never be a cursor of this project. */
export const cursor = (name: string) =>
  one(name).transform((v, ctx) => {
    if (!v) return undefined;
    if (!EVENT_ID_PATTERN.test(v)) {
      ctx.addIssue({ code: 'custom', message: `${name} must be the id of an event in this project` });
      return z.NEVER;
    }
    return v;
  });

export const limit = () =>
  one('limit').transform((v, ctx) => {
    if (v === undefined || v === '') return DEFAULT_LIST_LIMIT;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > MAX_LIST_LIMIT) {
      ctx.addIssue({ code: 'custom', message: `limit must be an integer from 1 to ${MAX_LIST_LIMIT}` });
      return z.NEVER;
    }
    return n;
  });

/**
 * `limit` 1–100 (default 10), `order` asc|desc (default desc), and one cursor (`after` or
 * `before`) that `cursorOk` accepts; `extra` adds the endpoint's own parameters.
 */
export function pageQuery<Extra extends z.ZodRawShape>(cursorOk: (v: string) => boolean, cursorMessage: string, extra?: Extra) {
  const cursor = (name: string) =>
    one(name).superRefine((v, ctx) => {
      if (v !== undefined && v !== '' && !cursorOk(v)) ctx.addIssue({ code: 'custom', message: `${name} ${cursorMessage}` });
    });
  return z
    .strictObject({
      limit: limit(),
      order: one('order').superRefine((v, ctx) => {
        if (v !== undefined && v !== '' && v !== 'asc' && v !== 'desc') ctx.addIssue({ code: 'custom', message: 'order must be asc or desc' });
      }),
      after: cursor('after'),
      before: cursor('before'),
      ...extra,
    })
    .refine((q) => !(q.after && q.before), { path: ['before'], message: 'use either before or after, not both' })
    .transform((q) => ({ ...q, order: q.order === 'asc' ? 'asc' : 'desc', after: q.after || undefined, before: q.before || undefined }));
}

export const order = () =>
  one('order').transform((v, ctx): EventQuery['order'] => {
    if (v === undefined || v === '' || v === 'desc') return 'desc';
    if (v === 'asc' || v === 'relevance') return v;
    ctx.addIssue({ code: 'custom', message: 'order must be asc, desc or relevance' });
    return z.NEVER;
  });

/** What every list takes besides its filters: search, page size, order and a cursor. */
export const paging = () => ({
  search: one('search'),
  limit: limit(),
  order: order(),
  after: cursor('after'),
  before: cursor('before'),
});

/**
 * A list's filters and paging, as `listEvents` takes them: not the project or the clock (they come
 * from the request), nor the planner's test-only overrides.
 */
export type ListFilters = Omit<EventQuery, 'projectId' | 'now' | 'matchStrategy' | 'windowSize' | 'lateProof' | 'recentCandidates'>;
type Paging = z.output<z.ZodObject<ReturnType<typeof paging>>>;

/**
 * The schema of a list endpoint's query string: exactly the parameters of `shape` (an
 * unknown one is refused, so a typo never silently widens a query), its filters converted
 * by `toFilters` and its paging passed through.
 */
export function listQuery<S extends ReturnType<typeof paging> & z.core.$ZodLooseShape>(
  shape: S,
  toFilters: (q: z.output<z.ZodObject<S>>) => Omit<ListFilters, keyof Paging>,
): z.ZodType<ListFilters, QueryValues> {
  return z
    .strictObject(shape)
    .refine((q) => !((q as Paging).after && (q as Paging).before), {
      path: ['before'],
      message: 'use either before or after, not both',
      when: () => true, // also beside other problems: every problem is reported at once
    })
    .transform((q): ListFilters => {
      const { search, limit, order, after, before } = q as Paging;
      return { ...toFilters(q as z.output<z.ZodObject<S>>), search, limit, order, after, before };
    }) as unknown as z.ZodType<ListFilters, QueryValues>;
}

/** Neutral problems from a query schema's issues: the path is the parameter's name. */
function toProblems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [key], kind: 'unknown_field', message: `${key} is not a known query parameter` }))
      : [{ path: issue.path.map(String), kind: 'invalid', message: issue.message }],
  );
}

/** Parses a request's query string with `schema`; every problem at once in one 422. */
export function parseQuery<T>(schema: z.ZodType<T, QueryValues>, url: URL): T {
  const result = schema.safeParse(queryValues(url));
  if (result.success) return result.data;
  throw new AppError('validation_failed', 'Invalid query parameters.', { problems: toProblems(result.error.issues) });
}
