// shared/workloads/sizes.ts once took Object.prototype members for named size distributions.
import { describe, expect, it } from 'vitest';
import { checkSizes } from '../../../shared/workloads/sizes';

describe('size distribution names', () => {
  // `NAMED[name]` on a plain object found inherited members, so "toString" was taken for a named
  // distribution and `named.rows()` threw a TypeError instead of the parser's reason.
  for (const name of ['toString', 'constructor', 'valueOf', 'hasOwnProperty', 'mix(1: toString)']) {
    it(`checkSizes(${JSON.stringify(name)}) returns a reason instead of throwing`, () => {
      expect(typeof checkSizes(name)).toBe('string');
    });
  }
});
