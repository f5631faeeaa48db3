/**
 * W15 `size-sweep-window` — sh6bench / sh8bench: sizes swept into a ring of C slots; when the
 * ring is full a saved window of C·window slots survives one more cycle, the slots below it are
 * freed in allocation order and those above it in reverse order. Also glibc-simple's batches.
 *
 * Ring position p is slot p. Deterministic: no randomness at all.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_COUNT, num, numberParam, ParamError, realParam, str } from '../params';
import type { ResolvedParams, WorkloadDef } from '../workload';

/** sh8bench's histogram, taken cyclically: (size, count) per iteration. */
export const SH8_HISTOGRAM: ReadonlyArray<readonly [number, number]> = [
  [8, 1000],
  [16, 5000],
  [48, 1000],
  [72, 100],
  [148, 100],
  [200, 100],
  [520, 10],
  [1056, 5],
  [4096, 3],
  [9162, 1],
  [34562, 1],
  [168524, 1],
];
/** glibc bench-malloc-simple: block sizes × batch sizes. */
const BATCH_SIZES = [16, 32, 64] as const;
const BATCH_COUNTS = [25, 100, 400, 1600] as const;

/** sh6bench's schedule for one sweep: (size, times) pairs in order. */
export function sh6Schedule(min: number, max: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let base = min; base < max; base = Math.floor((base * 3) / 2) + 1) {
    for (let size = base; size >= min && size > 0; size = Math.floor(size / 2)) {
      // Smaller blocks are allocated more often than large ones.
      let times = 1;
      if (size < 10000) times = 10;
      if (size < 1000) times *= 5;
      if (size < 100) times *= 5;
      out.push([size, times]);
    }
  }
  return out;
}

/**
 * A ring block (which ones the saved window keeps is decided when the ring fills, long after their
 * ALLOCs), sh8bench's foreign blocks, glibc-simple's batch blocks.
 */
const ORIGINS = originTags('ring block', 'foreign block', 'batch block');
const { 'ring block': RING_BLOCK, 'foreign block': FOREIGN_BLOCK, 'batch block': BATCH_BLOCK } = ORIGINS.tag;

/** RingSweep's phases (it starts in RING); its marks follow the sweeps, not these. */
const RING = 0;
const RING_FREE = 1;

class RingSweep extends GeneratorBase {
  private readonly c: number;
  private readonly w: number;
  private readonly ids: Float64Array;
  private readonly sizes: Int32Array;
  private readonly times: Int32Array;
  /** sh6: sweeps; sh8: histogram iterations. */
  private readonly rounds: number;
  private readonly sh8: boolean;
  private readonly foreign: number;
  private round = 0;
  private entry = 0;
  private left: number;
  private mp = 0;
  private saveStart: number;
  private saveEnd: number;
  /** Pending frees after the ring filled: below the window up, then above it down. */
  private lowNext = 0;
  private highNext = 0;
  private residue = 0;
  private foreignAllocated = 0;
  private foreignFreed = 0;
  private marked = false;

  constructor(p: ResolvedParams) {
    super(3);
    this.sh8 = str(p, 'schedule') === 'sh8';
    this.c = num(p, 'slots');
    this.w = Math.min(this.c - 1, Math.floor(this.c * num(p, 'window')));
    this.ids = new Float64Array(this.c).fill(-1);
    const schedule = this.sh8 ? SH8_HISTOGRAM.map(([s, n]) => [s, n] as [number, number]) : sh6Schedule(num(p, 'min'), num(p, 'max'));
    this.sizes = Int32Array.from(schedule, ([s]) => s);
    this.times = Int32Array.from(schedule, ([, n]) => n);
    const repeats = num(p, 'repeats');
    this.rounds = this.sh8 ? num(p, 'iterations') : repeats > 0 ? repeats : this.c;
    this.foreign = this.sh8 ? num(p, 'foreign') : 0;
    this.left = this.times[0]!;
    this.saveStart = this.c;
    this.saveEnd = this.c;
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    while (out.length <= out.capacity - 3) {
      if (this.foreignAllocated < this.foreign) {
        // sh8bench's main thread allocates the foreign 8-byte blocks up front.
        if (this.foreignAllocated === 0) out.mark('foreign');
        const id = t.nextId++;
        out.alloc(this.c + this.foreignAllocated++, id, 8, FOREIGN_BLOCK);
        t.live++;
        continue;
      }
      if (this.foreignFreed < this.foreignDue) {
        this.freeForeign(out);
        continue;
      }
      if (this.phase === RING_FREE) {
        this.ringFree(out);
        continue;
      }
      if (this.ended) {
        this.foreignDue = this.foreign;
        if (this.foreignFreed < this.foreignDue) continue;
        if (this.residueStep(out)) continue;
        this.done = true;
        return;
      }
      if (!this.marked) {
        // sh6: one mark per sweep; sh8: one per pass over the histogram.
        out.mark(`${this.sh8 ? 'cycle' : 'sweep'}-${Math.floor(this.round / (this.sh8 ? SH8_HISTOGRAM.length : 1)) + 1}`);
        this.marked = true;
      }
      this.allocOne(out, this.sizes[this.entry]!);
      if (--this.left === 0) this.nextEntry();
    }
  }

