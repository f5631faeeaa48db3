import { describe, expect, it } from 'vitest';
import { AliasTable } from '../../../shared/workloads/alias';
import { KeyMap } from '../../../shared/workloads/core/key-map';
import { LifetimeQueue } from '../../../shared/workloads/core/lifetime-queue';
import { Lran2 } from '../../../shared/workloads/lran2';
import { Permutation } from '../../../shared/workloads/permutation';
import { SplitMix64, stream, type Rng } from '../../../shared/workloads/prng';
import { ZipfSampler } from '../../../shared/workloads/zipf';

describe('alias table', () => {
  it('draws rows in proportion to their weights', () => {
    const weights = [6.2, 0.1, 7.0, 38.7, 24.0, 0, 24.0];
    const table = new AliasTable(weights);
    const rng = stream(1, 'alias');
    const n = 400_000;
    const counts = new Array(weights.length).fill(0);
    for (let i = 0; i < n; i++) counts[table.sample(rng)]++;
    const total = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, i) => expect(Math.abs(counts[i] / n - w / total)).toBeLessThan(0.004));
    expect(counts[5]).toBe(0);
  });

  it('is built deterministically and refuses bad weights', () => {
    const rng1 = stream(3, 'a');
    const rng2 = stream(3, 'a');
    const t1 = new AliasTable([1, 2, 3, 4]);
    const t2 = new AliasTable([1, 2, 3, 4]);
    for (let i = 0; i < 1000; i++) expect(t1.sample(rng1)).toBe(t2.sample(rng2));
    expect(() => new AliasTable([])).toThrow(RangeError);
    expect(() => new AliasTable([0, 0])).toThrow(RangeError);
    expect(() => new AliasTable([1, -1])).toThrow(RangeError);
    expect(() => new AliasTable([1, NaN])).toThrow(RangeError);
  });
});

describe('zipf (rejection-inversion)', () => {
  const pmf = (k: number, s: number): number[] => {
    const w = Array.from({ length: k }, (_, i) => (i + 1) ** -s);
    const t = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / t);
  };

  it.each([0, 0.5, 0.99, 1, 2])('matches the Zipf pmf over 10 ranks for s = %s', (s) => {
    const z = new ZipfSampler(10, s);
    const rng = stream(5, `zipf-${s}`);
    const n = 200_000;
    const counts = new Array(11).fill(0);
    for (let i = 0; i < n; i++) counts[z.sample(rng)]++;
    expect(counts[0]).toBe(0);
    pmf(10, s).forEach((p, i) => expect(Math.abs(counts[i + 1] / n - p)).toBeLessThan(0.005));
  });

  it('stays in range for a huge key space', () => {
    const z = new ZipfSampler(1e10, 0.99);
    const rng = stream(1, 'big');
    for (let i = 0; i < 10_000; i++) {
      const r = z.sample(rng);
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(1e10);
      expect(Number.isInteger(r)).toBe(true);
    }
  });
});

/** The Feistel permutation of §0.2 on BigInt, as documented in permutation.ts. */
function refPermutation(n: number, rng: Rng): (x: number) => number {
  let bits = 2;
  while (2 ** bits < n) bits += 2;
  const h = BigInt(bits / 2);
  const mask = (1n << h) - 1n;
  const keys = [rng.next64(), rng.next64(), rng.next64(), rng.next64()];
  const encrypt = (x: bigint): bigint => {
    let left = x >> h;
    let right = x & mask;
    for (const k of keys) {
      const f = new SplitMix64(k ^ right).next() & mask;
      [left, right] = [right, left ^ f];
    }
    return (left << h) | right;
  };
  return (x) => {
    let v = BigInt(x);
    do v = encrypt(v);
    while (v >= BigInt(n));
    return Number(v);
  };
}

describe('permutation (keyed Feistel, cycle-walking)', () => {
  it.each([1, 2, 3, 5, 16, 17, 1000, 4097, 65_536])('is a bijection of [0, %s)', (n) => {
    const p = new Permutation(n, stream(1, 'order'));
    const seen = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = p.map(i);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(n);
      expect(seen[v]).toBe(0);
      seen[v] = 1;
    }
  });

  it.each([10, 1000, 10_485_760, 1e10])('agrees with the BigInt reference for N = %s', (n) => {
    const p = new Permutation(n, stream(7, 'key'));
    const ref = refPermutation(n, stream(7, 'key'));
    const probe = stream(8, 'probe');
    for (let i = 0; i < 300; i++) {
      const x = probe.uniformInt(n);
      expect(p.map(x)).toBe(ref(x));
    }
  });

  it('different keys give different orders', () => {
    const a = new Permutation(1000, stream(1, 'order'));
    const b = new Permutation(1000, stream(2, 'order'));
    let same = 0;
    for (let i = 0; i < 1000; i++) if (a.map(i) === b.map(i)) same++;
    expect(same).toBeLessThan(20);
  });
});

describe('lifetime queue', () => {
  /** Schedules random deaths (near and far), advancing time, and compares with a sorted reference. */
  function compare(bits0: number, bits1: number, steps: number, far: number): void {
    const q = new LifetimeQueue(bits0, bits1);
    const rng = stream(bits0 * 100 + bits1, 'q');
    const pending: Array<{ slot: number; death: number; seq: number }> = [];
    const freeSlots: number[] = [];
    let nextSlot = 0;
    let seq = 0;
    for (let t = 0; t < steps; t++) {
      q.advance();
      const k = rng.uniformInt(3);
      for (let j = 0; j < k; j++) {
        const slot = freeSlots.pop() ?? nextSlot++;
        const r = rng.u01();
        const life = r < 0.6 ? rng.uniformInt(4) : r < 0.9 ? rng.uniformInt(300) : rng.uniformInt(far);
        q.schedule(slot, q.now + life);
        pending.push({ slot, death: q.now + life, seq: seq++ });
      }
      const due = pending.filter((e) => e.death <= q.now).sort((a, b) => a.death - b.death || b.seq - a.seq);
      for (const e of due) {
        expect(q.pop()).toBe(e.slot);
        pending.splice(pending.indexOf(e), 1);
        freeSlots.push(e.slot);
      }
      expect(q.pop()).toBe(-1);
      expect(q.count).toBe(pending.length);
    }
  }

  it('pops by death time, newest first among equals (level 0 and 1)', () => compare(4, 4, 3000, 200));
  it('keeps the order for deaths past the wheel (heap)', () => compare(3, 2, 3000, 2000));
  it('works at the default geometry', () => compare(16, 16, 2000, 100_000));
});

describe('key map', () => {
  it('behaves like a Map under inserts and deletes', () => {
    const m = new KeyMap(4);
    const ref = new Map<number, number>();
    const rng = stream(1, 'map');
    for (let i = 0; i < 50_000; i++) {
      const key = rng.uniformInt(2000) * 1e6 + 7;
      if (ref.has(key)) {
        expect(m.get(key)).toBe(ref.get(key));
        m.delete(key);
        ref.delete(key);
      } else {
        m.insert(key, i);
        ref.set(key, i);
      }
      expect(m.size).toBe(ref.size);
    }
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect(m.get(3)).toBe(-1);
  });
});

describe('lran2', () => {
  it('stays in [0, 714025) and depends on the seed', () => {
    const a = new Lran2(4141);
    const b = new Lran2(4142);
    let differ = 0;
    for (let i = 0; i < 1000; i++) {
      const x = a.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(714025);
      if (x !== b.next()) differ++;
    }
    expect(differ).toBeGreaterThan(900);
  });
});
