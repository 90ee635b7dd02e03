import { defineConfig } from 'vitest/config';

// Every test file runs in its own child process: an embedded ClickHouse (chDB) binds one data
// folder per process, and tests that start servers must not share module state.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    isolate: true,
    maxWorkers: 2,
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
