// The series store: min/max decimation must keep every spike at any zoom, on both x axes, and
// agree with a brute-force scan bucket by bucket.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SERIES_COUNT, SERIES_INDEX } from '../../../shared/run/sample';
import { type Axis, CHUNK_ROWS, FANOUT, SeriesStore, type SeriesWindow } from '../../../shared/series';
// Deterministic, so a failure can be replayed.
import { mulberry32 as prng } from '../../support/mulberry32';

/** A synthetic run as plain columns: op and wall_ms non-decreasing (with repeats), the rest noisy. */
function syntheticRun(n: number, seed: number): Float64Array[] {
  const rnd = prng(seed);
  const cols = Array.from({ length: SERIES_COUNT }, () => new Float64Array(n));
  let op = 0;
  let wall = 0;
  for (let i = 0; i < n; i++) {
    op += Math.floor(rnd() * 2000); // sometimes 0: equal x values must work
    wall += rnd() < 0.05 ? 0 : rnd() * 100;
    cols[0]![i] = op;
    cols[1]![i] = wall;
    for (let s = 2; s < SERIES_COUNT; s++) cols[s]![i] = Math.round(1e6 + 1e5 * Math.sin(i / 5000) + rnd() * 1000);
  }
  return cols;
}

/** Appends the columns in batches of random size, as workers send them. */
function feed(store: SeriesStore, runId: string, cols: Float64Array[], seed: number, maxBatch = 5000): void {
  const rnd = prng(seed);
  const n = cols[0]!.length;
  for (let start = 0; start < n;) {
    const end = Math.min(n, start + 1 + Math.floor(rnd() * maxBatch));
    store.append(
      runId,
      cols.map((c) => c.subarray(start, end)),
    );
    start = end;
  }
}

/** Rows [start, end) whose x lies in [from, to] (x non-decreasing). */
function rowsIn(x: Float64Array, from: number, to: number): [number, number] {
  let start = 0;
  while (start < x.length && x[start]! < from) start++;
  let end = start;
  while (end < x.length && x[end]! <= to) end++;
  return [start, end];
}

/** Checks a window against the raw columns: every bucket's extrema by brute force, and the layout. */
function checkWindow(w: SeriesWindow, x: Float64Array, y: Float64Array, from: number, to: number, maxPoints: number): void {
  const [start, end] = rowsIn(x, from, to);
  expect(w.count).toBeLessThanOrEqual(maxPoints);
  for (const a of [w.x, w.xEnd, w.min, w.minX, w.max, w.maxX, w.samples]) expect(a.length).toBe(w.count);
  if (start === end) {
    expect(w.count).toBe(0);
    return;
  }
  const grid = (to - from) / maxPoints;
  let row = start;
  for (let k = 0; k < w.count; k++) {
    const n = w.samples[k]!;
    expect(n).toBeGreaterThan(0);
    let min = Infinity;
    let max = -Infinity;
    let minFound = false;
    let maxFound = false;
    for (let i = row; i < row + n; i++) {
      min = Math.min(min, y[i]!);
      max = Math.max(max, y[i]!);
      // minX and maxX are the x of a sample holding that value.
      if (x[i] === w.minX[k] && y[i] === w.min[k]) minFound = true;
      if (x[i] === w.maxX[k] && y[i] === w.max[k]) maxFound = true;
    }
    expect(minFound && maxFound).toBe(true);
    expect(w.x[k]).toBe(x[row]);
    expect(w.xEnd[k]).toBe(x[row + n - 1]);
    expect(w.min[k]).toBe(min);
    expect(w.max[k]).toBe(max);
    expect(w.minX[k]).toBeGreaterThanOrEqual(w.x[k]!);
    expect(w.minX[k]).toBeLessThanOrEqual(w.xEnd[k]!);
    expect(w.maxX[k]).toBeGreaterThanOrEqual(w.x[k]!);
    expect(w.maxX[k]).toBeLessThanOrEqual(w.xEnd[k]!);
    // A bucket never spans more than one grid cell of x.
    if (grid > 0) expect(w.xEnd[k]! - w.x[k]!).toBeLessThanOrEqual(grid * (1 + 1e-9));
    row += n;
  }
  expect(row).toBe(end);
}

