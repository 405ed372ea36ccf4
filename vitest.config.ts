import { defineConfig } from 'vitest/config';

const integration = {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/web/**'],
          ...integration,
        },
      },
      {
        // Building the dashboard and starting Chromium take whole cores for seconds: run after
        // the other integration tests, whose alerts are timed in one-second polling intervals.
        test: {
          name: 'browser',
          include: ['test/integration/web/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          ...integration,
        },
      },
    ],
  },
});
