import { defineConfig } from 'vitest/config';

// Phone-call scenarios against the whole stack: run by `npm run test:e2e` inside a private network
// namespace (tools/testkit/bin/in-netns.sh). One stack serves every scenario file, so files run in turn.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['src/scenarios/**/*.test.ts', 'src/browser/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Counted by .ci/run like test-artifacts/unit.json (paths here are relative to e2e/).
    reporters: ['default', 'json'],
    outputFile: { json: '../test-artifacts/e2e.json' },
  },
});
