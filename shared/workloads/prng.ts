/**
 * Seeded randomness for the workload generators (docs/workloads.md, "Randomness").
 *
 * - SplitMix64 and xoshiro256** (Blackman & Vigna, public domain) on pairs of 32-bit halves:
 *   the hot path never touches BigInt, so a draw costs a few nanoseconds.
 * - `stream(seed, tag)`: an independent xoshiro256** per purpose, seeded from four SplitMix64
 *   outputs of `seed XOR FNV-1a-64(tag)`, so that changing one parameter does not reshuffle the
 *   draws made for another purpose.
 *
 * Reproducibility: the integer samplers (`uniformInt`, `nextHi`, `next64`, and the alias table
 * and permutation elsewhere) are exact and give the same numbers on every machine. The float
 * samplers (`u01`-based `geometric`, `exponential`, `logUniform`, `pareto`, the Zipf sampler) use
 * the table-based `ln`/`exp` of fastmath.ts, whose tables are built with Math.log/exp, whose last
 * bit may differ between JavaScript engines: they are reproducible on the same engine (V8 ships
 * its own fdlibm port, so Node and Electron of one V8 version agree on every machine). That is why a result file records the generator version with the seed and parameters.
 */

import { BUCKET_SHIFT, bucketTable, cachedBucketTable, NO_SHORTCUT } from './bucket-table';
import { exp, ln } from './fastmath';

const TWO32 = 4294967296;
const TWO_M32 = 1 / TWO32;
const TWO_M53 = 1 / 9007199254740992;
const MASK64 = (1n << 64n) - 1n;

/** High 32 bits of the unsigned 64-bit product of two unsigned 32-bit numbers. */
export function mulHi32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * SplitMix64's output function applied to the state that follows `(hi, lo)`:
 * returns the high word and leaves the low word in `out[0]` (both unsigned 32-bit).
 * `splitmixFirst(x)` is "the first output of a SplitMix64 seeded with x".
 */
export function splitmixFirst(hi: number, lo: number, out: Uint32Array): number {
  // state += 0x9E3779B97F4A7C15
  let l = (lo >>> 0) + 0x7f4a7c15;
  // Carry without a branch: l < 2^33.
  let h = ((hi >>> 0) + 0x9e3779b9 + ((l * TWO_M32) | 0)) >>> 0;
  l >>>= 0;
  // z ^= z >>> 30; z *= 0xBF58476D1CE4E5B9
  l = (l ^ ((l >>> 30) | (h << 2))) >>> 0;
  h = (h ^ (h >>> 30)) >>> 0;
  let nh = (mulHi32(l, 0x1ce4e5b9) + Math.imul(h, 0x1ce4e5b9) + Math.imul(l, 0xbf58476d)) >>> 0;
  l = Math.imul(l, 0x1ce4e5b9) >>> 0;
  h = nh;
  // z ^= z >>> 27; z *= 0x94D049BB133111EB
  l = (l ^ ((l >>> 27) | (h << 5))) >>> 0;
  h = (h ^ (h >>> 27)) >>> 0;
  nh = (mulHi32(l, 0x133111eb) + Math.imul(h, 0x133111eb) + Math.imul(l, 0x94d049bb)) >>> 0;
  l = Math.imul(l, 0x133111eb) >>> 0;
  h = nh;
  // z ^= z >>> 31
  out[0] = (l ^ ((l >>> 31) | (h << 1))) >>> 0;
  return (h ^ (h >>> 31)) >>> 0;
}

/** SplitMix64 as a generator over BigInt: used for seeding only (a handful of calls per stream). */
export class SplitMix64 {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = BigInt.asUintN(64, seed);
  }
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
}

