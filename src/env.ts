// The Worker's environment, checked once per isolate. A missing binding or a
// malformed secret fails closed with a message that names it.
import { z } from 'zod';
import { AppError } from './lib/errors';
import { KEY_PATTERN } from './projects/keys';

export interface Env {
  DB: D1Database;
  KV: KVNamespace;
  /** One write coordinator per project (group commit for single events). */
  COMMITTER: DurableObjectNamespace<import('./events/committer').Committer>;
  ASSETS?: Fetcher;
  /** Export files (R2), and the queue their background jobs run from. */
  EXPORTS: R2Bucket;
  EXPORT_JOBS: Queue<import('./exports/queue').ExportJob>;
  /** Optional: signs export download links. Defaults to a random secret Waymark keeps in KV. */
  EXPORT_SIGNING_SECRET?: string;
  /** Rate Limiting bindings, one per tier (projects/rate-limits.ts, wrangler.toml). */
  RATE_LIMIT_STRICT: RateLimit;
  RATE_LIMIT_STANDARD: RateLimit;
  RATE_LIMIT_HIGH: RateLimit;
  /** `development` locally (from .dev.vars), `production` otherwise. */
  WAYMARK_ENV?: string;
  ADMIN_PASSWORD?: string;
  DEFAULT_PROJECT_SECRET_KEY?: string;
  DEMO_PROJECT_SECRET_KEY?: string;
  /** The owner's email (sign-in name); `owner@waymark.local` unless set. */
  OWNER_EMAIL?: string;
  /** Optional: signs dashboard sessions. Defaults to a key derived from ADMIN_PASSWORD. */
  SESSION_SECRET?: string;
  /** `off` turns API usage counting off (the benchmark measures its cost this way). */
  USAGE_COUNTING?: string;
  /** The rate-limit tier of projects that have not chosen one (strict, standard, high, off); `standard` by default. */
  RATE_LIMIT_DEFAULT?: string;
  /** Set by the local start-up (scripts/lib/local-worker.ts) to recognise its own server. */
  WAYMARK_INSTANCE?: string;
}

const secretKey = (name: string) =>
  z
    .string()
    .regex(KEY_PATTERN, `${name} must look like sk_test_… or sk_live_… followed by 24 to 128 letters and digits`)
    .optional();

const EnvSchema = z.object({
  DB: z.custom<D1Database>((v) => typeof v === 'object' && v !== null, 'the D1 binding DB is missing'),
  KV: z.custom<KVNamespace>((v) => typeof v === 'object' && v !== null, 'the KV binding KV is missing'),
  ...Object.fromEntries(
    ['RATE_LIMIT_STRICT', 'RATE_LIMIT_STANDARD', 'RATE_LIMIT_HIGH'].map((name) => [
      name,
      z.custom<RateLimit>((v) => typeof v === 'object' && v !== null, `the Rate Limiting binding ${name} is missing`),
    ]),
  ),
  EXPORTS: z.custom<R2Bucket>((v) => typeof v === 'object' && v !== null, 'the R2 binding EXPORTS is missing'),
  EXPORT_JOBS: z.custom<Queue>((v) => typeof v === 'object' && v !== null, 'the Queue producer binding EXPORT_JOBS is missing'),
  EXPORT_SIGNING_SECRET: z.string().min(32, 'EXPORT_SIGNING_SECRET must be at least 32 characters').optional(),
  COMMITTER: z.custom<DurableObjectNamespace>(
    (v) => typeof v === 'object' && v !== null,
    'the Durable Object binding COMMITTER (class Committer) is missing',
  ),
  WAYMARK_ENV: z.enum(['development', 'production', 'test']).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').optional(),
  DEFAULT_PROJECT_SECRET_KEY: secretKey('DEFAULT_PROJECT_SECRET_KEY'),
  DEMO_PROJECT_SECRET_KEY: secretKey('DEMO_PROJECT_SECRET_KEY'),
  OWNER_EMAIL: z.email('OWNER_EMAIL must be an email address').optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  USAGE_COUNTING: z.enum(['on', 'off']).optional(),
  RATE_LIMIT_DEFAULT: z.enum(['strict', 'standard', 'high', 'off']).optional(),
});

const checked = new WeakSet<object>();

export function checkEnv(env: Env): void {
  if (checked.has(env)) return;
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    console.error(`Waymark is misconfigured: ${problems}`);
    throw new AppError('server_misconfigured', 'Waymark is misconfigured; see the Worker logs.');
  }
  checked.add(env);
}

export const isDevelopment = (env: Env) => env.WAYMARK_ENV === 'development' || env.WAYMARK_ENV === 'test';
