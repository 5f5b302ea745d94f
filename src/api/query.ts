// Query strings with arrays in the four encodings WorkOS SDKs use:
// name[]=a (Node, literal brackets), name%5B%5D=a (Go, Python), name=a&name=b (Ruby),
// name%5B0%5D=a (PHP). All decode to the same list of values per base name.
import { AppError, type ErrorDetail } from '../lib/errors';
import { parseIsoDateTime } from '../events/validate';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../events/limits';

const ARRAY_SUFFIX = /\[\d*\]$/;
/** A query value longer than this is refused: no filter needs more. */
export const MAX_QUERY_VALUE = 1024;
/** At most this many values per array filter. */
export const MAX_QUERY_VALUES = 100;

export class QueryParams {
  private readonly values = new Map<string, string[]>();
  readonly problems: ErrorDetail[] = [];

  constructor(url: URL) {
    for (const [rawName, value] of url.searchParams) {
      const name = rawName.replace(ARRAY_SUFFIX, '');
      const list = this.values.get(name) ?? [];
      list.push(value);
      this.values.set(name, list);
    }
  }

  private problem(field: string, code: string) {
    this.problems.push({ field, code });
  }

  /** Fails on parameters the endpoint does not know, so a typo never silently widens a query. */
  rejectUnknown(known: readonly string[]) {
    for (const name of this.values.keys()) {
      if (!known.includes(name)) this.problem(name, `${name} is not a known query parameter`);
    }
  }

  list(name: string): string[] | undefined {
    const v = this.values.get(name);
    if (!v) return undefined;
    if (v.length > MAX_QUERY_VALUES) this.problem(name, `${name} takes at most ${MAX_QUERY_VALUES} values`);
    if (v.some((s) => s.length > MAX_QUERY_VALUE)) this.problem(name, `${name} values must be at most ${MAX_QUERY_VALUE} characters`);
    return v.filter((s) => s !== '');
  }

  one(name: string): string | undefined {
    const v = this.values.get(name);
    if (!v) return undefined;
    if (v.length > 1) this.problem(name, `${name} must be given once`);
    if (v[0].length > MAX_QUERY_VALUE) this.problem(name, `${name} must be at most ${MAX_QUERY_VALUE} characters`);
    return v[0];
  }

  time(name: string): number | undefined {
    const v = this.one(name);
    if (v === undefined) return undefined;
    const ms = parseIsoDateTime(v);
    if (ms === null) this.problem(name, `${name} must be an ISO 8601 date string`);
    return ms ?? undefined;
  }

  limit(): number {
    const v = this.one('limit');
    if (v === undefined || v === '') return DEFAULT_LIST_LIMIT;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > MAX_LIST_LIMIT) {
      this.problem('limit', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
      return DEFAULT_LIST_LIMIT;
    }
    return n;
  }

  order(): 'asc' | 'desc' | 'relevance' {
    const v = this.one('order');
    if (v === undefined || v === '' || v === 'desc') return 'desc';
    if (v === 'asc' || v === 'relevance') return v;
    this.problem('order', 'order must be asc, desc or relevance');
    return 'desc';
  }

  /** Throws the collected problems as one 422. */
  done(): void {
    if (this.problems.length > 0) {
      throw new AppError('validation_failed', 'Invalid query parameters.', { errors: this.problems });
    }
  }
}
