// What every request carries on its Hono context.
import type { Env } from './env';
import type { KeyScope } from './projects/keys';
import type { Db } from './lib/db';
import type { Session } from './dashboard/session/model';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    /** Set by the API key middleware. */
    projectId: string;
    apiKeyId: string;
    /** What the request's key may do. */
    apiKeyScopes: KeyScope[];
    /** The project's settings (read by the rate-limit middleware, remembered per isolate). */
    projectSettings: import('./projects/settings').ProjectSettings;
    /** Which WorkOS API generation the request speaks (set by `api/wire`'s `speaks`); its errors answer in that shape. */
    wire: 'legacy' | 'audit_logs';
    /** Events this request wrote, for the usage counters. */
    usageEvents: number;
    /** The parsed form of a dashboard POST (read once, for the CSRF check and the handler). */
    form: FormData | null;
    /** Dashboard session, when signed in. */
    session: Session;
    /** The customer-facing viewer's session and its project's branding (portal/viewer). */
    viewer: import('./portal/model').ViewerSession;
    branding: import('./portal/branding').PortalSettings | null;
    /** Injectable clock for tests; Date.now otherwise. */
    now: () => number;
  };
}
