import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '**/src/**/*.test.ts',
      'web-test/src/**/*.test.tsx',
      'data/generator/**/*.test.ts',
      'bench/*.test.ts',
      'scripts/*.test.ts',
    ],
    // End-to-end scenarios and the browser test need the whole stack in a network namespace:
    // `npm run test:e2e`.
    exclude: ['**/node_modules/**', 'e2e/src/scenarios/**', 'e2e/src/browser/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
