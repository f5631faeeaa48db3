import { describe, expect, it } from 'vitest';
import { fnv1a64, mulHi32, Rng, seedToBigInt, SplitMix64, splitmixFirst, stream } from '../../../shared/workloads/prng';

const MASK64 = (1n << 64n) - 1n;

/** The reference xoshiro256** (Blackman & Vigna), on BigInt. */
class RefXoshiro {
  private s: bigint[];
  constructor(seed: bigint) {
    const sm = new SplitMix64(seed);
    this.s = [sm.next(), sm.next(), sm.next(), sm.next()];
  }
  next(): bigint {
    const s = this.s;
    const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (64n - k))) & MASK64;
    const result = (rotl((s[1]! * 5n) & MASK64, 7n) * 9n) & MASK64;
    const t = (s[1]! << 17n) & MASK64;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 45n);
    return result;
  }
}

/** Lemire's method on the 64-bit output, exactly as §0.2 states it. */
function refUniform(ref: RefXoshiro, n: bigint): bigint {
  for (;;) {
    const m = ref.next() * n;
    const low = m & MASK64;
    if (low >= n || low >= ((1n << 64n) - n) % n) return m >> 64n;
  }
}

const SEEDS = [0n, 1n, 42n, 0xdeadbeefn, (1n << 63n) + 12345n, MASK64];

describe('SplitMix64', () => {
  it('matches the published sequence for seed 1234567', () => {
    const sm = new SplitMix64(1234567n);
    expect([sm.next(), sm.next(), sm.next(), sm.next(), sm.next()]).toEqual([
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
      4593380528125082431n,
      16408922859458223821n,
    ]);
  });

  it('the 32-bit-halves version agrees with the BigInt one', () => {
    const out = new Uint32Array(1);
    const r = stream(7, 'test');
    for (let i = 0; i < 2000; i++) {
      const x = r.next64();
      const hi = splitmixFirst(Number(x >> 32n), Number(x & 0xffffffffn), out);
      expect((BigInt(hi) << 32n) | BigInt(out[0]!)).toBe(new SplitMix64(x).next());
    }
  });

  it('mulHi32 is the high word of the 64-bit product', () => {
    const r = stream(3, 'mul');
    for (let i = 0; i < 2000; i++) {
      const a = r.nextHi();
      const b = r.lo;
      expect(mulHi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
    expect(mulHi32(0xffffffff, 0xffffffff)).toBe(0xfffffffe);
  });
});

describe('FNV-1a 64', () => {
  it('matches the published test vectors', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
  });
});

describe('xoshiro256**', () => {
  it.each(SEEDS)('agrees with the BigInt reference for seed %s (first 1000 outputs)', (seed) => {
    const ref = new RefXoshiro(seed);
    const rng = Rng.fromSeed(seed);
    for (let i = 0; i < 1000; i++) expect(rng.next64()).toBe(ref.next());
  });

  it('stream(seed, tag) is seeded from SplitMix64(seed XOR FNV-1a-64(tag))', () => {
    for (const tag of ['size', 'victim', 'life', 'key', 'order', 'phase', 'thread-3']) {
      const ref = new RefXoshiro(5n ^ fnv1a64(tag));
      const rng = stream(5, tag);
      for (let i = 0; i < 200; i++) expect(rng.next64()).toBe(ref.next());
    }
    expect(stream(5, 'size').next64()).not.toBe(stream(5, 'victim').next64());
  });

  it('nextHi / lo are the two words of the output', () => {
    const a = stream(9, 'x');
    const b = stream(9, 'x');
    for (let i = 0; i < 500; i++) {
      const hi = a.nextHi();
      expect((BigInt(hi) << 32n) | BigInt(a.lo)).toBe(b.next64());
    }
  });

  it('u01 = (x >> 11)·2^-53', () => {
    const ref = new RefXoshiro(11n);
    const rng = Rng.fromSeed(11);
    for (let i = 0; i < 1000; i++) {
      const u = rng.u01();
      expect(u).toBe(Number(ref.next() >> 11n) / 2 ** 53);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('rejects an all-zero state and bad seeds', () => {
    expect(() => new Rng(0n, 0n, 0n, 0n)).toThrow(RangeError);
    expect(() => seedToBigInt(-1)).toThrow(RangeError);
    expect(() => seedToBigInt(1.5)).toThrow(RangeError);
    expect(() => seedToBigInt(1n << 64n)).toThrow(RangeError);
  });
});

describe('uniform_int', () => {
  const sizes = [
    1,
    2,
    3,
    7,
    10,
    1000,
    65_537,
    2 ** 20,
    2 ** 20 + 1,
    2 ** 21,
    2 ** 21 + 3,
    10_000_019,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 32 + 5,
    2 ** 40 + 17,
    2 ** 53,
  ];
  it.each(sizes)('agrees with Lemire on the 128-bit product for n = %s', (n) => {
    for (const seed of [1n, 99n]) {
      const ref = new RefXoshiro(seed);
      const rng = Rng.fromSeed(seed);
      for (let i = 0; i < 400; i++) {
        const v = rng.uniformInt(n);
        expect(v).toBe(Number(refUniform(ref, BigInt(n))));
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(n);
      }
    }
  });

  it('is uniform (chi-square over 10 cells)', () => {
    const rng = stream(1, 'chi');
    const counts = new Array(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) counts[rng.uniformInt(10)]++;
    const chi = counts.reduce((t, c) => t + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9); // p = 0.001 for 9 degrees of freedom
  });
});

describe('float samplers', () => {
  const rng = stream(2024, 'float');
  const mean = (f: () => number, n = 200_000): number => {
    let t = 0;
    for (let i = 0; i < n; i++) t += f();
    return t / n;
  };

  it('geometric(mean m) has mean m and support 0, 1, …', () => {
    expect(mean(() => rng.geometric(6))).toBeCloseTo(6, 0);
    expect(mean(() => rng.geometric(0.5))).toBeCloseTo(0.5, 1);
    expect(rng.geometric(0)).toBe(0);
  });

  it('exponential(mean m) has mean m', () => {
    expect(mean(() => rng.exponential(3))).toBeCloseTo(3, 1);
  });

  it('bernoulli(p) has rate p', () => {
    expect(mean(() => (rng.bernoulli(0.3) ? 1 : 0))).toBeCloseTo(0.3, 2);
  });

  it('log_uniform(a, b) stays in [a, b] with median √(ab)', () => {
    const xs = Array.from({ length: 20_001 }, () => rng.logUniform(8, 1024)).sort((p, q) => p - q);
    expect(xs[0]).toBeGreaterThanOrEqual(8);
    expect(xs[xs.length - 1]).toBeLessThanOrEqual(1024);
    expect(xs[10_000]).toBeGreaterThan(80);
    expect(xs[10_000]).toBeLessThan(100);
  });

  it('pareto(α, xm) has median xm·2^(1/α) and honours the cap', () => {
    const xs = Array.from({ length: 20_001 }, () => rng.pareto(0.5, 10)).sort((p, q) => p - q);
    expect(xs[0]).toBeGreaterThanOrEqual(10);
    expect(xs[10_000]! / 40).toBeGreaterThan(0.9);
    expect(xs[10_000]! / 40).toBeLessThan(1.1);
    for (let i = 0; i < 1000; i++) expect(rng.pareto(0.1, 1, 500)).toBeLessThanOrEqual(500);
  });
});
