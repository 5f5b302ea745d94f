/** Only same-site paths may be where a form sends the person next (no `//host`, no backslashes). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) && next.length < 2000 ? next : '/';
}
