import { describe, expect, it } from 'vitest';
import { blocksPerArena } from '../../../shared/workloads/catalogue/arena-edge-thrash';
import { sh6Schedule } from '../../../shared/workloads/catalogue/size-sweep-window';
import { createGenerator, WORKLOADS } from '../../../shared/workloads/registry';
import type { WorkloadTarget } from '../../../shared/workloads/workload';
import { runChecked } from './stream-check';

const MILLION = 1_000_000;

/**
 * Overrides that make the seed matter within the first million ops (the defaults of these
 * workloads spend it in a deterministic fill). Workloads absent here use their defaults.
 */
const SEEDED: Record<string, Record<string, unknown>> = {
  'seed-16b-fill-free': { N: 200_000, order: 'random', repeat: 5 },
  'keep-every-kth': { N: 100_000, k: 100, hold_live: 5000 },
};
/** Deterministic by design: no draw at all. */
const UNSEEDED = new Set(['int-list-del', 'arena-edge-thrash', 'size-sweep-window']);

describe.each(WORKLOADS.map((w) => [w.name] as const))('%s', (name) => {
  const params = SEEDED[name] ?? {};

  it('writes a valid stream for 10^6 ops, drains to nothing, and is reproducible', () => {
    const a = runChecked(createGenerator(name, params, 1), MILLION, { finish: true });
    expect(a.ops).toBeGreaterThanOrEqual(MILLION);
    expect(a.frees).toBe(a.allocs);
    expect(a.marks.at(-1)).toBe('drain');
    const b = runChecked(createGenerator(name, params, 1), MILLION, { finish: true });
    expect(b.hash).toBe(a.hash);
    const c = runChecked(createGenerator(name, params, 2), MILLION, { finish: true });
    if (UNSEEDED.has(name)) expect(c.hash).toBe(a.hash);
    else expect(c.hash).not.toBe(a.hash);
  });

  it('writes the same stream whatever the batch size', () => {
    for (const [batch, ops] of [
      [1000, 150_000],
      [7, 150_000],
      [1, 20_000],
    ] as const) {
      const ref = runChecked(createGenerator(name, params, 3), ops, { batch: 65_536, hashLimit: ops });
      const small = runChecked(createGenerator(name, params, 3), ops, { batch, hashLimit: ops });
      expect(small.hash).toBe(ref.hash);
    }
  });
});

