import { defineConfig } from 'vitest/config';

// One run over the whole workspace. Each test file isolates itself (own PostgreSQL schema, own Redis
// key prefix), so files run in parallel.
export default defineConfig({
  test: {
    include: ['{packages,services,workflows}/*/{src,test}/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
