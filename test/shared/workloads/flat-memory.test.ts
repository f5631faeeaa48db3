/**
 * Long runs in flat memory: `steady-churn` for 10^8 operations (generator + engine + sampling) must
 * not grow the process heap beyond its live set once that set is built.
 */
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';
import { RunLoop } from '../../../shared/run/run-loop';
import { createGenerator } from '../../../shared/workloads/registry';
import { fullCollector } from '../../support/full-gc';

const gc = fullCollector();

function heapBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('flat memory', () => {
  it('steady-churn: 10^8 operations without heap growth past the live set', () => {
    const alloc = createAllocator('3.11');
    let samples = 0;
    const loop = new RunLoop(createGenerator('steady-churn', { L: 100_000 }, 42), alloc, {
      sampleEvery: 100_000,
      clock: () => 0,
      onSample: () => samples++,
    });
    loop.run(10_000_000);
    const early = heapBytes();
    const arenasEarly = alloc.stats().arenas.current;
    for (let done = 10_000_000; done < 100_000_000; done += 10_000_000) loop.run(10_000_000);
    const late = heapBytes();
    expect(loop.ops).toBe(100_000_000);
    expect(samples).toBe(1000);
    // The live set is constant: the model's arenas, and the process heap, stay where they were.
    expect(alloc.stats().arenas.current).toBeLessThanOrEqual(arenasEarly + 2);
    expect(late - early).toBeLessThan(4 * 2 ** 20);
  }, 300_000);
});