describe('finite workloads end as the spec says', () => {
  const finish = (name: string, params: Record<string, unknown>, target?: WorkloadTarget) => {
    const r = runChecked(createGenerator(name, params, 1, target), Number.MAX_SAFE_INTEGER);
    expect(r.done).toBe(true);
    return r;
  };

  it.each(['fifo', 'lifo', 'random', 'strided'])('W01 frees every block (%s), each round', (order) => {
    const r = finish('seed-16b-fill-free', { N: 10_000, order, stride: 7, repeat: 3 });
    expect(r.allocs).toBe(30_000);
    expect(r.live).toBe(0);
    expect(r.maxLive).toBe(10_000);
    expect(r.marks).toEqual(['fill-1', 'free-1', 'fill-2', 'free-2', 'fill-3', 'free-3']);
  });

  it('W03 stops at the last trough with trough·Lmax objects live', () => {
    const r = finish('ramp-cycles', { Lmax: 1000, T_flat: 500, T_trough: 300, cycles: 3, trough: 0.05 });
    expect(r.maxLive).toBe(1000);
    expect(r.live).toBe(50);
    expect(r.marks).toEqual(['up-1', 'flat-1', 'down-1', 'trough-1', 'up-2', 'flat-2', 'down-2', 'trough-2', 'up-3', 'flat-3', 'down-3', 'trough-3']);
  });

  it('W03 alternates its size class', () => {
    const r = finish('ramp-cycles', { Lmax: 1000, T_flat: 0, T_trough: 0, cycles: 2 });
    expect(r.minSize).toBe(32);
    expect(r.maxSize).toBeLessThanOrEqual(120);
  });

  it('W04 keeps exactly every k-th block through the hold, then frees all', () => {
    const gen = createGenerator('keep-every-kth', { N: 10_000, k: 100, offset: 3, hold_live: 50, hold_ops: 1000 }, 1);
    const r = runChecked(gen, 10_000 + 9_900, { batch: 1 });
    expect(r.live).toBe(100);
    const all = runChecked(createGenerator('keep-every-kth', { N: 10_000, k: 100, offset: 3, hold_live: 50, hold_ops: 1000 }, 1), Number.MAX_SAFE_INTEGER);
    expect(all.done).toBe(true);
    expect(all.live).toBe(0);
    expect(all.marks).toEqual(['fill', 'thin', 'hold', 'release']);
  });

  it('W06 serves its requests and keeps the cache', () => {
    const r = finish('lru-cache-server', { keys: 1000, capacity: 100, requests: 20_000, shrink_every: 5000, shrink_for: 1000 });
    expect(r.marks.filter((m) => m === 'shrink')).toHaveLength(4);
    expect(r.marks.filter((m) => m === 'regrow')).toHaveLength(3);
    expect(r.reallocs).toBeGreaterThan(0);
    // The last request is a shrink boundary: 10 entries of 4 objects, the dict and its table.
    expect(r.live).toBe(4 * 10 + 2);
  });

  it.each(['keep', 'none'])('W08 runs its batches (summary %s)', (summary) => {
    const r = finish('dict-of-lists-etl', { batches: 3, records: 5000, keys: 300, summary });
    expect(r.marks).toEqual(['batch-1', 'aggregate-1', 'teardown-1', 'batch-2', 'aggregate-2', 'teardown-2', 'batch-3', 'aggregate-3', 'teardown-3']);
    // keep: G, its table, and per key one string and one float survive; none: nothing.
    if (summary === 'none') expect(r.live).toBe(0);
    else expect(r.live).toBeGreaterThan(2 * 250);
  });

  it('W10 serves its requests', () => {
    const r = finish('mixed-large-small', { requests: 5000, index_size: 100 });
    expect(r.maxSize).toBeGreaterThan(512);
    expect(r.reallocs).toBeGreaterThan(10);
  });

  it.each([
    [{ stride: 0 }, 0],
    [{ stride: 1000, hold: 100 }, 0],
    [{ int_mode: 'py2' }, Math.ceil(100_000 / 41)],
  ])('W11 %o ends with %s objects live', (params, live) => {
    const r = finish('int-list-del', { N: 100_000, ...params });
    expect(r.live).toBe(live);
  });

  it('W11 grows its item array by realloc with the CPython capacities', () => {
    const r = finish('int-list-del', { N: 200 });
    expect(r.reallocs).toBe(14); // 4 → 8 → … → 200: 15 capacities, the first an ALLOC
  });

  it('W12 fills A arenas of the modelled geometry', () => {
    expect(blocksPerArena(16)).toBe(64_323);
    expect(4 * blocksPerArena(16, { poolSize: 4096, usablePools: 63, alignmentShift: 3 })).toBe(63_756);
    expect(4 * blocksPerArena(16, { poolSize: 4096, usablePools: 64, alignmentShift: 4 })).toBe(64_768);
    const r = finish('arena-edge-thrash', { loops: 1000, burst: 3 }, { poolSize: 4096, usablePools: 64, alignmentShift: 4 });
    expect(r.maxLive).toBe(64_768 + 3);
    expect(r.allocs).toBe(64_768 + 3000);
    expect(r.live).toBe(0);
  });

  it('W15 sh6: the sweep schedule of sh6bench', () => {
    const schedule = sh6Schedule(1, 1000);
    const allocs = schedule.reduce((t, [, n]) => t + n, 0);
    const bytes = schedule.reduce((t, [s, n]) => t + s * n, 0);
    expect(allocs).toBe(19_300);
    expect(schedule.filter(([s]) => s === 1).reduce((t, [, n]) => t + n, 0)).toBe(3750);
    expect(bytes / allocs).toBeCloseTo(22.9, 1);
    expect(Math.max(...schedule.map(([s]) => s))).toBe(709);
    const r = finish('size-sweep-window', { slots: 1000, repeats: 3 });
    expect(r.allocs).toBe(3 * 19_300);
    expect(r.maxLive).toBe(1000);
    expect(r.live).toBe(0);
  });

  it('W15 sh8 and batch schedules end with nothing live', () => {
    expect(finish('size-sweep-window', { schedule: 'sh8', slots: 2000, iterations: 100, foreign: 5000 }).live).toBe(0);
    const b = finish('size-sweep-window', { schedule: 'batch', batch_total: 3200, batch_runs: 1 });
    expect(b.live).toBe(0);
    expect(b.maxLive).toBe(1600);
  });
});

