// Every fuzz target with a small sample (the full run is `npm run fuzz`, ≥ 100 000 cases each).
// FUZZ_RUNS overrides the sample; FUZZ_SEED fixes the seed (a failure prints its seed and path).
import { describe, expect, it } from 'vitest';
import { TARGETS } from './targets';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

describe('fuzz (small sample)', () => {
  for (const target of TARGETS) {
    it(target.name, async () => {
      const r = await target.run(RUNS, SEED === undefined ? {} : { seed: SEED });
      expect(r.failures, r.report).toBe(0);
      expect(r.cases).toBe(RUNS);
    }, 120_000);
  }
});
