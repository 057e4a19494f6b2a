import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'channels/**/*.test.ts', 'bridges/**/*.test.ts'],
    // Starts (or points at) Postgres and Redis once; each test file makes its own database.
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 20_000,
    // Hooks create databases and run migrations, which can be slow on a loaded CI machine.
    hookTimeout: 60_000,
    pool: 'forks',
    // Files run in parallel, but CI has 2 cores and Postgres and Redis need some of them.
    maxWorkers: 2,
  },
});
