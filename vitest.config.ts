import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    // A test's own waits fail it with the reason (a sync run: 60 s, test/helpers/sync.ts); this limit
    // is for a test that hangs, and holds those waits. At 30 s it did not: beside another file, on
    // a machine that other suites kept at load 8-11, a test waiting for two syncs (changes-api,
    // sync-schedule) took 25-30 s and npm run start:web with WEB_CONCURRENCY (two 30 s waits) 30 s.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time: most of a file's time is spent waiting on git, Postgres, Redis,
    // child processes and Chromium, so two overlap well on two cores. Each file keeps its own
    // process, database and Redis prefix; ports come from freePort (test/helpers/net.ts).
    maxWorkers: 2,
  },
});
