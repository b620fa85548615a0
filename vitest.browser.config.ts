import { defineConfig } from 'vitest/config';

// Browser tests (headless Chromium): `npm run test:browser`, separate from `npm test`.
export default defineConfig({
  test: {
    include: ['test/board/**/*.browser.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
