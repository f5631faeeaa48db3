// A run over its memory budget drops old chunks and reads them back from its file: windows stay
// true (exact when zoomed in, whole groups of rows when zoomed out), reads return every value, and a
// zoom over the whole run reads at most the pages at its two ends.
import { describe, expect, it } from 'vitest';
import { SERIES_COUNT, SERIES_INDEX } from '../../../shared/run/sample';
import { CHUNK_ROWS, PAGE_ROWS, SeriesStore, type SpillSource } from '../../../shared/series';
import { mulberry32 as prng } from '../../support/mulberry32';

/** Strictly increasing x axes; values with a random walk and a few spikes and dips. */
function run(n: number, seed: number): Float64Array[] {
  const rnd = prng(seed);
  const cols = Array.from({ length: SERIES_COUNT }, () => new Float64Array(n));
  let walk = 1e6;
  for (let i = 0; i < n; i++) {
    cols[0]![i] = i * 1000 + Math.floor(rnd() * 999);
    cols[1]![i] = i * 100 + rnd() * 50;
    walk += Math.round((rnd() - 0.5) * 1000);
    for (let s = 2; s < SERIES_COUNT; s++) cols[s]![i] = walk + s * 7 + (rnd() < 1e-5 ? 5e8 : rnd() < 1e-5 ? -5e5 : 0);
  }
  return cols;
}

/** The file, as far as it was written: rows [0, rows) of the columns; counts what is read back. */
class MemorySource implements SpillSource {
  rows = 0;
  reads = 0;
  rowsRead = 0;
  closed = false;
  constructor(private readonly cols: Float64Array[]) {}
  read(start: number, end: number): Float64Array[] {
    if (end > this.rows) throw new Error(`read past the written rows (${end} > ${this.rows})`);
    this.reads++;
    this.rowsRead += end - start;
    return this.cols.map((c) => c.slice(start, end));
  }
  close(): void {
    this.closed = true;
  }
}

