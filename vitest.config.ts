// Two kinds of tests:
//  - worker: run inside workerd with real D1 and KV (Cloudflare's vitest plugin);
//  - e2e: run in Node against the Worker under `wrangler dev` on localhost, with the
//    real WorkOS SDKs and a real headless Chromium.
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const migrations = await readD1Migrations('./migrations');

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: migrations,
                WAYMARK_ENV: 'test',
                ADMIN_PASSWORD: 'test-admin-password',
                DEFAULT_PROJECT_SECRET_KEY: 'sk_test_DefaultDefaultDefaultDefault0001',
                DEMO_PROJECT_SECRET_KEY: 'sk_test_DemoDemoDemoDemoDemoDemoDemo0002',
                // Property-based tests (test/worker/fuzz.*): runs per property and a seed to replay.
                FUZZ_RUNS: process.env.FUZZ_RUNS ?? '',
                FUZZ_SEED: process.env.FUZZ_SEED ?? '',
              },
            },
          }),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['./test/worker/apply-migrations.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
