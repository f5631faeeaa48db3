import { describe, expect, it } from 'vitest';
import { LogUniform } from '../../../../shared/workloads/core/log-uniform';
import { stream } from '../../../../shared/workloads/prng';

describe('LogUniform', () => {
  it('draws what Rng.logUniform draws, from the named parameters', () => {
    const d = new LogUniform({ lo: 16, hi: 4096 }, 'lo', 'hi');
    const a = stream(7, 'size');
    const b = stream(7, 'size');
    for (let i = 0; i < 10_000; i++) expect(d.draw(a)).toBe(b.logUniform(16, 4096));
  });

  it('spreads its draws evenly over the orders of magnitude', () => {
    const d = new LogUniform({ lo: 1, hi: 1_000_000 }, 'lo', 'hi');
    const rng = stream(3, 'life');
    const decades = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) decades[Math.min(5, Math.floor(Math.log10(d.draw(rng))))]!++;
    for (const n of decades) expect(n).toBeGreaterThan(9_000);
  });

  it('refuses a parameter that is not a number', () => {
    expect(() => new LogUniform({ lo: 'x', hi: 5 }, 'lo', 'hi')).toThrow(/lo/);
  });
});