/** The row of x on the strictly increasing op axis. */
function rowOf(x: number): number {
  let lo = 0;
  let hi = op.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (op[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function extrema(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function feed(store: SeriesStore, id: string, cols: Float64Array[], source: MemorySource | null, batch = 3000): void {
  const n = cols[0]!.length;
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    store.append(
      id,
      cols.map((c) => c.subarray(start, end)),
    );
    // The writer flushes after the store took the rows: the file lags a little.
    if (source) source.rows = start;
  }
  if (source) source.rows = n;
}

const N = 5 * CHUNK_ROWS + 12_345;
const cols = run(N, 11);
const op = cols[0]!;

describe('a run with a memory budget', () => {
  const whole = new SeriesStore();
  whole.addRun('r');
  feed(whole, 'r', cols, null);
  const source = new MemorySource(cols);
  const store = new SeriesStore({ spill: { budgetBytes: 0, pageCache: 4 } });
  store.addRun('r');
  store.spillTo('r', source);
  feed(store, 'r', cols, source);
  const key = 'arena_bytes';
  const y = cols[SERIES_INDEX[key]]!;

  it('spills every sealed chunk the file holds and keeps only the open one', () => {
    const stats = store.spillStats('r')!;
    expect(stats.spilledChunks).toBe(5);
    // One open chunk of 12,345 rows per value series, allocated as a full Float64 chunk or less.
    expect(stats.residentValueBytes).toBeLessThanOrEqual((SERIES_COUNT - 2) * CHUNK_ROWS * 8);
    // What left memory: five sealed chunks of twelve integer series, stored as Uint32.
    expect(whole.bytes('r') - store.bytes('r') + stats.cacheBytes).toBe(5 * (SERIES_COUNT - 2) * CHUNK_ROWS * 4);
    expect(whole.spillStats('r')).toBeUndefined();
  });

  it('reads back every value exactly', () => {
    const a = store.read('r', CHUNK_ROWS - 5, 3 * CHUNK_ROWS + 7);
    const b = whole.read('r', CHUNK_ROWS - 5, 3 * CHUNK_ROWS + 7);
    for (let s = 0; s < SERIES_COUNT; s++) {
      let differ = 0;
      for (let i = 0; i < a[s]!.length; i++) if (a[s]![i] !== b[s]![i]) differ++;
      expect(differ).toBe(0);
      expect(a[s]!.length).toBe(b[s]!.length);
    }
    expect(store.lastSample('r')).toEqual(whole.lastSample('r'));
  });

  it('zoomed in (few samples per point): exactly the window of a run that never spilled', () => {
    const rnd = prng(5);
    for (let i = 0; i < 30; i++) {
      const from = op[Math.floor(rnd() * (N - 5000))]!;
      const to = from + rnd() * 4_000_000;
      const axis = i % 2 === 0 ? 'op' : 'wall_ms';
      const f = axis === 'op' ? from : from / 10;
      const t = axis === 'op' ? to : to / 10;
      expect(store.window('r', key, f, t, 1000, axis)).toEqual(whole.window('r', key, f, t, 1000, axis));
    }
  });

  it('zoomed out: every point holds the true extrema of its samples, the spike is kept, nothing is read back', () => {
    const rnd = prng(9);
    for (let i = 0; i < 20; i++) {
      const from = i === 0 ? -Infinity : op[Math.floor(rnd() * N * 0.5)]!;
      const to = i === 0 ? Infinity : from + (0.1 + rnd() * 0.4) * op[N - 1]!;
      const before = source.reads;
      const w = store.window('r', key, from, to, 800);
      expect(source.reads - before).toBe(0);
      // The range's ends move out to whole groups of 16 samples (from 0 and N: the run's ends).
      let row = rowOf(from);
      row -= row % 16;
      let total = 0;
      for (let p = 0; p < w.count; p++) {
        expect(w.x[p]).toBe(op[row]);
        const n = w.samples[p]!;
        const slice = y.subarray(row, row + n);
        expect(w.xEnd[p]).toBe(op[row + n - 1]);
        const [lo, hi] = extrema(slice);
        expect(w.min[p]).toBe(lo);
        expect(w.max[p]).toBe(hi);
        expect(y[rowOf(w.minX[p]!)]).toBe(w.min[p]);
        expect(y[rowOf(w.maxX[p]!)]).toBe(w.max[p]);
        row += n;
        total += n;
      }
      const exact = whole.window('r', key, from, to, 800);
      const inRange = exact.samples.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(inRange);
      expect(total).toBeLessThanOrEqual(inRange + 30);
      expect(row).toBe(Math.min(N, rowOf(from) + inRange + ((16 - ((rowOf(from) + inRange) % 16)) % 16)));
      expect(Math.max(...w.max)).toBe(Math.max(...exact.max));
      expect(Math.min(...w.min)).toBe(Math.min(...exact.min));
    }
  });

  it('keeps at most the configured pages of read-back rows', () => {
    store.read('r', 0, 3 * CHUNK_ROWS);
    expect(store.spillStats('r')!.cacheBytes).toBeLessThanOrEqual(4 * PAGE_ROWS * SERIES_COUNT * 8);
  });

  it('spills only what the file holds', () => {
    const lagging = new MemorySource(cols);
    const s = new SeriesStore({ spill: { budgetBytes: 0 } });
    s.addRun('r');
    s.spillTo('r', lagging);
    feed(s, 'r', cols, null);
    expect(s.spillStats('r')!.spilledChunks).toBe(0);
    lagging.rows = 2 * CHUNK_ROWS + 10;
    s.append(
      'r',
      cols.map((c) => c.subarray(0, 0)),
    );
    s.append(
      'r',
      cols.map((c) => c.subarray(N - 1, N - 1)),
    );
    // Nothing appended: spilling waits for the next rows.
    expect(s.spillStats('r')!.spilledChunks).toBe(0);
  });

  it('a page read back that differs from the store (the file changed) is an error naming the run and rows, not wrong data', () => {
    const changed = cols.map((c) => c.slice());
    changed[0]![PAGE_ROWS + 3]! += 1;
    const bad = new MemorySource(changed);
    const s = new SeriesStore({ spill: { budgetBytes: 0 } });
    s.addRun('bad');
    s.spillTo('bad', bad);
    feed(s, 'bad', cols, bad);
    expect(() => s.read('bad', PAGE_ROWS, PAGE_ROWS + 10)).toThrow(
      new RegExp(`run bad: reading rows ${PAGE_ROWS}–${2 * PAGE_ROWS - 1} back from the session file: the file's op at row ${PAGE_ROWS + 3}`),
    );
    s.removeRun('bad');
    expect(bad.closed).toBe(true);
  });
});
