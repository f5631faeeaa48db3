/**
 * `permutation(N, key)`: a bijection of [0, N) in O(1) memory (§0.2).
 *
 * A 4-round keyed Feistel network on the smallest even number of bits b ≥ log2 N (at least 2);
 * each half has b/2 bits; round i maps (L, R) → (R, L XOR F_i(R)) with F_i(R) = the low b/2 bits
 * of the first SplitMix64 output seeded with (roundKey_i XOR R). Values that land at or above N
 * are encrypted again (cycle-walking) until they fall inside [0, N). The round keys are the next
 * four 64-bit outputs of the stream handed to the constructor. Integer-only: exact everywhere.
 */
import { splitmixFirst, type Rng } from './prng';

/** Largest N supported: halves must stay below 2^26 so that L·2^h + R is an exact double. */
export const MAX_PERMUTATION_SIZE = 2 ** 52;

export class Permutation {
  private readonly half: number;
  private readonly halfSize: number;
  private readonly mask: number;
  /** Round keys as (hi, lo) pairs. */
  private readonly keys = new Uint32Array(8);
  private readonly scratch = new Uint32Array(1);

  constructor(
    readonly n: number,
    rng: Rng,
  ) {
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PERMUTATION_SIZE) {
      throw new RangeError(`permutation size ${n} is outside 1 … 2^52`);
    }
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.half = bits / 2;
    this.halfSize = 2 ** this.half;
    this.mask = this.half >= 32 ? 0xffffffff : (2 ** this.half - 1) >>> 0;
    for (let i = 0; i < 4; i++) {
      this.keys[2 * i] = rng.nextHi();
      this.keys[2 * i + 1] = rng.lo;
    }
  }

  /** The image of x ∈ [0, N). */
  map(x: number): number {
    let v = x;
    do v = this.encrypt(v);
    while (v >= this.n);
    return v;
  }

  private encrypt(x: number): number {
    const size = this.halfSize;
    let left = Math.floor(x / size);
    let right = x - left * size;
    const keys = this.keys;
    const out = this.scratch;
    for (let i = 0; i < 8; i += 2) {
      splitmixFirst(keys[i]!, (keys[i + 1]! ^ right) >>> 0, out);
      const f = (out[0]! & this.mask) >>> 0;
      const next = (left ^ f) >>> 0;
      left = right;
      right = next;
    }
    return left * size + right;
  }
}
