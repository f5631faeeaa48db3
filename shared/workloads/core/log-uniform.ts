/**
 * A whole number drawn log-uniformly between two parameters (a final string length, a short or
 * medium lifetime): floor(min · e^(u · ln(max / min))), u uniform in [0, 1), with the project's
 * exact `exp` so that every platform draws the same numbers.
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
