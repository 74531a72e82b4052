import { defineConfig } from 'vitest/config';

// chDB binds one data directory per process, so every test file runs in its own forked process.
export default defineConfig({
  test: {
    include: ['{shared,agent,collector}/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
