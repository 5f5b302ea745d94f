// Types for `cloudflare:workers` inside the worker tests.
type WaymarkEnv = import('../../src/env').Env;
declare namespace Cloudflare {
  interface Env extends WaymarkEnv {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    /** Runs per fuzz property (default: each file's bounded count) and a seed to replay a failure. */
    FUZZ_RUNS: string;
    FUZZ_SEED: string;
  }
  interface GlobalProps {
    mainModule: typeof import('../../src/index');
  }
}
