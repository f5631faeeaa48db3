/**
 * W02 `steady-churn` — fill L slots, then replace one live object per step; or the
 * xmalloc-test producer/consumer shape (victim = batch).
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { growInt32 } from '../core/live-table';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_LIVE, num, numberParam, nums, ParamError, sizesParam, str, type Settings } from '../params';
import { stream, type Rng, type Seed } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef } from '../workload';

const VICTIMS = ['uniform', 'fifo', 'lifo', 'batch'] as const;

/** SteadyChurn's phases and marks. */
const FILL = 0;
const CHURN = 1;
const CHURN_MARKS = ['fill', 'churn'];
/** BatchChurn's phases and marks. */
const PRODUCE = 0;
const CONSUME = 1;
const BATCH_MARKS = ['produce', 'consume'];

/** The fill, then the replacements of the churn; victim = batch: each batch's record and its objects. */
const ORIGINS = originTags('fill object', 'replacement', 'batch record', 'batch object');
const { 'fill object': FILL_OBJECT, replacement: REPLACEMENT, 'batch record': BATCH_RECORD, 'batch object': BATCH_OBJECT } = ORIGINS.tag;

class SteadyChurn extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly slots: number;
  private readonly sizes: SizeDist;
  private readonly sizeRng: Rng;
  private readonly victimRng: Rng;
  /** Which object a replacement takes (batch has a generator of its own). */
  private readonly victim: (typeof VICTIMS)[number];
  private filled = 0;
  private ring = 0;

  constructor(p: ResolvedParams, seed: Seed) {
    super(2);
    this.slots = num(p, 'L');
    this.sizes = SizeDist.parse(str(p, 'sizes'));
    this.victim = str(p, 'victim') as (typeof VICTIMS)[number];
    this.sizeRng = stream(seed, 'size');
    this.victimRng = stream(seed, 'victim');
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const sizes = this.sizes;
    const sizeRng = this.sizeRng;
    const n = this.slots;
    // A step writes at most 2 operations: room for one more step ⇔ out.length ≤ limit.
    const limit = out.capacity - 2;
    while (this.phase === FILL) {
      if (out.length > limit) return;
      if (!this.phaseMarked) this.markPhase(out, CHURN_MARKS);
      // Fresh table: the s-th ALLOC gets slot s, and a replacement keeps its slot.
      t.alloc(out, sizes.sample(sizeRng), FILL_OBJECT);
      if (++this.filled === n) {
        this.enter(CHURN);
        if (out.length > limit) return;
      }
    }
    if (!this.phaseMarked) {
      if (out.length > limit) return;
      this.markPhase(out, CHURN_MARKS);
    }
    switch (this.victim) {
      case 'uniform': {
        const rng = this.victimRng;
        while (out.length <= limit) t.replace(out, rng.uniformInt(n), sizes.sample(sizeRng), REPLACEMENT);
        return;
      }
      case 'fifo':
        while (out.length <= limit) {
          t.replace(out, this.ring, sizes.sample(sizeRng), REPLACEMENT);
          if (++this.ring === n) this.ring = 0;
        }
        return;
      default: // lifo: the most recently allocated object is always the one in the last slot
        while (out.length <= limit) t.replace(out, n - 1, sizes.sample(sizeRng), REPLACEMENT);
    }
  }
}

/** Batches pushed on a stack until depth_hi, popped (objects in index order, then the record) until depth_lo. */
const BATCH_SETTINGS = ['batch', 'object_size', 'record_size', 'depth_hi', 'depth_lo'] as const;

class BatchChurn extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly s: Settings<typeof BATCH_SETTINGS>;
  private stack = new Int32Array(0);
  private depth = 0;
  /** Index inside the batch being produced or consumed. */
  private k = 0;

  constructor(p: ResolvedParams) {
    super(2);
    this.s = nums(p, BATCH_SETTINGS);
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const s = this.s;
    const width = s.batch + 1;
    while (out.length <= out.capacity - 2) {
      if (!this.phaseMarked) this.markPhase(out, BATCH_MARKS);
      if (this.phase === PRODUCE) {
        const pos = this.depth * width + this.k;
        if (pos >= this.stack.length) this.stack = growInt32(this.stack, pos + 1);
        this.stack[pos] = this.k === 0 ? t.alloc(out, s.record_size, BATCH_RECORD) : t.alloc(out, s.object_size, BATCH_OBJECT);
        if (++this.k === width) {
          this.k = 0;
          if (++this.depth === s.depth_hi) this.enter(CONSUME);
        }
      } else {
        // Objects 1..batch in index order, then the record at index 0.
        const base = (this.depth - 1) * width;
        const idx = this.k < s.batch ? this.k + 1 : 0;
        t.free(out, this.stack[base + idx]!);
        if (++this.k === width) {
          this.k = 0;
          if (--this.depth === s.depth_lo) this.enter(PRODUCE);
        }
      }
    }
  }
}

export const steadyChurn: WorkloadDef = {
  name: 'steady-churn',
  id: 'W02',
  version: 2,
  title: 'Constant live set, one replacement per step',
  description:
    'Fill L slots with sizes from a distribution, then free one live object and allocate a new one per step ' +
    '(victim uniform, FIFO ring, or LIFO). No arena ever empties, so 2.4 and 3.9+ have the same flat shape at ' +
    'different levels. victim = batch is the xmalloc-test producer/consumer: batches of objects pushed on a stack ' +
    'and freed together; under 3.9+ retained memory can swing between the depth_lo and depth_hi footprints, under 2.4 it stays at depth_hi.',
  finite: false,
  origins: ORIGINS.names,
  params: [
    numberParam('L', 'objects', 1_000_000, 1, MAX_LIVE, 'Live objects (uniform / fifo / lifo).'),
    sizesParam('sizes', 'py312-mix', 'Request sizes (uniform / fifo / lifo).'),
    choiceParam('victim', 'uniform', VICTIMS, 'Which object a step replaces; batch = producer/consumer batches.'),
    numberParam('batch', 'objects', 4096, 1, 1_000_000, 'Objects per batch (victim = batch).'),
    numberParam('object_size', 'bytes', 64, 1, 2 ** 31 - 1, 'Request size of batch objects (victim = batch).'),
    numberParam('record_size', 'bytes', 32_776, 1, 2 ** 31 - 1, 'Request size of the batch record (victim = batch).'),
    numberParam('depth_hi', 'batches', 100, 1, 10_000, 'Produce until this many batches are queued.'),
    numberParam('depth_lo', 'batches', 50, 0, 10_000, 'Then consume down to this many.'),
  ],
  check(p) {
    if (num(p, 'depth_lo') >= num(p, 'depth_hi')) {
      throw new ParamError('depth_lo', p.depth_lo, `must be below depth_hi = ${p.depth_hi}`);
    }
    if (p.victim === 'batch' && num(p, 'depth_hi') * (num(p, 'batch') + 1) > MAX_LIVE) {
      throw new ParamError('batch', p.batch, `depth_hi·(batch + 1) live objects exceed ${MAX_LIVE}`);
    }
  },
  create: (p, seed) => (str(p, 'victim') === 'batch' ? new BatchChurn(p) : new SteadyChurn(p, seed)),
};
