// A spike shorter than the sampling interval, from the engine to a chart's window: the run loop's
// rows carry each window's envelope, and the host's store answers windows with it, spilled or not.
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { BatchFeed } from '../../../shared/run/batch-feed';
import { RunLoop } from '../../../shared/run/run-loop';
import { MAX_COLUMN, MIN_COLUMN, SAMPLE_WIDTH, SERIES_COUNT, SERIES_INDEX } from '../../../shared/run/sample';
import { CHUNK_ROWS, SeriesStore, type SpillSource } from '../../../shared/series';
import { storeWindow } from '../../../shared/charts/window';

const LIVE = 10;
const CHURN = 15_000;
const SPIKE = 40_000;
const CYCLE = 2 * CHURN + 2 * SPIKE;
const CYCLES = 6;
const REQ = SERIES_INDEX['requested_bytes'];
const ARENAS = SERIES_INDEX['arena_bytes'];

/** LIVE blocks of 32 bytes; then per cycle CHURN alloc/free pairs of 48 bytes, then SPIKE blocks of 64 bytes allocated and all freed. */
function cycles(): OpBatch {
  const b = new OpBatch(LIVE + CYCLES * CYCLE);
  let id = 1;
  for (let i = 0; i < LIVE; i++) b.alloc(i, id++, 32);
  for (let c = 0; c < CYCLES; c++) {
    for (let i = 0; i < CHURN; i++) {
      b.alloc(LIVE, id, 48);
      b.free(LIVE, id++);
    }
    for (let i = 0; i < SPIKE; i++) b.alloc(LIVE + i, id + i, 64);
    for (let i = 0; i < SPIKE; i++) b.free(LIVE + i, id + i);
    id += SPIKE;
  }
  return b;
}

/** The run's rows as columns: capped at 20 a second by a clock on which one cycle lasts 50 ms. */
function sampledRun(): number[][] {
  const alloc = createAllocator('3.12');
  const feed = new BatchFeed();
  feed.offer(cycles());
  feed.end();
  const cols: number[][] = Array.from({ length: SAMPLE_WIDTH }, () => []);
  const loop = new RunLoop(feed, alloc, {
    sampleEvery: 1000,
    maxSampleRate: 20,
    freeSamples: 0,
    clock: () => (alloc.ops / CYCLE) * 50,
    onSample: (row) => row.forEach((v, i) => cols[i]!.push(v)),
  });
  loop.run(Infinity);
  loop.sampleNow();
  return cols;
}

