// What every request carries on its Hono context.
import type { Env } from './env';
import type { Db } from './events/store';

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    /** Set by the API key middleware. */
    projectId: string;
    apiKeyId: string;
    /** Injectable clock for tests; Date.now otherwise. */
    now: () => number;
  };
}
