import { describe, expect, it } from 'vitest';
import { FOREVER } from '../../../../shared/workloads/core/lifetime-queue';
import { ParetoLife } from '../../../../shared/workloads/core/pareto-life';
import { stream } from '../../../../shared/workloads/prng';

describe('ParetoLife', () => {
  it('is the Pareto draw of the named parameters, rounded up', () => {
    const life = new ParetoLife({ a: 0.5, xm: 10_000 }, 'a', 'xm');
    const a = stream(5, 'life');
    const b = stream(5, 'life');
    for (let i = 0; i < 10_000; i++) expect(life.draw(a)).toBe(Math.min(FOREVER, Math.ceil(b.pareto(0.5, 10_000))));
  });

  it('never draws below the shortest life nor past FOREVER', () => {
    const life = new ParetoLife({ a: 0.1, xm: 3 }, 'a', 'xm');
    const rng = stream(9, 'life');
    let longest = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = life.draw(rng);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(FOREVER);
      longest = Math.max(longest, v);
    }
    // With tail index 0.1 some draws overflow any run: they are clamped to FOREVER.
    expect(longest).toBe(FOREVER);
  });
});
