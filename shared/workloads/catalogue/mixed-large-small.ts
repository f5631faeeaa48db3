/**
 * W10 `mixed-large-small` — requests mixing small objects with buffers above the small-object
 * threshold; a few smalls are promoted into a long-lived FIFO index, a few large buffers kept,
 * and now and then a small buffer grows across the threshold.
 *
 * Streams: "size" (every size), "life" (counts, coins, lifetimes). Lifetimes count ALLOCs.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { LifetimeQueue } from '../core/lifetime-queue';
import { ParetoLife } from '../core/pareto-life';
import { originTags } from '../origin-tags';
import { MAX_COUNT, num, numberParam, realParam, sizesParam, str } from '../params';
import { chanceThreshold, type Rng, type Seed, stream } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef } from '../workload';

/** Smalls per request are capped here (P(more) ≈ 4·10^-12 at the default mean). */
const MAX_SMALLS = 512;
/** smalls + grown buffer ALLOCs and FREEs, index evictions, large ALLOC/FREE, REALLOC, mark. */
const STEP_MAX = 3 * (MAX_SMALLS + 1) + 4;

/**
 * A request's objects. Promotion into the index and keeping a large buffer are drawn later in the
 * same step as the ALLOC, so the generator tags the ALLOC then (OpBatch.tag): a step never spans batches.
 */
const ORIGINS = originTags('small object', 'index entry', 'large buffer', 'kept large buffer', 'growing buffer');
const O = ORIGINS.tag;

class MixedLargeSmall extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly requests: number;
  private readonly smallsMean: number;
  private readonly smallSizes: SizeDist;
  private readonly largeSizes: SizeDist;
  private readonly pLarge: number;
  private readonly pLargeKeep: number;
  private readonly keptLife: ParetoLife;
  private readonly pPromote: number;
  private readonly pGrow: number;
  private readonly growFrom: number;
  private readonly growTo: number;
  private readonly sizeRng: Rng;
  private readonly lifeRng: Rng;
  private readonly queue = new LifetimeQueue();
  private readonly smalls = new Int32Array(MAX_SMALLS + 1);
  /** Batch index of each small's ALLOC in the current step, to retag a promoted one (op-batch.ts). */
  private readonly smallAt = new Int32Array(MAX_SMALLS + 1);
  /** The long-lived index: a FIFO ring of slots. */
  private readonly index: Int32Array;
  private indexHead = 0;
  private indexLen = 0;
  private served = 0;

  constructor(p: ResolvedParams, seed: Seed) {
    super(STEP_MAX);
    this.requests = num(p, 'requests');
    this.smallsMean = num(p, 'smalls_mean');
    this.smallSizes = SizeDist.parse(str(p, 'small_sizes'));
    this.largeSizes = SizeDist.parse(str(p, 'large_sizes'));
    this.pLarge = chanceThreshold(num(p, 'p_large'));
    this.pLargeKeep = chanceThreshold(num(p, 'p_large_keep'));
    this.keptLife = new ParetoLife(p, 'keep_alpha', 'keep_xm');
    this.pPromote = chanceThreshold(num(p, 'p_promote'));
    this.pGrow = chanceThreshold(num(p, 'p_grow'));
    this.growFrom = num(p, 'grow_from');
    this.growTo = num(p, 'grow_to');
    this.sizeRng = stream(seed, 'size');
    this.lifeRng = stream(seed, 'life');
    this.index = new Int32Array(num(p, 'index_size'));
  }

  private alloc(out: OpBatch, size: number, origin: number): number {
    this.queue.advance();
    return this.objs.alloc(out, size, origin);
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    while (out.capacity - out.length >= STEP_MAX) {
      const due = this.queue.pop();
      if (due >= 0) {
        t.free(out, due);
        continue;
      }
      if (this.served === this.requests) {
        this.done = true;
        return;
      }
      if (this.served === 0) out.mark('serve');
      this.request(out);
      this.served++;
    }
  }

  private request(out: OpBatch): void {
    const t = this.objs;
    const life = this.lifeRng;
    let g = 1 + life.geometric(this.smallsMean);
    if (g > MAX_SMALLS) g = MAX_SMALLS;
    for (let i = 0; i < g; i++) {
      this.smallAt[i] = out.length;
      this.smalls[i] = this.alloc(out, this.smallSizes.sample(this.sizeRng), O['small object']);
    }
    const smallCount = g;
    const largeAt = out.length;
    const large = life.chance(this.pLarge) ? this.alloc(out, this.largeSizes.sample(this.sizeRng), O['large buffer']) : -1;
    if (life.chance(this.pGrow)) {
      // A small buffer that grows across the threshold and stays on the large path.
      const buf = this.alloc(out, this.growFrom, O['growing buffer']);
      t.realloc(out, buf, this.growTo);
      this.smalls[g++] = buf;
    }
    if (large >= 0) {
      if (life.chance(this.pLargeKeep)) {
        out.tag(largeAt, O['kept large buffer']);
        const q = this.queue;
        q.schedule(large, q.now + this.keptLife.draw(life));
      } else t.free(out, large);
    }
    const cap = this.index.length;
    for (let i = g - 1; i >= 0; i--) {
      const s = this.smalls[i]!;
      if (cap > 0 && life.chance(this.pPromote)) {
        // A grown buffer keeps its own tag: it is a buffer in the index, on the large path.
        if (i < smallCount) out.tag(this.smallAt[i]!, O['index entry']);
        if (this.indexLen === cap) {
          t.free(out, this.index[this.indexHead]!);
          this.index[this.indexHead] = s;
          this.indexHead = this.indexHead + 1 === cap ? 0 : this.indexHead + 1;
        } else {
          this.index[(this.indexHead + this.indexLen++) % cap] = s;
        }
      } else t.free(out, s);
    }
  }
}

