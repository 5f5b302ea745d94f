/**
 * Only same-site paths may be where a form sends the person next: one leading slash (no `//host`), and
 * printable ASCII only, with no spaces or backslashes (browsers read `/\host` as `//host`), so no control
 * character or non-ASCII byte can make the Location header invalid. Anything else sends them to `/`.
 */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.length < 2000 && /^\/(?!\/)[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/';
}
