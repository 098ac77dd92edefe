import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/src/**/*.test.ts', 'web-test/src/**/*.test.tsx', 'data/generator/**/*.test.ts'],
    // End-to-end scenarios need the whole stack in a network namespace: `npm run test:e2e`.
    exclude: ['**/node_modules/**', 'e2e/src/scenarios/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
