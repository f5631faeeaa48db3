// The fuzz target `params` (edge cases, seed 101, path 694:5:1:1:1:1:1) found arena-edge-thrash's
// drain walking its whole planned fill: finished after 6,000 ops of a fill planned at 4,999 arenas of
// 1-byte blocks (~3·10^8 slots), the drain visited every planned slot to free 6,000 (15 s). It now
// skips to what is live. The work is counted, not timed: the drain asks `out.full` once per step.
import { describe, expect, it } from 'vitest';
import { OpBatch } from '../../../shared/ops/op-batch';
import { createGenerator } from '../../../shared/workloads/registry';
import { StreamChecker } from '../../shared/workloads/stream-check';

class CountingBatch extends OpBatch {
  reads = 0;
  override get full(): boolean {
    this.reads++;
    return super.full;
  }
}

describe('arena-edge-thrash drain (fuzz counterexample)', () => {
  it.each([
    ['early in the fill', { size: 1, arenas: 4999, fill: 0, loops: 1 }, 6_000],
    ['inside a burst', { size: 16, arenas: 1, fill: 0, loops: 5, burst: 1000 }, 1_000_000],
  ])('frees only what is live when finished %s, in work proportional to it', (_what, params, ops) => {
    const gen = createGenerator('arena-edge-thrash', params, 1);
    const check = new StreamChecker();
    const batch = new OpBatch(1000);
    while (check.ops < ops && !gen.done) {
      batch.clear();
      gen.fill(batch);
      check.check(batch);
    }
    const live = check.live;
    gen.finish();
    const drain = new CountingBatch(4096);
    while (!gen.done) {
      drain.clear();
      gen.fill(drain);
      check.check(drain);
    }
    expect(check.live).toBe(0);
    expect(drain.reads).toBeLessThan(3 * live + 100);
  });
});