  private nextEntry(): void {
    if (this.sh8) {
      this.round++;
      // Foreign blocks are freed in bursts spread evenly over the iterations, oldest first.
      this.foreignDue = Math.floor((this.round * this.foreign) / this.rounds);
      this.entry = this.round % this.sizes.length;
      if (this.entry === 0) this.marked = false;
    } else if (++this.entry === this.sizes.length) {
      this.entry = 0;
      this.round++;
      this.marked = false;
    }
    if (this.round === this.rounds) this.ended = true;
    this.left = this.times[this.entry]!;
  }

  private foreignDue = 0;
  private ended = false;

  private allocOne(out: OpBatch, size: number): void {
    const t = this.objs;
    const id = t.nextId++;
    const p = this.mp;
    this.ids[p] = id;
    out.alloc(p, id, size, RING_BLOCK);
    t.live++;
    let mp = p + 1;
    if (mp === this.saveStart) mp = this.saveEnd;
    if (mp >= this.c) {
      // The ring is full: the next window is saved, the rest freed.
      mp = 0;
      this.saveStart = this.saveEnd >= this.c ? 0 : this.saveEnd;
      this.saveEnd = Math.min(this.c, this.saveStart + this.w);
      this.lowNext = 0;
      this.highNext = this.c - 1;
      if (mp === this.saveStart) mp = this.saveEnd;
      this.phase = RING_FREE;
    }
    this.mp = mp;
  }

  private ringFree(out: OpBatch): void {
    let p: number;
    if (this.lowNext < this.saveStart) p = this.lowNext++;
    else if (this.highNext >= this.saveEnd) p = this.highNext--;
    else {
      this.phase = RING;
      return;
    }
    this.freeAt(out, p);
  }

  private freeAt(out: OpBatch, p: number): void {
    const id = this.ids[p]!;
    if (id < 0) return;
    out.free(p, id);
    this.ids[p] = -1;
    this.objs.live--;
  }

  /** One FREE of what is left (foreign blocks due, then the residue in slot order); false when nothing is. */
  private residueStep(out: OpBatch): boolean {
    while (this.residue < this.c) {
      const p = this.residue++;
      if (this.ids[p]! >= 0) {
        this.freeAt(out, p);
        return true;
      }
    }
    return false;
  }

  protected override drainStep(out: OpBatch): boolean {
    while (this.foreignFreed < this.foreignAllocated) {
      if (out.full) return true;
      this.freeForeign(out);
    }
    while (!out.full) if (!this.residueStep(out)) return false;
    return true;
  }

  private freeForeign(out: OpBatch): void {
    const f = this.foreignFreed++;
    // Foreign ids were the first handed out.
    out.free(this.c + f, 1 + f);
    this.objs.live--;
  }
}

/** glibc-simple: for each (size, n), runs × iterations of: ALLOC n, FREE the older half oldest first, the rest newest first. */
class BatchSweep extends GeneratorBase {
  private readonly total: number;
  private readonly runs: number;
  private readonly ids = new Float64Array(BATCH_COUNTS[BATCH_COUNTS.length - 1]!).fill(-1);
  private iteration = 0;
  private k = 0;

