/** Random operation sequences with every invariant checked after every operation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';
import { PH_COUNT, POOL_STRIDE_SHIFT } from '../../../shared/engine/allocator';
import { checkInvariants, findViolations } from '../../../shared/engine/invariants';
import { sized } from './sized';

type Op =
  | { k: 'a'; size: number }
  | { k: 'f'; pick: number }
  | { k: 'r'; pick: number; size: number }
  | { k: 'burst'; size: number; n: number }
  | { k: 'drop'; every: number };

const size = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 512 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 16, 256, 257, 512, 513, 4096) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('a' as const), size }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('f' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('r' as const), pick: fc.nat(), size }) },
  // Bursts fill whole pools and arenas so that arena release and re-sorting get exercised.
  { weight: 1, arbitrary: fc.record({ k: fc.constant('burst' as const), size: fc.constantFrom(256, 512, 48), n: fc.integer({ min: 50, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), every: fc.integer({ min: 1, max: 5 }) }) },
);

describe('invariants hold after every operation', () => {
  it.each(['2.4', '2.6', '3.6', '3.8', '3.9', '3.11'])('%s', (version) => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.constantFrom('aligned' as const, 'misaligned' as const), (ops, arenas) => {
        const a = sized(createAllocator(version, { arenas }));
        const live: number[] = [];
        const step = (fn: () => void): void => {
          fn();
          checkInvariants(a, a.requestedOf);
        };
        for (const o of ops) {
          if (o.k === 'a') step(() => live.push(a.malloc(o.size)));
          else if (o.k === 'f' && live.length > 0) {
            const i = o.pick % live.length;
            const h = live[i]!;
            live[i] = live[live.length - 1]!;
            live.pop();
            step(() => a.free(h));
          } else if (o.k === 'r' && live.length > 0) {
            const i = o.pick % live.length;
            step(() => (live[i] = a.realloc(live[i]!, o.size)));
          } else if (o.k === 'burst') {
            for (let j = 0; j < o.n; j++) live.push(a.malloc(o.size));
            checkInvariants(a, a.requestedOf);
          } else if (o.k === 'drop') {
            const keep: number[] = [];
            live.forEach((h, j) => (j % o.every === 0 ? a.free(h) : keep.push(h)));
            live.splice(0, live.length, ...keep);
            checkInvariants(a, a.requestedOf);
          }
        }
        for (const h of live) step(() => a.free(h));
        const s = a.stats();
        expect(s.bytes.requested).toBe(0);
        expect(s.large.count).toBe(0);
        expect(s.pools.used + s.pools.full).toBe(0);
      }),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it('detects a corrupted state', () => {
    const a = sized(createAllocator('3.11'));
    const h = a.malloc(16);
    a.malloc(16);
    expect(findViolations(a)).toEqual([]);
    a.pools[(a.poolOf(h) << POOL_STRIDE_SHIFT) + PH_COUNT]! += 1;
    expect(findViolations(a).join('\n')).toMatch(/count 3/);
    const b = sized(createAllocator('3.9'));
    Array.from({ length: 3000 }, () => b.malloc(512));
    b.arenaNfree[0] = 5;
    expect(findViolations(b).length).toBeGreaterThan(0);
  });
});
