// What a signed-in dashboard session holds. It imports nothing, so the request
// context (src/context.ts) can name it without depending on the dashboard.

export interface Session {
  /** Expiry, epoch seconds. */
  exp: number;
  /** The token every dashboard form sends back (see csrf.ts). */
  csrf: string;
}
