/**
 * Origin tags: every catalogue workload names its tags, tags every ALLOC with one of them, uses
 * each name it declares, and tags the object the name says (a kept block, a survivor); the tags do
 * not depend on the batch size (the spill of small batches carries them).
 */
import { describe, expect, it } from 'vitest';
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import { MAX_ORIGIN_TAGS, originTags } from '../../../shared/workloads/origin-tags';
import { createGenerator, getWorkload, WORKLOADS } from '../../../shared/workloads/registry';

interface Case {
  params: Record<string, unknown>;
  /** Ops before `finish()`; the drain follows. */
  ops: number;
}

/** Small parameter sets per workload that, together, make every kind of object it declares. */
const CASES: Record<string, Case[]> = {
  'seed-16b-fill-free': [{ params: { N: 20_000, order: 'random' }, ops: 50_000 }],
  'steady-churn': [
    { params: { L: 5000 }, ops: 20_000 },
    { params: { victim: 'batch', batch: 100, depth_hi: 10, depth_lo: 5, record_size: 300 }, ops: 5000 },
  ],
  'ramp-cycles': [{ params: { Lmax: 2000, T_flat: 1000, T_trough: 500, cycles: 2 }, ops: 100_000 }],
  'keep-every-kth': [{ params: { N: 20_000, k: 256, offset: 3, hold_live: 100, hold_ops: 1000 }, ops: 100_000 }],
  'pareto-lifetimes': [{ params: {}, ops: 100_000 }],
  'lru-cache-server': [
    { params: { keys: 10_000, capacity: 2000, requests: 20_000 }, ops: 100_000 },
    { params: { keys: 10_000, capacity: 2000, requests: 5000, node: 'slots-node' }, ops: 50_000 },
  ],
  'larson-server': [{ params: { threads: 2, chunks: 500 }, ops: 20_000 }],
  'dict-of-lists-etl': [{ params: { batches: 2, records: 2000, keys: 200 }, ops: 100_000 }],
  'string-builder': [
    { params: {}, ops: 50_000 },
    { params: { mode: 'bytearray' }, ops: 50_000 },
  ],
  'mixed-large-small': [{ params: { requests: 5000, index_size: 1000 }, ops: 200_000 }],
  'int-list-del': [
    { params: { N: 10_000, stride: 100, hold: 100 }, ops: 100_000 },
    { params: { N: 5000, int_mode: 'py2' }, ops: 100_000 },
  ],
  'arena-edge-thrash': [{ params: { arenas: 1, loops: 10, burst: 3 }, ops: 100_000 }],
  'interpreter-mix': [{ params: { phase_len: 20_000, leak_rate: 0.01 }, ops: 100_000 }],
  'refcount-temporaries': [{ params: { survive: 0.01 }, ops: 50_000 }],
  'size-sweep-window': [
    { params: { slots: 500, repeats: 1 }, ops: 100_000 },
    { params: { schedule: 'sh8', slots: 2000, iterations: 50, foreign: 100 }, ops: 100_000 },
    { params: { schedule: 'batch', batch_total: 200, batch_runs: 1 }, ops: 100_000 },
  ],
};

interface Life {
  slot: number;
  tag: number;
  /** Op index of its ALLOC, and how many ALLOCs came before it. */
  born: number;
  bornAlloc: number;
  /** Ops and ALLOCs from its ALLOC to its FREE; null when the drain (or nothing) freed it. */
  age: number | null;
  allocAge: number | null;
}

interface Trace {
  /** Tag of every ALLOC, in order. */
  allocTags: number[];
  reallocTags: number[];
  lives: Life[];
}