export const mixedLargeSmall: WorkloadDef = {
  name: 'mixed-large-small',
  id: 'W10',
  version: 2,
  title: 'Small objects mixed with large buffers',
  description:
    'Each request allocates a handful of small objects and often one large buffer (513 B – 1 MiB), frees them at the ' +
    'end, and promotes a few smalls into a long-lived FIFO index; a few large buffers are kept, and a small buffer sometimes ' +
    'grows across the threshold. The pymalloc series behaves like a program with a FIFO cache: 3.9+ releases old ' +
    'arenas progressively as the index evicts in order, 2.4 stays at its maximum. The large series spikes and falls back; ' +
    'under 2.4 the 257–512-byte requests are on it too.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('requests', '', 100_000_000, 1, MAX_COUNT, 'Requests before the workload ends.'),
    realParam('smalls_mean', 'objects', 19, 0, 100, 'Small objects per request: 1 + geometric(mean).'),
    sizesParam('small_sizes', 'py312-mix', 'Request sizes of the small objects.'),
    realParam('p_large', '', 0.3, 0, 1, 'Probability a request allocates a large buffer.'),
    sizesParam('large_sizes', 'invsq(513, 1048576)', 'Request sizes of the large buffers.'),
    realParam('p_large_keep', '', 0.01, 0, 1, 'Probability a large buffer is kept for a Pareto lifetime.'),
    realParam('keep_alpha', 'tail index', 0.5, 0.1, 3, 'Kept buffers live pareto(keep_alpha, keep_xm) allocations.'),
    realParam('keep_xm', 'allocation events', 10_000, 1, 1e12, 'Shortest life of a kept buffer.'),
    realParam('p_promote', '', 0.02, 0, 1, 'Probability a small object moves into the index.'),
    numberParam('index_size', 'objects', 100_000, 0, 100_000_000, 'Index capacity; a full index frees its oldest entry.'),
    realParam('p_grow', '', 0.01, 0, 1, 'Probability a request grows a small buffer across the threshold.'),
    numberParam('grow_from', 'bytes', 480, 1, 2 ** 31 - 1, 'Size the growing buffer starts at.'),
    numberParam('grow_to', 'bytes', 1040, 1, 2 ** 31 - 1, 'Size it is reallocated to.'),
  ],
  create: (p, seed) => new MixedLargeSmall(p, seed),
};
