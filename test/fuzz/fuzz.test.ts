// Every fuzz target with a small sample (the full run is `npm run fuzz`, ≥ 100 000 cases each).
// FUZZ_RUNS overrides the sample (CI sets a larger one: .ci/run); FUZZ_SEED fixes the seed (a
// failure prints its seed and path; keep the counterexample as a test in regressions/).
import { describe, expect, it } from 'vitest';
import { TARGETS } from './targets';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 1000);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
/** A case takes well under 5 ms even on a loaded machine; the bound only stops a hang. */
const TIMEOUT_MS = Math.max(120_000, RUNS * 30);

describe('fuzz (small sample)', () => {
  for (const target of TARGETS) {
    it(
      target.name,
      async () => {
        const r = await target.run(RUNS, SEED === undefined ? {} : { seed: SEED });
        expect(r.failures, r.report).toBe(0);
        expect(r.cases).toBe(RUNS);
      },
      TIMEOUT_MS,
    );
  }
});
