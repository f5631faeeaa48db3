/**
 * W14 `refcount-temporaries` (cfrac-like) — expression temporaries allocated a few at a time
 * and freed newest first (sometimes the last two swapped); rare survivors get a Pareto life.
 *
 * Streams: "size" (sizes), "life" (depths, coins, lifetimes). Lifetimes count ALLOCs.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { LifetimeQueue } from '../core/lifetime-queue';
import { ParetoLife } from '../core/pareto-life';
import { originTags } from '../origin-tags';
import { realParam, sizesParam, num, str } from '../params';
import { chanceThreshold, type Rng, type Seed, stream } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef } from '../workload';

/** Temporaries per expression are capped here (P(more) ≈ 10^-11 at the default mean). */
const MAX_DEPTH = 64;

/** Whether a temporary survives its expression is drawn right after its ALLOC, in the same step (OpBatch.tag). */
const ORIGINS = originTags('temporary', 'survivor');
const { temporary: TEMPORARY, survivor: SURVIVOR } = ORIGINS.tag;

class RefcountTemporaries extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly sizes: SizeDist;
  private readonly sizeRng: Rng;
  private readonly lifeRng: Rng;
  private readonly depthMean: number;
  private readonly swap: number;
  private readonly survive: number;
  private readonly survivorLife: ParetoLife;
  private readonly queue = new LifetimeQueue();
  private readonly temps = new Int32Array(MAX_DEPTH);
  private started = false;

  constructor(p: ResolvedParams, seed: Seed) {
    super(2 * MAX_DEPTH + 1);
    this.sizes = SizeDist.parse(str(p, 'sizes'));
    this.sizeRng = stream(seed, 'size');
    this.lifeRng = stream(seed, 'life');
    this.depthMean = num(p, 'depth_mean');
    this.swap = chanceThreshold(num(p, 'swap'));
    this.survive = chanceThreshold(num(p, 'survive'));
    this.survivorLife = new ParetoLife(p, 'survive_alpha', 'survive_xm');
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const q = this.queue;
    const life = this.lifeRng;
    const sizes = this.sizes;
    const sizeRng = this.sizeRng;
    const temps = this.temps;
    const limit = out.capacity - this.stepMax;
    if (!this.started && out.length <= limit) {
      out.mark('compute');
      this.started = true;
    }
    while (out.length <= limit) {
      const due = q.pop();
      if (due >= 0) {
        t.free(out, due);
        continue;
      }
      let depth = 1 + life.geometric(this.depthMean);
      if (depth > MAX_DEPTH) depth = MAX_DEPTH;
      let n = 0;
      for (let i = 0; i < depth; i++) {
        q.advance();
        const at = out.length;
        const slot = t.alloc(out, sizes.sample(sizeRng), TEMPORARY);
        if (this.survive > 0 && life.chance(this.survive)) {
          out.tag(at, SURVIVOR);
          q.schedule(slot, q.now + this.survivorLife.draw(life));
        } else temps[n++] = slot;
      }
      if (n >= 2 && life.chance(this.swap)) {
        // Out of order: the second newest goes first.
        t.free(out, temps[n - 2]!);
        t.free(out, temps[n - 1]!);
        n -= 2;
      }
      while (n > 0) t.free(out, temps[--n]!);
    }
  }
}

export const refcountTemporaries: WorkloadDef = {
  name: 'refcount-temporaries',
  id: 'W14',
  version: 2,
  title: 'Expression temporaries (cfrac-like)',
  description:
    'Arithmetic temporaries of 16–32 bytes allocated a few at a time and freed newest first, as reference counting ' +
    'frees them; now and then the last two go out of order, and one allocation in 10 000 survives for a Pareto time. ' +
    'The footprint is a few pools, flat and identical in every version: the same blocks are reused again and again. ' +
    'A throughput baseline for the fast paths.',
  finite: false,
  origins: ORIGINS.names,
  params: [
    sizesParam('sizes', 'cfrac', 'cfrac (17 % 16 B, 83 % even 18–32 B) or py-num (int 32 B, float 24 B, 48 B), or any distribution.'),
    realParam('depth_mean', 'temporaries', 2, 0, 20, 'Temporaries per expression: 1 + geometric(mean), at most 64.'),
    realParam('swap', '', 0.3, 0, 1, 'Probability the last two temporaries are freed out of order.'),
    realParam('survive', 'per allocation', 1e-4, 0, 1, 'Probability a temporary survives the expression.'),
    realParam('survive_alpha', 'tail index', 0.5, 0.1, 3, 'Survivors live pareto(survive_alpha, survive_xm) allocations.'),
    realParam('survive_xm', 'allocation events', 10_000, 1, 1e12, 'Shortest life of a survivor.'),
  ],
  create: (p, seed) => new RefcountTemporaries(p, seed),
};