/** FNV-1a, 64-bit, over the UTF-8 bytes of `text`: names a sub-stream. */
export function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of utf8(text)) {
    h = ((h ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  }
  return h;
}

function utf8(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return bytes;
}

/** A seed as the spec means it: an unsigned 64-bit integer. */
export type Seed = bigint | number;

export function seedToBigInt(seed: Seed): bigint {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > MASK64) throw new RangeError(`seed ${seed} is not an unsigned 64-bit integer`);
    return seed;
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed ${seed} is not a non-negative safe integer`);
  return BigInt(seed);
}

/** Outputs generated per refill of the buffer. */
const BLOCK = 64;

/**
 * xoshiro256** with its 256-bit state held as eight signed 32-bit words.
 *
 * Outputs are generated 64 at a time into a buffer (the generator's loop keeps its state in
 * registers), and `nextHi()` just reads the next one: it stays small enough for V8 to inline
 * into every sampler, so a draw neither calls nor allocates. The sequence is exactly the
 * generator's; only the work is batched.
 *
 * `nextHi()` returns the high word of the next 64-bit output; `lo` is then its low word.
 */
export class Rng {
  /** s0.hi, s0.lo, s1.hi, s1.lo, s2.hi, s2.lo, s3.hi, s3.lo. */
  private readonly s = new Int32Array(8);
  /** Pending outputs as (hi, lo) pairs. */
  private readonly buf = new Int32Array(2 * BLOCK);
  /** Index of the next pair in `buf` (2·BLOCK: empty); the last pair handed out is at pos − 2. */
  private pos = 2 * BLOCK;

  /** Seeds from four 64-bit words (not all zero), as the reference implementation does. */
  constructor(s0: bigint, s1: bigint, s2: bigint, s3: bigint) {
    const words = [s0, s1, s2, s3];
    if (words.every((w) => BigInt.asUintN(64, w) === 0n)) throw new RangeError('xoshiro256** state must not be all zero');
    words.forEach((w, i) => {
      const u = BigInt.asUintN(64, w);
      this.s[2 * i] = Number(u >> 32n) | 0;
      this.s[2 * i + 1] = Number(u & 0xffffffffn) | 0;
    });
  }

  /** Four SplitMix64 outputs of `seed` become the state (§0.2). */
  static fromSeed(seed: Seed): Rng {
    const sm = new SplitMix64(seedToBigInt(seed));
    return new Rng(sm.next(), sm.next(), sm.next(), sm.next());
  }

  /** Advances; returns the high 32 bits of the 64-bit output (unsigned); `lo` holds the rest. */
  nextHi(): number {
    let p = this.pos;
    if (p === 2 * BLOCK) {
      this.refill();
      p = 0;
    }
    this.pos = p + 2;
    return this.buf[p]! >>> 0;
  }

  /** Low word of the last output, unsigned. */
  get lo(): number {
    return this.buf[this.pos - 1]! >>> 0;
  }

  /** Low word of the last output as a signed 32-bit integer (for bit tricks). */
  get loInt32(): number {
    return this.buf[this.pos - 1]!;
  }

  /** High word of the last output, unsigned. */
  private get hi(): number {
    return this.buf[this.pos - 2]! >>> 0;
  }

  /** The next BLOCK outputs of xoshiro256**. */
  private refill(): void {
    const s = this.s;
    const buf = this.buf;
    let s0h = s[0]!,
      s0l = s[1]!,
      s1h = s[2]!,
      s1l = s[3]!;
    let s2h = s[4]!,
      s2l = s[5]!,
      s3h = s[6]!,
      s3l = s[7]!;
    for (let i = 0; i < buf.length; i += 2) {
      // r = rotl(s1 * 5, 7) * 9. The high words take the carries from 16-bit partial products:
      // no data-dependent branch (a carry test mispredicts half the time and costs ~4× the draw).
      const ml = Math.imul(s1l, 5);
      const mh = Math.imul(s1h, 5) + ((((s1l >>> 16) * 5 + (((s1l & 0xffff) * 5) >>> 16)) >>> 16) | 0);
      const rh = (mh << 7) | (ml >>> 25);
      const rl = (ml << 7) | (mh >>> 25);
      buf[i] = Math.imul(rh, 9) + ((((rl >>> 16) * 9 + (((rl & 0xffff) * 9) >>> 16)) >>> 16) | 0);
      buf[i + 1] = Math.imul(rl, 9);
      // t = s1 << 17; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45)
      const th = (s1h << 17) | (s1l >>> 15);
      const tl = s1l << 17;
      s2h ^= s0h;
      s2l ^= s0l;
      s3h ^= s1h;
      s3l ^= s1l;
      s1h ^= s2h;
      s1l ^= s2l;
      s0h ^= s3h;
      s0l ^= s3l;
      s2h ^= th;
      s2l ^= tl;
      // rotl 45 = swap the halves, then rotate left by 13.
      const h = (s3l << 13) | (s3h >>> 19);
      s3l = (s3h << 13) | (s3l >>> 19);
      s3h = h;
    }
    s[0] = s0h;
    s[1] = s0l;
    s[2] = s1h;
    s[3] = s1l;
    s[4] = s2h;
    s[5] = s2l;
    s[6] = s3h;
    s[7] = s3l;
  }

  /** The full 64-bit output (tests and seeding; allocates a BigInt). */
  next64(): bigint {
    const hi = this.nextHi();
    return (BigInt(hi) << 32n) | BigInt(this.lo);
  }

  /** `u01()` = (x >> 11) · 2^-53, in [0, 1). */
  u01(): number {
    const hi = this.nextHi();
    return (hi * 2097152 + (this.buf[this.pos - 1]! >>> 11)) * TWO_M53;
  }

  /** The u01 of the draw just made (by `nextHi`), without drawing again. */
  lastU01(): number {
    return ((this.buf[this.pos - 2]! >>> 0) * 2097152 + (this.buf[this.pos - 1]! >>> 11)) * TWO_M53;
  }

  /**
   * `uniform_int(n)` in [0, n): Lemire's multiply-and-reject on the full 64-bit output — the
   * result is the high 64 bits of the 128-bit product x·n, and a draw is rejected when the low
   * 64 bits fall below (2^64 − n) mod n. Exact for every integer 1 ≤ n ≤ 2^53.
   *
   * Fast path (n ≤ 2^21, all but ~2n/2^32 of the draws): with x = hi·2^32 + lo and
   * hi·n = r·2^32 + rem (exact in a double), x·n = r·2^64 + (rem + ⌊lo·n/2^32⌋)·2^32 + …; the
   * bracket is below 2^32 when rem ≤ 2^32 − n, so the result is r, and it is ≥ n > the
   * rejection threshold when rem ≥ n. Otherwise the slow path forms the product exactly.
   */
  uniformInt(n: number): number {
    const a = this.nextHi() * n;
    const r = Math.floor(a * TWO_M32);
    const rem = a - r * TWO32;
    if (rem >= n && rem <= TWO32 - n && n <= 2097152) return r;
    return this.uniformIntSlow(n);
  }

  /** uniform_int for the draw just made (and any redraws): the exact 128-bit product. */
  private uniformIntSlow(n: number): number {
    if (n > 0xffffffff) return this.uniformIntBig(n);
    const nl = n & 0xffff;
    const nh = n >>> 16;
    for (let first = true; ; first = false) {
      const xh = first ? this.hi : this.nextHi();
      const xl = this.lo;
      // xl·n = H0·2^32 + L0
      let b = xl * nh;
      let bh = Math.floor(b / 65536);
      let s = (b - bh * 65536) * 65536 + xl * nl;
      let carry = Math.floor(s * TWO_M32);
      const l0 = s - carry * TWO32;
      const h0 = bh + carry;
      // xh·n = H1·2^32 + L1
      b = xh * nh;
      bh = Math.floor(b / 65536);
      s = (b - bh * 65536) * 65536 + xh * nl;
      carry = Math.floor(s * TWO_M32);
      const l1 = s - carry * TWO32;
      const h1 = bh + carry;
      // x·n = H1·2^64 + (L1 + H0)·2^32 + L0
      const c = l1 + h0;
      const high = c >= TWO32 ? h1 + 1 : h1;
      const lowHi = c >= TWO32 ? c - TWO32 : c;
      if (lowHi !== 0 || l0 >= n || this.accept(lowHi, l0, n)) return high;
    }
  }

  /** The rare rejection test: low 64 bits (lowHi·2^32 + lowLo) against (2^64 − n) mod n. */
  private accept(lowHi: number, lowLo: number, n: number): boolean {
    const low = (BigInt(lowHi) << 32n) + BigInt(lowLo);
    const bn = BigInt(n);
    return low >= ((1n << 64n) - bn) % bn;
  }

  /** n above 2^32 (no hot path uses it): BigInt on the draw just made, then on redraws. */
  private uniformIntBig(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 53) throw new RangeError(`uniform_int(${n}): n must be an integer in 1 … 2^53`);
    const bn = BigInt(n);
    const t = ((1n << 64n) - bn) % bn;
    let x = (BigInt(this.hi) << 32n) | BigInt(this.lo);
    for (;;) {
      const m = x * bn;
      if ((m & MASK64) >= t) return Number(m >> 64n);
      x = this.next64();
    }
  }

  /**
   * Bernoulli by integer threshold: true when the high word of one draw is below `threshold`
   * (from `chanceThreshold(p)`). Exact everywhere, and cheaper than u01() < p; the workloads use
   * it for every coin.
   */
  chance(threshold: number): boolean {
    return this.nextHi() < threshold;
  }

  /** `bernoulli(p)` = u01() < p. */
  bernoulli(p: number): boolean {
    return this.u01() < p;
  }

  /**
   * `geometric(mean m)` on 0, 1, 2, …: floor(ln(1−u) / ln(1−p)) with p = 1/(m+1) (ln: fastmath.ts);
   * most draws read the result from the mean's bucket table instead (bucket-table.ts: the same number).
   */
  geometric(mean: number): number {
    if (mean <= 0) return 0;
    if (mean !== this.geoMean) {
      // Callers use one or two means: keep Math.log(1 − p) and the table for the last one.
      this.geoMean = mean;
      this.geoLogQ = Math.log(mean / (mean + 1));
      this.geoTable = geometricTable(mean, this.geoLogQ);
    }
    const v = this.geoTable[this.nextHi() >>> BUCKET_SHIFT]!;
    return v >= 0 ? v : geometricOf(this.lastU01(), this.geoLogQ);
  }

  private geoMean = NaN;
  private geoLogQ = 0;
  private geoTable: Float64Array = NO_SHORTCUT;

  /** `exponential(mean m)` = −m·ln(1−u). */
  exponential(mean: number): number {
    return -mean * ln(1 - this.u01());
  }

  /** `log_uniform(a, b)` = floor(a·(b/a)^u), clamped to [a, b]. */
  logUniform(a: number, b: number): number {
    const v = Math.floor(a * exp(this.u01() * Math.log(b / a)));
    return v < a ? a : v > b ? b : v;
  }

  /**
   * Classic Pareto xm·(1−u)^(−1/α), support ≥ xm; clamped at `cap` (truncated version).
   * Computed as xm·exp(−ln(1−u)/α) with fastmath.ts's exp and ln: Math.pow costs six times
   * Math.exp + Math.log on V8, and those twice these.
   */
  pareto(alpha: number, xm: number, cap = Infinity): number {
    const v = paretoOf(this.u01(), alpha, xm);
    return v > cap ? cap : v;
  }

  /**
   * ⌈pareto(α, xm)⌉, a lifetime in whole events; most draws read it from the bucket table of (α, xm)
   * (bucket-table.ts: the same number as Math.ceil(pareto(α, xm))).
   */
  paretoCeil(alpha: number, xm: number): number {
    if (alpha !== this.parAlpha || xm !== this.parXm) {
      this.parAlpha = alpha;
      this.parXm = xm;
      this.parTable = paretoCeilTable(alpha, xm);
    }
    const v = this.parTable[this.nextHi() >>> BUCKET_SHIFT]!;
    return v >= 0 ? v : Math.ceil(paretoOf(this.lastU01(), alpha, xm));
  }

  private parAlpha = NaN;
  private parXm = NaN;
  private parTable: Float64Array = NO_SHORTCUT;
}

/** geometric's formula for one u01. */
function geometricOf(u: number, logQ: number): number {
  return Math.floor(ln(1 - u) / logQ);
}

/** pareto's formula for one u01, before any cap. */
function paretoOf(u: number, alpha: number, xm: number): number {
  return xm * exp(-ln(1 - u) / alpha);
}

function geometricTable(mean: number, logQ: number): Float64Array {
  // Error of ln(1−u)/logQ: ~3·10^-13 / |logQ| + an ulp of the result; the tolerance is 10^4 times that.
  const tolerance = (x: number) => 1e-9 * (1 + Math.abs(x) + 1 / Math.abs(logQ));
  return cachedBucketTable(`geometric ${mean}`, () => bucketTable((u) => ln(1 - u) / logQ, Math.floor, tolerance));
}

function paretoCeilTable(alpha: number, xm: number): Float64Array {
  // Relative error of xm·exp(−ln(1−u)/α): ~3·10^-13 / α + 10^-13; the tolerance is 10^3 times that.
  const tolerance = (x: number) => 1e-9 * (1 + Math.abs(x)) * (1 + 1 / alpha);
  return cachedBucketTable(`pareto ${alpha} ${xm}`, () => bucketTable((u) => paretoOf(u, alpha, xm), Math.ceil, tolerance));
}

/** p·2^32 rounded: the threshold `Rng.chance` compares with (0: never; 2^32: always). */
export function chanceThreshold(p: number): number {
  return Math.round(Math.min(1, Math.max(0, p)) * TWO32);
}

/** `stream(seed, tag)`: xoshiro256** seeded from SplitMix64(seed XOR FNV-1a-64(tag)) (§0.2). */
export function stream(seed: Seed, tag: string): Rng {
  return Rng.fromSeed(seedToBigInt(seed) ^ fnv1a64(tag));
}