/** Runs a case through batches of `batchSize`, following every object from its ALLOC to its FREE. */
function trace(name: string, c: Case, batchSize = 4096): Trace {
  const gen = createGenerator(name, c.params, 5);
  const batch = new OpBatch(batchSize);
  const allocTags: number[] = [];
  const reallocTags: number[] = [];
  const lives: Life[] = [];
  const bySlot = new Map<number, Life>();
  let ops = 0;
  let draining = false;
  for (let guard = 0; !gen.done; guard++) {
    if (guard > 1e7) throw new Error(`${name} makes no progress`);
    if (!draining && ops >= c.ops) {
      gen.finish();
      draining = true;
    }
    batch.clear();
    gen.fill(batch);
    for (let i = 0; i < batch.length; i++) {
      const k = batch.kind[i]!;
      if (k === OP_MARK) {
        if (batch.labels[batch.size[i]!] === 'drain') draining = true;
        continue;
      }
      const slot = batch.slot[i]!;
      if (k === OP_ALLOC) {
        const life: Life = { slot, tag: batch.origin[i]!, born: ops, bornAlloc: allocTags.length, age: null, allocAge: null };
        allocTags.push(life.tag);
        lives.push(life);
        bySlot.set(slot, life);
      } else if (k === OP_REALLOC) reallocTags.push(batch.origin[i]!);
      else if (k === OP_FREE && !draining) {
        const life = bySlot.get(slot)!;
        life.age = ops - life.born;
        life.allocAge = allocTags.length - life.bornAlloc;
      }
      ops++;
    }
  }
  return { allocTags, reallocTags, lives };
}

const traces = new Map<string, Trace[]>();
function tracesOf(name: string): Trace[] {
  if (!traces.has(name))
    traces.set(
      name,
      CASES[name]!.map((c) => trace(name, c)),
    );
  return traces.get(name)!;
}

/** Lives of objects tagged `tagName`, over every case of the workload. */
function livesOf(name: string, tagName: string): Life[] {
  const t = getWorkload(name).origins!.indexOf(tagName) + 1;
  expect(t, `${name} declares '${tagName}'`).toBeGreaterThan(0);
  return tracesOf(name).flatMap((x) => x.lives.filter((l) => l.tag === t));
}

describe('origin tags', () => {
  it('every catalogue workload has test cases here', () => {
    expect(Object.keys(CASES).sort()).toEqual(WORKLOADS.map((w) => w.name).sort());
  });

  describe.each(WORKLOADS.map((w) => [w.name] as const))('%s', (name) => {
    it('names its tags, tags every ALLOC with one of them and uses every name', () => {
      const names = getWorkload(name).origins;
      expect(names).toBeDefined();
      expect(names!.length).toBeGreaterThan(0);
      expect(names!.length).toBeLessThanOrEqual(MAX_ORIGIN_TAGS);
      expect(new Set(names).size).toBe(names!.length);
      for (const n of names!) expect(n.trim()).not.toBe('');
      const seen = new Set<number>();
      for (const t of tracesOf(name)) {
        expect(t.allocTags.length).toBeGreaterThan(0);
        for (const tag of t.allocTags) {
          if (!(tag >= 1 && tag <= names!.length)) throw new Error(`${name}: an ALLOC tagged ${tag}, outside 1 … ${names!.length}`);
          seen.add(tag);
        }
        // A REALLOC keeps what the object is.
        expect(new Set(t.reallocTags)).toEqual(new Set(t.reallocTags.length ? [0] : []));
      }
      const unused = names!.filter((_, i) => !seen.has(i + 1));
      expect(unused, `declared but never tagged by ${name}'s cases`).toEqual([]);
    });

    it('tags the same ALLOCs whatever the batch size', () => {
      const c = CASES[name]![0]!;
      const small = { ...c, ops: Math.min(c.ops, 20_000) };
      const ref = trace(name, small, 65_536).allocTags;
      for (const size of [1, 7]) {
        // finish() comes after whole batches, so the streams agree up to the shorter one.
        const got = trace(name, small, size).allocTags;
        const n = Math.min(got.length, ref.length);
        expect(n).toBeGreaterThan(1000);
        expect(got.slice(0, n)).toEqual(ref.slice(0, n));
      }
    });
  });
});

