import { defineConfig } from 'vitest/config';

/** An unhandled rejection whose reason is `undefined`: nothing to report, no stack. */
function isCancelledStreamWrite(error: { type?: string; message?: unknown; stacks?: unknown[] }) {
  return (
    error.type === 'Unhandled Rejection' &&
    error.message === undefined &&
    (error.stacks?.length ?? 0) === 0
  );
}

export default defineConfig({
  test: {
    include: [
      '**/src/**/*.test.ts',
      'web-test/src/**/*.test.tsx',
      'data/generator/**/*.test.ts',
      'bench/*.test.ts',
      'scripts/*.test.ts',
      'agent/scripts/*.test.ts',
    ],
    // End-to-end scenarios and the browser test need the whole stack in a network namespace:
    // `npm run test:e2e`.
    exclude: ['**/node_modules/**', 'e2e/src/scenarios/**', 'e2e/src/browser/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // @livekit/agents 1.7-1.9 (upstream PR livekit/agents-js#2362, not released): an interrupted or
    // closed speech cancels its audio reader with no reason, and the Realtime plugin's later
    // fire-and-forget writes to that stream reject with `undefined`, unhandled. A job process
    // logs them at debug level; in tests that host an agent session (e2e/src/integration) they
    // land between tests under load. upstream-stream-channel.test.ts fails once upstream fixes it.
    onUnhandledError: (error) => !isCancelledStreamWrite(error),
  },
});
