/**
 * The heavy-tailed life of the objects a workload keeps now and then (a survivor of an
 * expression, a kept string or buffer): pareto(alpha, xm) of the workload's clock, rounded up,
 * never past FOREVER. Read from the two parameters that name its tail index and shortest life.
 */
import { num } from '../params';
import type { Rng } from '../prng';
import type { ResolvedParams } from '../workload';
import { FOREVER } from './lifetime-queue';

export class ParetoLife {
  private readonly alpha: number;
  private readonly xm: number;

  /** `alphaName`, `xmName`: the parameters of the tail index and of the shortest life. */
  constructor(p: ResolvedParams, alphaName: string, xmName: string) {
    this.alpha = num(p, alphaName);
    this.xm = num(p, xmName);
  }

  /** One life, drawn from `rng`. */
  draw(rng: Rng): number {
    return Math.min(FOREVER, rng.paretoCeil(this.alpha, this.xm));
  }
}
