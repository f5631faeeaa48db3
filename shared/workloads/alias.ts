/**
 * `table(T)`: sampling a discrete (value, weight) table with Vose's alias method (§0.2).
 *
 * The table is built once, in the listed row order, with only + − × ÷ (correctly rounded
 * everywhere), so the built table is identical on every machine. Each draw uses one 64-bit
 * output: the column is the multiply-shift of the high word, ⌊hi·n / 2^32⌋ (bias below
 * n / 2^32, invisible for the few hundred rows a size table has), and the coin compares the
 * low word with the column's 32-bit integer threshold — integer-only, so exact everywhere.
 */
import type { Rng } from './prng';

const TWO32 = 4294967296;
const TWO_M32 = 1 / TWO32;
/** Rows beyond this would make hi·n inexact in a double. */
export const MAX_ALIAS_ROWS = 1 << 20;

export class AliasTable {
  readonly n: number;
  /**
   * Keep the column when lo < threshold[col]; else take alias[col]. A column that is always kept
   * has threshold 2^32 − 1 and itself as alias, so the one low word that fails the test changes nothing.
   */
  readonly threshold: Int32Array;
  /** The other row of each column (public so that a size table can pre-resolve its values). */
  readonly alias: Int32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    if (n < 1 || n > MAX_ALIAS_ROWS) throw new RangeError(`alias table needs 1 … ${MAX_ALIAS_ROWS} rows, got ${n}`);
    let total = 0;
    for (const w of weights) {
      if (!Number.isFinite(w) || w < 0) throw new RangeError(`alias table weight ${w} is not a finite non-negative number`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('alias table weights sum to zero');
    this.n = n;
    this.threshold = new Int32Array(n);
    this.alias = new Int32Array(n);
    const prob = weights.map((w) => (w * n) / total);
    // Vose: worklists are stacks filled in row order, so the build is deterministic.
    const small: number[] = [];
    const large: number[] = [];
    prob.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.threshold[s] = Math.min(TWO32 - 1, Math.round(prob[s]! * TWO32)) | 0;
      this.alias[s] = l;
      prob[l] = prob[l]! + prob[s]! - 1;
      (prob[l]! < 1 ? small : large).push(l);
    }
    for (const i of large) this.setCertain(i);
    for (const i of small) this.setCertain(i); // only rounding leftovers end here
  }

  private setCertain(i: number): void {
    this.threshold[i] = -1; // 2^32 − 1 as int32
    this.alias[i] = i;
  }

  /** A row index, weighted; one 64-bit draw. */
  sample(rng: Rng): number {
    const col = Math.floor(rng.nextHi() * this.n * TWO_M32);
    const lo = rng.loInt32;
    const t = this.threshold[col]!;
    // Unsigned lo < t as the borrow of lo − t, then a masked select: the coin is random, a branch
    // on it would mispredict.
    const lt = ((~lo & t) | ((~lo | t) & (lo - t))) >> 31;
    const alias = this.alias[col]!;
    return alias ^ ((col ^ alias) & lt);
  }
}
