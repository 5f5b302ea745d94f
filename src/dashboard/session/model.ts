// What a signed-in dashboard session holds (a record on the server, see team/sessions.ts).
// It imports nothing but types, so the request context (src/context.ts) can name it.
import type { Role } from '../../team/roles';

export interface Session {
  /** The session's id (ses_…), how an owner names it to end it. */
  id: string;
  /** Expiry, epoch milliseconds. */
  expires_at: number;
  /** The token every dashboard form sends back (see csrf.ts). */
  csrf: string;
  /** Who is signed in. */
  member: { id: string; email: string; name: string; role: Role };
}
