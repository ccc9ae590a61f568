import { defineConfig } from 'vitest/config';

// The system tests start real processes and a private PostgreSQL cluster and redis-server; they run on
// their own (`pnpm test:system`, `pnpm test:system:full`, `pnpm test:soak`), one file at a time, never in `pnpm test`.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 180_000,
  },
});
