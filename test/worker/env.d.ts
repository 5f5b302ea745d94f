// Types for `cloudflare:workers` inside the worker tests.
type WaymarkEnv = import('../../src/env').Env;
declare namespace Cloudflare {
  interface Env extends WaymarkEnv {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
  interface GlobalProps {
    mainModule: typeof import('../../src/index');
  }
}
