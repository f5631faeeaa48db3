/**
 * A whole number drawn log-uniformly between two parameters (a final string length, a short or
 * medium lifetime): floor(min · e^(u · ln(max / min))), u uniform in [0, 1), with the project's
 * exact `exp`. `Rng.logUniform` draws the same number and clamps it; this keeps ln(max / min) from
 * one draw to the next (Math.log costs more than the whole rest of a draw) and does not clamp, as
 * the workloads that use it never did.
 */
import { exp } from '../fastmath';
import { num } from '../params';
import type { Rng } from '../prng';
import type { ResolvedParams } from '../workload';

export class LogUniform {
  private readonly min: number;
  /** ln(max / min). */
  private readonly span: number;

  /** `minName`, `maxName`: the parameters of the two bounds. */
  constructor(p: ResolvedParams, minName: string, maxName: string) {
    this.min = num(p, minName);
    this.span = Math.log(num(p, maxName) / this.min);
  }

  /** One draw, from `rng`. */
  draw(rng: Rng): number {
    return Math.floor(this.min * exp(rng.u01() * this.span));
  }
}