describe('SeriesStore.window on a million samples', () => {
  const N = 1_000_000;
  const cols = syntheticRun(N, 7);
  const rnd = prng(99);
  const spikeAt = Math.floor(rnd() * N);
  let dipAt = Math.floor(rnd() * N);
  if (dipAt === spikeAt) dipAt = (dipAt + 1) % N;
  const s = SERIES_INDEX['arena_bytes'];
  cols[s]![spikeAt] = 9e9;
  cols[s]![dipAt] = 3;
  const store = new SeriesStore();
  store.addRun('r');
  feed(store, 'r', cols, 3);

  it('holds every sample', () => {
    const st = store.stats('r');
    expect(st.samples).toBe(N);
    expect(st.range!.op).toEqual([cols[0]![0], cols[0]![N - 1]]);
    expect(st.range!.wall_ms).toEqual([cols[1]![0], cols[1]![N - 1]]);
  });

  for (const axis of ['op', 'wall_ms'] as Axis[]) {
    it(`keeps the spike and the dip at 1000 points, x = ${axis}`, () => {
      const x = cols[axis === 'op' ? 0 : 1]!;
      const y = cols[s]!;
      const around = (row: number, half: number): [number, number] => [x[Math.max(0, row - half)]!, x[Math.min(N - 1, row + half)]!];
      const windows: [number, number][] = [
        [x[0]!, x[N - 1]!],
        [-Infinity, Infinity],
        around(spikeAt, 400_000),
        around(spikeAt, 20_000),
        around(dipAt, 3_000),
        around(dipAt, 100),
        around(spikeAt, 2),
      ];
      for (let i = 0; i < 5; i++) {
        const a = x[Math.floor(rnd() * N)]!;
        const b = x[Math.floor(rnd() * N)]!;
        windows.push([Math.min(a, b), Math.max(a, b)]);
      }
      for (const [from, to] of windows) {
        const w = store.window('r', 'arena_bytes', from, to, 1000, axis);
        const lo = Number.isFinite(from) ? from : x[0]!;
        const hi = Number.isFinite(to) ? to : x[N - 1]!;
        const [start, end] = rowsIn(x, lo, hi);
        let trueMin = Infinity;
        let trueMax = -Infinity;
        for (let i = start; i < end; i++) {
          trueMin = Math.min(trueMin, y[i]!);
          trueMax = Math.max(trueMax, y[i]!);
        }
        expect(Math.max(...w.max)).toBe(trueMax);
        expect(Math.min(...w.min)).toBe(trueMin);
        if (start <= spikeAt && spikeAt < end) {
          expect(trueMax).toBe(9e9);
          // The spike's x is reported exactly.
          expect(w.maxX[w.max.indexOf(9e9)]).toBe(x[spikeAt]);
        }
        if (start <= dipAt && dipAt < end) expect(trueMin).toBe(3);
        checkWindow(w, x, y, lo, hi, 1000);
      }
    });
  }

  it('answers a 1000-point window in well under 10 ms', () => {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const a = cols[0]![Math.floor(rnd() * N)]!;
      const b = cols[0]![Math.floor(rnd() * N)]!;
      const t0 = performance.now();
      store.window('r', 'requested_bytes', Math.min(a, b), Math.max(a, b), 1000);
      times.push(performance.now() - t0);
    }
    times.sort((p, q) => p - q);
    expect(times[25]).toBeLessThan(10);
  });
});

