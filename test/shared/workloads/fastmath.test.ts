import { describe, expect, it } from 'vitest';
import { exp, ln } from '../../../shared/workloads/fastmath';

describe('table-based ln / exp (fastmath.ts)', () => {
  it('ln agrees with Math.log to 1e-12 absolute on the samplers’ range, and is exact at 1', () => {
    expect(ln(1)).toBe(0);
    let x = 2 ** -53;
    for (let i = 0; i < 200_000; i++) {
      const v = x + (1 - x) * ((i * 0.6180339887498949) % 1);
      expect(Math.abs(ln(v) - Math.log(v))).toBeLessThan(1e-12);
      if (i % 1000 === 0) x = Math.min(0.5, x * 2);
    }
    for (const v of [1 - 2 ** -53, 0.5, 1.5, 2, 3, 1e6, 1e12]) expect(Math.abs(ln(v) - Math.log(v))).toBeLessThan(1e-12 * Math.max(1, Math.abs(Math.log(v))));
    expect(ln(1 - 2 ** -53)).toBeLessThanOrEqual(0);
  });

  it('exp agrees with Math.exp to 1e-12 relative, and saturates outside the double range', () => {
    for (let i = 0; i < 200_000; i++) {
      const y = -700 + 1400 * ((i * 0.6180339887498949) % 1);
      expect(Math.abs(exp(y) / Math.exp(y) - 1)).toBeLessThan(1e-12);
    }
    expect(exp(0)).toBe(1);
    expect(exp(1000)).toBe(Infinity);
    expect(exp(-1000)).toBe(0);
  });
});