describe('workload shapes', () => {
  it('W02 batch mode swings between depth_lo and depth_hi batches', () => {
    const r = runChecked(createGenerator('steady-churn', { victim: 'batch', batch: 100, depth_hi: 10, depth_lo: 5 }, 1), 20_000);
    expect(r.maxLive).toBe(10 * 101);
    expect(r.marks.slice(0, 4)).toEqual(['produce', 'consume', 'produce', 'consume']);
  });

  it('W05 keeps a growing live set for alpha < 1', () => {
    const r = runChecked(createGenerator('pareto-lifetimes', {}, 1), 400_000);
    expect(r.live).toBeGreaterThan(5000);
  });

  it('W07 with lran2 reproduces larson: sizes in [min, max)', () => {
    const r = runChecked(createGenerator('larson-server', { prng: 'lran2', threads: 2, chunks: 100 }, 1), 10_000);
    expect(r.minSize).toBeGreaterThanOrEqual(8);
    expect(r.maxSize).toBeLessThan(1000);
    expect(r.maxLive).toBe(200);
    expect(r.marks).toContain('run');
  });

  it('W09 reallocs every append in str mode, less often as bytearray', () => {
    const str = runChecked(createGenerator('string-builder', {}, 1), 100_000);
    const ba = runChecked(createGenerator('string-builder', { mode: 'bytearray' }, 1), 100_000);
    expect(str.reallocs / str.allocs).toBeGreaterThan(0.9);
    expect(ba.reallocs / ba.allocs).toBeLessThan(0.5);
  });

  it('W13 reallocs about 5 % of allocations and marks its phases', () => {
    const r = runChecked(createGenerator('interpreter-mix', { phase_len: 100_000 }, 1), 350_000);
    expect(r.reallocs / r.allocs).toBeGreaterThan(0.03);
    expect(r.reallocs / r.allocs).toBeLessThan(0.06);
    expect(r.marks.slice(0, 4)).toEqual(['import', 'phase-1', 'phase-2', 'phase-3']);
  });

  it('W14 keeps a tiny live set of 16–32-byte temporaries', () => {
    const r = runChecked(createGenerator('refcount-temporaries', {}, 1), 500_000);
    expect(r.maxLive).toBeLessThan(200);
    expect(r.minSize).toBe(16);
    expect(r.maxSize).toBe(32);
  });
});

describe('finish() drains from any point', () => {
  /** Small parameters that pass through every phase within a few thousand ops. */
  const SMALL: Record<string, Record<string, unknown>> = {
    'seed-16b-fill-free': { N: 500, order: 'random', repeat: 3 },
    'steady-churn': { L: 300 },
    'ramp-cycles': { Lmax: 100, T_flat: 50, T_trough: 50, cycles: 3, trough: 0.1 },
    'keep-every-kth': { N: 1000, k: 10, offset: 4, hold_live: 20, hold_ops: 100 },
    'pareto-lifetimes': {},
    'lru-cache-server': { keys: 300, capacity: 20, requests: 300, shrink_every: 100, shrink_for: 30 },
    'larson-server': { threads: 3, chunks: 40, rounds: 2, quantum: 10 },
    'dict-of-lists-etl': { batches: 3, records: 200, keys: 30 },
    'string-builder': { builders: 4, final_max: 200, keep: 0.3, keep_xm: 20 },
    'mixed-large-small': { requests: 200, index_size: 10, p_grow: 0.3, p_large_keep: 0.3, keep_xm: 10 },
    'int-list-del': { N: 500, stride: 7, hold: 40 },
    'arena-edge-thrash': { fill: 300, loops: 50, burst: 4 },
    'interpreter-mix': { phase_len: 1000, medium_max: 5000 },
    'refcount-temporaries': { survive: 0.05, survive_xm: 10 },
    'size-sweep-window': { slots: 50, repeats: 2, min: 1, max: 60 },
  };

  it.each(WORKLOADS.map((w) => [w.name] as const))('%s', (name) => {
    const full = runChecked(createGenerator(name, SMALL[name] ?? {}, 4), 6000, { batch: 1 });
    const points = [0, 1, 2, 3, 5, 8, 13, 50, 120, 333, 777, 1500, 2500, 4000, full.ops + 10];
    for (const stop of points) {
      const r = runChecked(createGenerator(name, SMALL[name] ?? {}, 4), stop, { batch: 1, finish: true });
      expect(r.live, `stopped at ${stop}`).toBe(0);
    }
  });

  it('W11 py2 and W15 sh8 / batch drain too', () => {
    for (const [name, params] of [
      ['int-list-del', { N: 500, int_mode: 'py2', stride: 5 }],
      ['size-sweep-window', { schedule: 'sh8', slots: 500, iterations: 30, foreign: 300 }],
      ['size-sweep-window', { schedule: 'batch', batch_total: 100, batch_runs: 1 }],
      ['steady-churn', { victim: 'batch', batch: 10, depth_hi: 4, depth_lo: 2 }],
      ['string-builder', { builders: 3, mode: 'bytearray', keep: 0.5, keep_xm: 5 }],
    ] as const) {
      for (const stop of [0, 3, 77, 400, 1300, 5000]) {
        expect(runChecked(createGenerator(name, params, 9), stop, { batch: 1, finish: true }).live).toBe(0);
      }
    }
  });
});