describe('SeriesStore.window against brute force (random runs, windows and batch sizes)', () => {
  it('every bucket holds its true extrema', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * FANOUT ** 3 }),
        fc.integer(),
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, seed, maxPoints, p, q) => {
          const cols = syntheticRun(n, seed);
          const store = new SeriesStore();
          store.addRun('r');
          feed(store, 'r', cols, seed, 700);
          for (const axis of ['op', 'wall_ms'] as Axis[]) {
            const x = cols[axis === 'op' ? 0 : 1]!;
            const last = x[n - 1]!;
            // Windows that may start before and end after the data.
            const from = -10 + Math.min(p, q) * (last + 20);
            const to = -10 + Math.max(p, q) * (last + 20);
            for (const series of ['requested_bytes', 'pools_used'] as const) {
              const w = store.window('r', series, from, to, maxPoints, axis);
              checkWindow(w, x, cols[SERIES_INDEX[series]]!, from, to, maxPoints);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('SeriesStore edge cases', () => {
  const small = (): SeriesStore => {
    const store = new SeriesStore();
    store.addRun('r');
    const cols = Array.from({ length: SERIES_COUNT }, (_, s) => [0, 10, 20, 30].map((v) => v + s));
    cols[0] = [100, 200, 300, 400];
    cols[1] = [1, 2, 3, 4];
    store.append('r', cols);
    return store;
  };

  it('an empty run gives empty windows, no last sample, no range', () => {
    const store = new SeriesStore();
    store.addRun('e');
    expect(store.window('e', 'arenas', 0, 100, 10).count).toBe(0);
    expect(store.window('e', 'arenas', -Infinity, Infinity, 10, 'wall_ms').count).toBe(0);
    expect(store.lastSample('e')).toBeUndefined();
    expect(store.stats('e')).toEqual({ samples: 0, phases: 0, range: null });
    expect(store.read('e').every((c) => c.length === 0)).toBe(true);
  });

  it('from > to, and windows outside the data, are empty', () => {
    const store = small();
    expect(store.window('r', 'arenas', 300, 200, 10).count).toBe(0);
    expect(store.window('r', 'arenas', 0, 99, 10).count).toBe(0);
    expect(store.window('r', 'arenas', 401, 1e9, 10).count).toBe(0);
    expect(store.window('r', 'arenas', 201, 299, 10).count).toBe(0); // between two samples
    expect(store.window('r', 'arenas', 5, 6, 10, 'wall_ms').count).toBe(0);
  });

  it('maxPoints 1 gives one point over the whole range', () => {
    const store = small();
    const w = store.window('r', 'block_bytes', -Infinity, Infinity, 1);
    expect(w.count).toBe(1);
    expect([w.x[0], w.xEnd[0], w.min[0], w.max[0], w.minX[0], w.maxX[0], w.samples[0]]).toEqual([100, 400, 3, 33, 100, 400, 4]);
  });

  it('a zero-width window at a sample gives that sample', () => {
    const store = small();
    const w = store.window('r', 'block_bytes', 300, 300, 50);
    expect(w.count).toBe(1);
    expect([w.min[0], w.max[0], w.samples[0]]).toEqual([23, 23, 1]);
  });

  it('fewer samples than points: one point per sample, exact values', () => {
    const store = small();
    const w = store.window('r', 'arenas', 0, 1000, 1000, 'op');
    expect(w.count).toBe(4);
    expect([...w.min]).toEqual([6, 16, 26, 36]);
    expect([...w.max]).toEqual([6, 16, 26, 36]);
    expect([...w.x]).toEqual([100, 200, 300, 400]);
  });

  it('rejects bad arguments', () => {
    const store = small();
    expect(() => store.window('nope', 'arenas', 0, 1, 10)).toThrow(/unknown run nope/);
    expect(() => store.window('r', 'nope', 0, 1, 10)).toThrow(/unknown series "nope"/);
    expect(() => store.window('r', 'toString', 0, 1, 10)).toThrow(/unknown series "toString"/);
    expect(() => store.lastValue('r', 'nope', 0, 1)).toThrow(/unknown series "nope"/);
    expect(() => store.window('r', 'arenas', 0, 1, 0)).toThrow(RangeError);
    expect(() => store.window('r', 'arenas', 0, 1, 2.5)).toThrow(RangeError);
    expect(() => store.window('r', 'arenas', NaN, 1, 10)).toThrow(RangeError);
    expect(() => store.window('r', 'arenas', 0, 1, 10, 'ms' as Axis)).toThrow(/unknown x axis/);
  });

  it('refuses batches that would break it, changing nothing', () => {
    const store = small();
    const row = (op: number, wall: number, v = 1): number[][] => Array.from({ length: SERIES_COUNT }, (_, s) => [s === 0 ? op : s === 1 ? wall : v]);
    expect(() => store.append('r', row(399, 5))).toThrow(/op goes backwards/);
    expect(() => store.append('r', row(500, 3))).toThrow(/wall_ms goes backwards/);
    expect(() => store.append('r', row(500, 5, NaN))).toThrow(/not a finite number/);
    expect(() => store.append('r', row(500, 5, Infinity))).toThrow(/not a finite number/);
    expect(() => store.append('r', row(500, 5).slice(1))).toThrow(
      /expected 34 columns \(SERIES order, then the envelope.s minima and maxima\) or 16 \(no envelope\), got 15/,
    );
    const ragged = row(500, 5);
    ragged[4] = [1, 2];
    expect(() => store.append('r', ragged)).toThrow(/has 2 rows/);
    expect(store.stats('r').samples).toBe(4);
    expect(() => store.append('nope', row(1, 1))).toThrow(/unknown run/);
    store.append('r', row(400, 4, 7)); // equal x is fine
    expect(store.stats('r').samples).toBe(5);
  });

  it('lastSample, phases, read, removeRun, loadRun', () => {
    const store = small();
    expect([...store.lastSample('r')!]).toEqual([400, 4, ...Array.from({ length: SERIES_COUNT - 2 }, (_, i) => 30 + i + 2)]);
    store.addPhase('r', 150, 'warm-up');
    store.addPhase('r', 350, 'steady');
    expect(store.phases('r')).toEqual([
      { op: 150, label: 'warm-up' },
      { op: 350, label: 'steady' },
    ]);
    expect(store.stats('r').phases).toBe(2);
    const cols = store.read('r', 1, 3);
    expect([...cols[0]!]).toEqual([200, 300]);
    store.loadRun('copy', store.read('r'), store.phases('r'));
    expect(store.window('copy', 'arenas', -Infinity, Infinity, 2).max[1]).toBe(36);
    expect(store.phases('copy')).toHaveLength(2);
    expect(() => store.loadRun('copy', store.read('r'))).toThrow(/already exists/);
    expect(() => store.addRun('r')).toThrow(/already exists/);
    expect(store.runIds()).toEqual(['r', 'copy']);
    expect(store.removeRun('r')).toBe(true);
    expect(store.removeRun('r')).toBe(false);
    expect(store.has('r')).toBe(false);
    expect(() => store.stats('r')).toThrow(/unknown run/);
  });

  it('sealed chunks keep every value exactly (integers stored narrow, the rest as doubles)', () => {
    const store = new SeriesStore();
    store.addRun('r');
    const n = CHUNK_ROWS * 2 + 17;
    const cols = Array.from({ length: SERIES_COUNT }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      cols[0]![i] = i;
      cols[1]![i] = i * 0.5;
      cols[2]![i] = 2 ** 32 - 1 - i; // fits Uint32
      cols[3]![i] = i === 5 ? 2 ** 32 : i; // one value too big for Uint32 in the first chunk
      cols[4]![i] = i === CHUNK_ROWS + 3 ? -0 : i; // −0 must stay −0
      cols[5]![i] = i === 9 ? -1 : 2 ** 40 + i;
    }
    feed(store, 'r', cols, 5, 20_000);
    const back = store.read('r');
    let differ = 0;
    for (let s = 0; s < SERIES_COUNT; s++) for (let i = 0; i < n; i++) if (!Object.is(back[s]![i], cols[s]![i])) differ++;
    expect(differ).toBe(0);
    expect(Object.is(back[4]![CHUNK_ROWS + 3], -0)).toBe(true);
    // Sealed chunks holding only integers in [0, 2^32) take half the memory: op, requested_bytes and
    // the all-zero columns (every series after the sixth) twice; block_bytes and pool_bytes once each.
    store.addRun('fractional');
    feed(
      store,
      'fractional',
      cols.map((c) => c.map((v) => v + 0.5)),
      5,
      20_000,
    );
    expect(store.bytes('fractional') - store.bytes('r')).toBe(((2 + (SERIES_COUNT - 6)) * 2 + 2) * CHUNK_ROWS * 4);
  });
});
