/**
 * A whole number drawn log-uniformly between two parameters (a final string length, a short or
 * medium lifetime): floor(min · e^(u · ln(max / min))), u uniform in [0, 1), with the project's
 * exact `exp`. `Rng.logUniform` draws the same number and clamps it; this keeps ln(max / min) from
 * one draw to the next (Math.log costs more than the whole rest of a draw) and does not clamp, as
 * the workloads that use it never did.
 */
import { BUCKET_SHIFT, bucketTable, cachedBucketTable } from '../bucket-table';
import { exp } from '../fastmath';
import { num } from '../params';
import type { Rng } from '../prng';
import type { ResolvedParams } from '../workload';

export class LogUniform {
  private readonly min: number;
  /** ln(max / min). */
  private readonly span: number;
  /** Most draws' results, by bucket (bucket-table.ts: the same numbers, without the exp). */
  private readonly table: Float64Array;

  /** `minName`, `maxName`: the parameters of the two bounds. */
  constructor(p: ResolvedParams, minName: string, maxName: string) {
    const min = num(p, minName);
    const span = Math.log(num(p, maxName) / min);
    this.min = min;
    this.span = span;
    // exp is within 10^-13 relative (fastmath.ts); the tolerance is 10^4 times that.
    const tolerance = (x: number) => 1e-9 * (1 + Math.abs(x));
    this.table = cachedBucketTable(`log-uniform ${min} ${span}`, () => bucketTable((u) => min * exp(u * span), Math.floor, tolerance));
  }

  /** One draw, from `rng`. */
  draw(rng: Rng): number {
    const v = this.table[rng.nextHi() >>> BUCKET_SHIFT]!;
    return v >= 0 ? v : Math.floor(this.min * exp(rng.lastU01() * this.span));
  }
}
