import { defineConfig } from 'vitest/config';

// VITEST_JSON=path adds a machine-readable report (CI prints its totals as a closing line).
const json = process.env['VITEST_JSON'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Conformance replays millions of operations per trace; give them room on a 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: json ? ['default', 'json'] : ['default'],
    outputFile: json ? { json } : {},
  },
});