describe('a tag names the object it is put on', () => {
  it('keep-every-kth: kept blocks are the fill blocks i with i mod k = offset, the rest thinned, then hold objects', () => {
    const { lives } = tracesOf('keep-every-kth')[0]!;
    const names = getWorkload('keep-every-kth').origins!;
    const want = (slot: number) => (slot >= 20_000 ? 'hold object' : slot % 256 === 3 ? 'kept block' : 'thinned block');
    for (const l of lives) expect(names[l.tag - 1]).toBe(want(l.slot));
    expect(livesOf('keep-every-kth', 'kept block')).toHaveLength(Math.ceil((20_000 - 3) / 256));
    // The thinning frees every thinned block and no kept one.
    expect(livesOf('keep-every-kth', 'thinned block').every((l) => l.age !== null)).toBe(true);
  });

  it('int-list-del: the kept ints are every stride-th', () => {
    const [keep] = tracesOf('int-list-del');
    const names = getWorkload('int-list-del').origins!;
    const ints = keep!.lives.filter((l) => l.slot < 10_000);
    expect(ints).toHaveLength(10_000);
    for (const l of ints) expect(names[l.tag - 1]).toBe(l.slot % 100 === 0 ? 'kept int' : 'int');
  });

  it('refcount-temporaries: temporaries die within their expression, survivors outlive it', () => {
    const temps = livesOf('refcount-temporaries', 'temporary');
    const survivors = livesOf('refcount-temporaries', 'survivor');
    expect(survivors.length).toBeGreaterThan(10);
    // An expression writes at most 64 ALLOCs and their FREEs.
    for (const l of temps) expect(l.age).not.toBeNull();
    expect(Math.max(...temps.map((l) => l.age!))).toBeLessThan(128);
    // survive_xm = 10 000 allocations.
    for (const l of survivors) if (l.allocAge !== null) expect(l.allocAge).toBeGreaterThanOrEqual(10_000);
  });

  it('mixed-large-small: a small object dies with its request, an index entry outlives it', () => {
    const step = 3 * 513 + 4;
    const smalls = livesOf('mixed-large-small', 'small object');
    const entries = livesOf('mixed-large-small', 'index entry');
    expect(entries.length).toBeGreaterThan(1000);
    for (const l of smalls) expect(l.age).not.toBeNull();
    expect(Math.max(...smalls.map((l) => l.age!))).toBeLessThan(step);
    // Evicted only after index_size = 1000 newer entries.
    for (const l of entries) if (l.age !== null) expect(l.age).toBeGreaterThan(step);
    expect(livesOf('mixed-large-small', 'kept large buffer').length).toBeGreaterThan(0);
    for (const l of livesOf('mixed-large-small', 'large buffer')) expect(l.age).toBeLessThan(step);
  });

  it('interpreter-mix: permanent and leaked objects are freed only by the drain; immediate ones die young', () => {
    for (const kind of ['permanent (import)', 'leaked']) {
      const ls = livesOf('interpreter-mix', kind);
      expect(ls.length, kind).toBeGreaterThan(10);
      expect(ls.every((l) => l.age === null)).toBe(true);
    }
    const immediate = livesOf('interpreter-mix', 'immediate').filter((l) => l.allocAge !== null);
    const medium = livesOf('interpreter-mix', 'medium-lived').filter((l) => l.allocAge !== null);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(immediate.map((l) => l.allocAge!))).toBeLessThan(10);
    expect(median(medium.map((l) => l.allocAge!))).toBeGreaterThan(1000);
  });

  it('pareto-lifetimes: a block is tagged with the decade of the lifetime it dies at', () => {
    const bounds: Array<[string, number, number]> = [
      ['life under 100 allocations', 0, 100],
      ['life 100 to 10^4', 99, 10_000],
      ['life 10^4 to 10^6', 9_999, 1_000_000],
    ];
    for (const [kind, lo, hi] of bounds) {
      const died = livesOf('pareto-lifetimes', kind).filter((l) => l.allocAge !== null);
      expect(died.length, kind).toBeGreaterThan(0);
      for (const l of died) {
        expect(l.allocAge!).toBeGreaterThanOrEqual(lo);
        expect(l.allocAge!).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('lru-cache-server: request garbage dies with its request', () => {
    const garbage = livesOf('lru-cache-server', 'request garbage');
    for (const l of garbage) expect(l.age).not.toBeNull();
    expect(Math.max(...garbage.map((l) => l.age!))).toBeLessThan(2 * 256 + 12);
  });
});

describe('originTags', () => {
  it('numbers names from 1 and refuses duplicates and more than a byte holds', () => {
    expect(originTags('a', 'b').tag).toEqual({ a: 1, b: 2 });
    expect(() => originTags('a', 'a')).toThrow(/'a' declared twice/);
    expect(() => originTags(...Array.from({ length: 256 }, (_, i) => `t${i}`))).toThrow(/at most 255/);
  });
});