describe('a spike between two samples, from the engine to the store', () => {
  const cols = sampledRun();
  const ops = cols[0]!;

  it('no sample lands in a spike: every sampled value is the quiet one', () => {
    expect(ops.length).toBeGreaterThanOrEqual(CYCLES);
    expect(ops.length).toBeLessThanOrEqual(CYCLES + 2);
    for (let i = 0; i < ops.length - 1; i++) expect((ops[i]! - LIVE) % CYCLE, `sample at op ${ops[i]}`).toBeLessThan(2 * CHURN);
    expect(Math.max(...cols[REQ]!)).toBeLessThanOrEqual(LIVE * 32 + 48);
  });

  it('yet each window after a spike carries its peak: the envelope', () => {
    const peak = LIVE * 32 + SPIKE * 64;
    // Every window from the second sample on holds one whole spike.
    for (let i = 1; i < ops.length; i++) expect(cols[MAX_COLUMN[REQ]!]![i]).toBe(peak);
    expect(cols[MIN_COLUMN[REQ]!]![1]).toBe(LIVE * 32);
    expect(Math.min(...cols[MAX_COLUMN[ARENAS]!]!.slice(1))).toBeGreaterThan(Math.max(...cols[ARENAS]!));
  });

  it("the store's windows show the peak where it happened; rows without an envelope (a version-2 file) would not", () => {
    const store = new SeriesStore();
    store.addRun('r');
    store.append('r', cols);
    const plain = new SeriesStore();
    plain.addRun('r');
    plain.append('r', cols.slice(0, SERIES_COUNT));
    const peak = LIVE * 32 + SPIKE * 64;
    // One point per sample: the band at each sample after the first reaches the spike's peak.
    const w = store.window('r', 'requested_bytes', -Infinity, Infinity, ops.length);
    expect(w.count).toBe(ops.length);
    expect(Array.from(w.max.slice(1))).toEqual(new Array(ops.length - 1).fill(peak));
    // The line's value (the last sample) is still the quiet one.
    expect(store.lastSample('r')![REQ]).toBe(cols[REQ]!.at(-1));
    // Zoomed right out (one point), and at a single sample.
    expect(store.window('r', 'requested_bytes', -Infinity, Infinity, 1).max[0]).toBe(peak);
    expect(store.window('r', 'requested_bytes', ops[2]!, ops[2]!, 10).max[0]).toBe(peak);
    expect(store.window('r', 'arena_bytes', -Infinity, Infinity, 1).max[0]).toBeGreaterThan(Math.max(...cols[ARENAS]!));
    expect(plain.window('r', 'requested_bytes', -Infinity, Infinity, 1).max[0]).toBeLessThan(peak);
    // The x of the peak is the sample whose window held it.
    expect(w.maxX[1]).toBe(ops[1]);
    // A window's "value at the end" is the sample's own value, not its envelope (the compare table's final).
    expect(store.lastValue('r', 'requested_bytes', ops.at(-1)!, ops.at(-1)!)).toBe(cols[REQ]!.at(-1));
    expect(store.window('r', 'requested_bytes', ops.at(-1)!, ops.at(-1)!, 1).max[0]).toBe(peak);
    expect(store.lastValue('r', 'requested_bytes', -Infinity, ops[2]! + 1)).toBe(cols[REQ]![2]);
    expect(store.lastValue('r', 'requested_bytes', ops.at(-1)! + 1, Infinity)).toBeNull();
    // Asked with `values`, a window that holds every sample gives each one's own value beside its envelope.
    const all = storeWindow(store, { runId: 'r', series: ['requested_bytes'], from: -Infinity, to: Infinity, maxPoints: ops.length, axis: 'op', values: true });
    expect(all.series['requested_bytes']!.samples).toEqual({ x: ops, y: cols[REQ] });
    const fewer = storeWindow(store, {
      runId: 'r',
      series: ['requested_bytes'],
      from: -Infinity,
      to: Infinity,
      maxPoints: ops.length - 1,
      axis: 'op',
      values: true,
    });
    expect(fewer.series['requested_bytes']!.samples).toBeUndefined();
  });

  it('rows without an envelope appended to a run with one stand for min = max = value; the other way round is refused', () => {
    const store = new SeriesStore();
    store.addRun('r');
    store.append(
      'r',
      cols.map((c) => c.slice(0, 2)),
    );
    const later = cols.slice(0, SERIES_COUNT).map((c) => c.slice(2, 3));
    store.append('r', later);
    const back = store.read('r', 2, 3);
    expect(back.length).toBe(SAMPLE_WIDTH);
    expect(back[MIN_COLUMN[REQ]!]![0]).toBe(later[REQ]![0]);
    expect(back[MAX_COLUMN[REQ]!]![0]).toBe(later[REQ]![0]);
    const plain = new SeriesStore();
    plain.addRun('p');
    plain.append(
      'p',
      cols.slice(0, SERIES_COUNT).map((c) => c.slice(0, 1)),
    );
    expect(plain.read('p').length).toBe(SERIES_COUNT);
    expect(() =>
      plain.append(
        'p',
        cols.map((c) => c.slice(1, 2)),
      ),
    ).toThrow(/run p: rows with a min\/max envelope after rows without one/);
  });
});

describe('the envelope in a run whose rows were spilled to its file', () => {
  /** Flat values; every 997th row's window held a spike (max) and a dip (min). */
  function flat(n: number): Float64Array[] {
    const cols = Array.from({ length: SAMPLE_WIDTH }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      cols[0]![i] = i * 1000;
      cols[1]![i] = i * 50;
      for (let s = 2; s < SAMPLE_WIDTH; s++) cols[s]![i] = 5000;
      if (i % 997 === 500) {
        cols[MAX_COLUMN[REQ]!]![i] = 1e9 + i;
        cols[MIN_COLUMN[REQ]!]![i] = 7;
      }
    }
    return cols;
  }

  it('keeps every spike in the windows, zoomed out (the pyramid alone) and zoomed in (rows read back)', () => {
    const n = 3 * CHUNK_ROWS + 123;
    const cols = flat(n);
    const source: SpillSource & { rows: number } = { rows: n, read: (start, end) => cols.map((c) => c.slice(start, end)) };
    const store = new SeriesStore({ spill: { budgetBytes: 0 } });
    store.addRun('r');
    store.spillTo('r', source);
    store.append('r', cols);
    expect(store.spillStats('r')!.spilledChunks).toBe(3);
    const all = store.window('r', 'requested_bytes', -Infinity, Infinity, 1);
    expect(all.max[0]).toBe(1e9 + (n - 1 - ((n - 1 - 500) % 997)));
    expect(all.min[0]).toBe(7);
    // Zoomed in around one spiked row in a spilled chunk: exact, read back from the file.
    const row = 997 * 20 + 500;
    const near = store.window('r', 'requested_bytes', (row - 3) * 1000, (row + 3) * 1000, 7);
    expect(Array.from(near.max)).toEqual([5000, 5000, 5000, 1e9 + row, 5000, 5000, 5000]);
    expect(near.min[3]).toBe(7);
    // Another series (no spike) stays flat.
    expect(store.window('r', 'pool_bytes', -Infinity, Infinity, 1).max[0]).toBe(5000);
    // Reading the rows back gives the envelope too.
    expect(store.read('r', row, row + 1)[MAX_COLUMN[REQ]!]![0]).toBe(1e9 + row);
  });
});
