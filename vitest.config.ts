import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/src/**/*.test.ts', 'data/generator/**/*.test.ts'],
    // Stack-level end-to-end tests (real LiveKit, SIP) will run with `npm run test:e2e`; the
    // Realtime emulator's own tests need no stack and run here.
    exclude: ['**/node_modules/**', 'e2e/src/!(realtime-emulator)/**'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