  constructor(p: ResolvedParams) {
    super(2);
    this.total = num(p, 'batch_total');
    this.runs = num(p, 'batch_runs');
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    while (out.length <= out.capacity - 2) {
      // A phase is one (size, n) combination.
      const combo = this.phase;
      if (combo === BATCH_SIZES.length * BATCH_COUNTS.length) {
        this.done = true;
        return;
      }
      const size = BATCH_SIZES[Math.floor(combo / BATCH_COUNTS.length)]!;
      const n = BATCH_COUNTS[combo % BATCH_COUNTS.length]!;
      if (!this.phaseMarked) {
        out.mark(`batch-${size}x${n}`);
        this.phaseMarked = true;
      }
      const k = this.k;
      if (k < n) {
        const id = t.nextId++;
        this.ids[k] = id;
        out.alloc(k, id, size, BATCH_BLOCK);
        t.live++;
      } else {
        const half = n >> 1;
        const j = k - n;
        const i = j < half ? j : n - 1 - (j - half);
        out.free(i, this.ids[i]!);
        this.ids[i] = -1;
        t.live--;
      }
      if (++this.k === 2 * n) {
        this.k = 0;
        if (++this.iteration === this.runs * Math.max(1, Math.floor(this.total / n))) {
          this.iteration = 0;
          this.enter(combo + 1);
        }
      }
    }
  }

  protected override drainStep(out: OpBatch): boolean {
    // Live: the blocks of the current iteration not yet freed.
    while (this.drainSlot < this.ids.length) {
      if (out.full) return true;
      const i = this.drainSlot++;
      if (this.ids[i]! >= 0) {
        out.free(i, this.ids[i]!);
        this.ids[i] = -1;
        this.objs.live--;
      }
    }
    return false;
  }
}

export const sizeSweepWindow: WorkloadDef = {
  name: 'size-sweep-window',
  id: 'W15',
  version: 1,
  title: 'Size sweep into a ring with a saved window (sh6bench)',
  description:
    'sh6bench: sweep request sizes from 1 to 709 bytes into a ring of slots; each time the ring fills, a rotating fifth ' +
    'survives one more cycle while the slots below it are freed oldest first and those above it newest first. The live ' +
    'set swings between a fifth of the ring and all of it, and every size class is used, so retained memory is flat ' +
    'after the first cycle in every version. 2.4 sends the 257–709-byte requests (0.26 %) to the large path. sh8 uses ' +
    "sh8bench's size histogram (half the bytes on the large path); batch is glibc-simple's tiny, flat batches.",
  finite: true,
  origins: ORIGINS.names,
  params: [
    choiceParam('schedule', 'sh6', ['sh6', 'sh8', 'batch'], 'sh6bench sizes, sh8bench histogram, or glibc-simple batches.'),
    numberParam('slots', 'ring size', 10_000, 5, 100_000_000, 'Ring size C (sh8bench used 10^6).'),
    numberParam('min', 'bytes', 1, 1, 2 ** 31 - 1, 'Smallest size of the sh6 sweep.'),
    numberParam('max', 'bytes', 1000, 2, 2 ** 31 - 1, 'The sh6 sweep bases stay below max.'),
    numberParam('repeats', 'sweeps', 0, 0, MAX_COUNT, 'sh6 sweeps; 0 = as many as slots (as sh6bench).'),
    numberParam('iterations', 'histogram steps', 700_000, 1, MAX_COUNT, 'sh8 iterations, one histogram entry each.'),
    realParam('window', 'fraction saved', 0.2, 0, 1, 'Share of the ring saved for one more cycle.', { exclusiveMax: true }),
    numberParam('foreign', 'blocks', 0, 0, 100_000_000, 'sh8: 8-byte blocks allocated up front and freed in bursts over the run (sh8bench: 10^7).'),
    numberParam('batch_total', 'allocations', 2_000_000, 1, MAX_COUNT, 'batch: iterations per (size, n) = batch_total / n.'),
    numberParam('batch_runs', '', 4, 1, 1000, 'batch: runs per (size, n).'),
  ],
  check(p) {
    if (num(p, 'min') >= num(p, 'max')) throw new ParamError('min', p.min, `must be below max = ${p.max}`);
  },
  create: (p) => (str(p, 'schedule') === 'batch' ? new BatchSweep(p) : new RingSweep(p)),
};
