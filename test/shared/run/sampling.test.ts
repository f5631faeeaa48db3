// Sampling bounded in time: the rate cap (with a fake clock, never a sleep) and the envelope each
// sample carries, which keeps a spike shorter than the sampling interval.
import { describe, expect, it } from 'vitest';
import { createAllocator, type Allocator } from '../../../shared/engine';
import { OP_ALLOC, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import { BatchFeed } from '../../../shared/run/batch-feed';
import { RunLoop } from '../../../shared/run/run-loop';
import { ENVELOPE_KEYS, MAX_COLUMN, MIN_COLUMN, SAMPLE_WIDTH, SERIES_COUNT, SERIES_INDEX, writeSample } from '../../../shared/run/sample';
import { sized } from '../engine/sized';

/**
 * `live` long-lived blocks, then `spike` blocks allocated, every third one reallocated (moved to
 * another class or within its block; `moves` of them), and all freed again, then `tail` alloc/free pairs.
 */
function spikeBatch(live: number, spike: number, tail = 0, moves = false): OpBatch {
  const b = new OpBatch(live + 3 * spike + 2 * tail + 1);
  let id = 1;
  for (let i = 0; i < live; i++) b.alloc(i, id++, 32);
  for (let i = 0; i < spike; i++) b.alloc(live + i, id + i, 64 + (i % 5) * 16);
  if (moves) for (let i = 0; i < spike; i += 3) b.realloc(live + i, id + i, i % 2 === 0 ? 300 + (i % 7) : 60 + (i % 5) * 16);
  for (let i = 0; i < spike; i++) b.free(live + i, id + i);
  id += spike;
  for (let i = 0; i < tail; i++) {
    b.alloc(live, id, 48);
    b.free(live, id++);
  }
  return b;
}

function feedOf(batch: OpBatch): BatchFeed {
  const feed = new BatchFeed();
  feed.offer(batch);
  feed.end();
  return feed;
}

/** Every row a loop emits, copied. */
function rowsOf(loop: { rows: Float64Array[] }): Float64Array[] {
  return loop.rows;
}

function runLoop(alloc: Allocator, batch: OpBatch, options: { sampleEvery: number; maxSampleRate?: number; freeSamples?: number; clock: () => number }) {
  const rows: Float64Array[] = [];
  const loop = new RunLoop(feedOf(batch), alloc, { ...options, onSample: (row) => rows.push(Float64Array.from(row)) });
  return { loop, rows };
}

/** The oracle: the same operations one by one, each series' values after every operation. */
function statesAfterEachOp(version: string, batch: OpBatch): Float64Array[] {
  const a = sized(createAllocator(version));
  const handles: number[] = [];
  const states: Float64Array[] = [];
  const take = (): void => {
    const row = new Float64Array(SERIES_COUNT);
    writeSample(a, 0, row);
    states.push(row);
  };
  take();
  for (let i = 0; i < batch.length; i++) {
    const slot = batch.slot[i]!;
    if (batch.kind[i] === OP_ALLOC) handles[slot] = a.malloc(batch.size[i]!);
    else if (batch.kind[i] === OP_REALLOC) handles[slot] = a.realloc(handles[slot]!, batch.size[i]!);
    else a.free(handles[slot]!);
    take();
  }
  return states;
}

describe('the envelope: a spike between two samples is in the next sample', () => {
  it.each([
    ['2.7', false],
    ['3.6', false],
    ['3.11', false],
    ['3.13', false],
    ['2.7', true],
    ['3.12', true],
  ] as const)('%s (reallocs: %s): min and max of every enveloped series are exactly those of the states since the previous sample', (version, moves) => {
    const batch = spikeBatch(10, 30_000, 500, moves);
    const alloc = sized(createAllocator(version));
    // The clock never moves: after the first sample, the cap skips every point until the end.
    const { loop, rows } = runLoop(alloc, batch, { sampleEvery: 1000, maxSampleRate: 20, freeSamples: 0, clock: () => 0 });
    expect(loop.run(Infinity)).toBe(batch.length);
    loop.sampleNow();
    expect(rows.length).toBe(2);
    expect(loop.skipped).toBe(Math.floor(batch.length / 1000) - 1);
    const [first, last] = rows as [Float64Array, Float64Array];
    expect(first[0]).toBe(1000);
    expect(last[0]).toBe(batch.length);
    expect(last.length).toBe(SAMPLE_WIDTH);

    const states = statesAfterEachOp(version, batch);
    for (const key of ENVELOPE_KEYS) {
      const s = SERIES_INDEX[key];
      // The values are the states at those operations.
      expect(first[s], key).toBe(states[1000]![s]);
      expect(last[s], key).toBe(states[batch.length]![s]);
      // The first row's window: from the empty allocator to op 1000; the last row's: op 1000 to the end.
      const window = (from: number, to: number): [number, number] => {
        let lo = Infinity;
        let hi = -Infinity;
        for (let op = from; op <= to; op++) {
          lo = Math.min(lo, states[op]![s]!);
          hi = Math.max(hi, states[op]![s]!);
        }
        return [lo, hi];
      };
      expect([first[MIN_COLUMN[s]!], first[MAX_COLUMN[s]!]], key).toEqual(window(0, 1000));
      expect([last[MIN_COLUMN[s]!], last[MAX_COLUMN[s]!]], key).toEqual(window(1000, batch.length));
    }
    // The spike itself: 30,000 blocks allocated and freed between the two samples.
    const req = SERIES_INDEX['requested_bytes'];
    const arenas = SERIES_INDEX['arena_bytes'];
    expect(last[MAX_COLUMN[req]!]! - last[req]!).toBeGreaterThan(30_000 * 64);
    expect(last[MAX_COLUMN[arenas]!]!).toBeGreaterThan(last[arenas]!);
    expect(alloc.envMax.every((v, i) => v >= alloc.envMin[i]!)).toBe(true);
  });

  it('a series with no envelope (the counters that only grow, the axes) points its min and max at itself', () => {
    for (const key of ['op', 'wall_ms', 'arenas_highwater', 'arenas_allocated_total', 'arenas_reclaimed'] as const) {
      const s = SERIES_INDEX[key];
      expect([MIN_COLUMN[s], MAX_COLUMN[s]]).toEqual([s, s]);
    }
  });
});

describe('the rate cap', () => {
  // 1,000 operations a millisecond: 1 M a second, a fast run. The clock is the operation count.
  const opsPerMs = 1000;

  function sampledOps(options: { maxSampleRate?: number; freeSamples?: number; capped?: boolean }, ops = 1_000_000): number[] {
    const alloc = sized(createAllocator('3.12'));
    const { loop, rows } = runLoop(alloc, spikeBatch(0, 0, ops / 2), { sampleEvery: 1000, clock: () => alloc.ops / opsPerMs, ...options });
    if (options.capped === false) loop.rateCapped = false;
    expect(loop.run(Infinity)).toBe(ops);
    return rowsOf({ rows }).map((r) => r[0]!);
  }

  it('at 20 Hz a run takes a sample at the first multiple of sampleEvery 50 ms after the last, after its free samples', () => {
    const ops = sampledOps({ maxSampleRate: 20, freeSamples: 10 });
    const expected = [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000];
    for (let op = 60_000; op <= 1_000_000; op += 50_000) expected.push(op);
    expect(ops).toEqual(expected);
  });

  it('a fractional rate (2.5 Hz: one sample every 400 ms)', () => {
    expect(sampledOps({ maxSampleRate: 2.5, freeSamples: 1 })).toEqual([1000, 401_000, 801_000]);
  });

  it('0 means no cap: every multiple of sampleEvery', () => {
    expect(sampledOps({ maxSampleRate: 0, freeSamples: 0 }).length).toBe(1000);
    expect(sampledOps({ freeSamples: 0 }).length).toBe(1000);
  });

  it('a short run (fewer samples than FREE_SAMPLES) keeps every point', () => {
    expect(sampledOps({ maxSampleRate: 20 }).length).toBe(1000);
  });

  it('stepping (rateCapped off) keeps every point', () => {
    expect(sampledOps({ maxSampleRate: 20, freeSamples: 0, capped: false }).length).toBe(1000);
  });

  it('the cap can change during a run, and a bad rate is refused', () => {
    const alloc = sized(createAllocator('3.12'));
    const { loop, rows } = runLoop(alloc, spikeBatch(0, 0, 100_000), {
      sampleEvery: 1000,
      maxSampleRate: 0,
      freeSamples: 0,
      clock: () => alloc.ops / opsPerMs,
    });
    loop.run(100_000);
    expect(rows.length).toBe(100);
    loop.setMaxSampleRate(10);
    loop.run(100_000);
    // 100 ms between samples: ops 200,000 is the first multiple 100 ms after op 100,000.
    expect(rows.slice(100).map((r) => r[0])).toEqual([200_000]);
    expect(() => loop.setMaxSampleRate(-1)).toThrow(/maxSampleRate must be a number of samples a second ≥ 0, not -1/);
    expect(() => loop.setMaxSampleRate(Number.NaN)).toThrow(/maxSampleRate/);
  });
});
