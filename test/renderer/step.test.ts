// The step field refuses what it cannot step by (empty, 0, -1, fractions) instead of stepping one.
import { describe, expect, it } from 'vitest';
import { stepOpsError } from '../../renderer/src/model/step';

describe('step by', () => {
  it('refuses empty, zero, negative and fractional values, with a reason', () => {
    expect(stepOpsError('')).toBe('give a number of operations to step by');
    for (const v of [0, -1, 2.5, 'abc', 2e9]) expect(stepOpsError(v)).toMatch(/^step by a whole number of operations from 1 to 1,000,000,000, not /);
  });

  it('accepts whole numbers of operations', () => {
    for (const v of [1, 10_000, '25']) expect(stepOpsError(v)).toBeNull();
  });
});
