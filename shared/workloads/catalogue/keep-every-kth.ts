/**
 * W04 `keep-every-kth` — fill N blocks, free all but every k-th, churn another class, then
 * free the survivors. State O(hold_live): block i has slot i and id 1 + i; hold object h has
 * slot N + h.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { originTags } from '../origin-tags';
import { MAX_COUNT, MAX_LIVE, num, numberParam, nums, ParamError, type Settings } from '../params';
import { stream, type Rng, type Seed } from '../prng';
import type { ResolvedParams, WorkloadDef } from '../workload';

const FILL = 0;
const THIN = 1;
const HOLD_FILL = 2;
const HOLD_CHURN = 3;
const RELEASE_SURVIVORS = 4;
const RELEASE_HOLD = 5;
/** PHASE labels by phase; the hold churn and the hold release continue the phase before them. */
const MARKS = ['fill', 'thin', 'hold', undefined, 'release', undefined];

/** A fill block is born kept (i mod k = offset) or to be thinned: the tag says which at its ALLOC. */
const ORIGINS = originTags('kept block', 'thinned block', 'hold object');
const { 'kept block': KEPT, 'thinned block': THINNED, 'hold object': HOLD } = ORIGINS.tag;

const SETTINGS = ['N', 'size', 'k', 'offset', 'hold_size', 'hold_live', 'hold_ops'] as const;

class KeepEveryKth extends GeneratorBase {
  private readonly s: Settings<typeof SETTINGS>;
  private readonly victimRng: Rng;
  private readonly holdIds: Float64Array;
  private readonly base: number;
  /** Blocks allocated by the fill. */
  private filled = 0;
  /** Every block below this index that is not a survivor has been freed. */
  private thinned = 0;
  /** Survivors below this index have been freed (release). */
  private released = 0;
  private holdAllocated = 0;
  private holdFreed = 0;
  private holdDone = 0;

  constructor(p: ResolvedParams, seed: Seed) {
    super(3);
    this.s = nums(p, SETTINGS);
    this.victimRng = stream(seed, 'victim');
    this.holdIds = new Float64Array(this.s.hold_live);
    this.base = this.objs.nextId;
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const s = this.s;
    while (out.length <= out.capacity - 3) {
      if (!this.phaseMarked) this.markPhase(out, MARKS);
      const room = out.capacity - out.length;
      switch (this.phase) {
        case FILL: {
          const end = Math.min(s.N, this.filled + room);
          const { k, offset, size } = s;
          let r = this.filled % k;
          for (let i = this.filled; i < end; i++) {
            out.alloc(i, this.base + i, size, r === offset ? KEPT : THINNED);
            if (++r === k) r = 0;
          }
          t.live += end - this.filled;
          t.nextId = this.base + end;
          this.filled = end;
          if (end === s.N) this.enter(THIN);
          break;
        }
        case THIN: {
          // Up to `room` frees, in allocation order, skipping i ≡ offset (mod k).
          const { N: n, k, offset } = s;
          let i = this.thinned;
          let r = i % k;
          let written = 0;
          while (i < n && written < room) {
            if (r !== offset) {
              out.free(i, this.base + i);
              written++;
            }
            i++;
            if (++r === k) r = 0;
          }
          t.live -= written;
          this.thinned = i;
          if (i === s.N) this.enter(s.hold_live > 0 ? HOLD_FILL : RELEASE_SURVIVORS);
          break;
        }
        case HOLD_FILL: {
          const h = this.holdAllocated++;
          this.holdIds[h] = t.nextId;
          out.alloc(s.N + h, t.nextId++, s.hold_size, HOLD);
          t.live++;
          if (this.holdAllocated === s.hold_live) this.enter(HOLD_CHURN);
          break;
        }
        case HOLD_CHURN: {
          if (this.holdDone >= s.hold_ops) {
            this.enter(RELEASE_SURVIVORS);
            break;
          }
          const h = this.victimRng.uniformInt(s.hold_live);
          out.free(s.N + h, this.holdIds[h]!);
          this.holdIds[h] = t.nextId;
          out.alloc(s.N + h, t.nextId++, s.hold_size, HOLD);
          this.holdDone += 2;
          break;
        }
        case RELEASE_SURVIVORS: {
          let i = this.released;
          if (i < s.N) {
            if (i % s.k !== s.offset) i += (s.offset - (i % s.k) + s.k) % s.k;
          }
          if (i >= s.N) {
            this.released = s.N;
            this.enter(RELEASE_HOLD);
            break;
          }
          out.free(i, this.base + i);
          t.live--;
          this.released = i + 1;
          break;
        }
        default: {
          if (this.holdFreed === this.holdAllocated) {
            this.done = true;
            return;
          }
          const h = this.holdFreed++;
          out.free(s.N + h, this.holdIds[h]!);
          t.live--;
        }
      }
    }
  }

  /** Whether block i (i < N) is live. */
  private blockLive(i: number): boolean {
    const s = this.s;
    if (i >= this.filled) return false;
    const survivor = i % s.k === s.offset;
    if (!survivor) return i >= this.thinned;
    return i >= this.released;
  }

  protected override drainStep(out: OpBatch): boolean {
    const t = this.objs;
    const n = this.s.N;
    const total = n + this.s.hold_live;
    while (this.drainSlot < total) {
      if (out.full) return true;
      const slot = this.drainSlot++;
      if (slot < n) {
        if (this.blockLive(slot)) {
          out.free(slot, this.base + slot);
          t.live--;
        }
      } else {
        const h = slot - n;
        if (h < this.holdAllocated && h >= this.holdFreed) {
          out.free(slot, this.holdIds[h]!);
          t.live--;
        }
      }
    }
    return false;
  }
}

export const keepEveryKth: WorkloadDef = {
  name: 'keep-every-kth',
  id: 'W04',
  version: 1,
  title: 'Keep every k-th block: fragmentation pinning',
  description:
    'Allocate N blocks, free all but every k-th, churn a second size class for a while, then free the survivors. ' +
    'While k is at most the blocks per pool, every pool keeps a survivor and the second class needs fresh pools in every ' +
    'version. Up to the blocks per arena, pools empty but every arena is pinned, so nothing is released. Beyond that, ' +
    '3.9+ releases all but about N/k arenas while 2.4 releases nothing; 1 MiB arenas (3.10+) move the knee four times further right.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('N', 'blocks', 10_485_760, 1, MAX_LIVE - 1_000_000, 'Blocks of the fill.'),
    numberParam('size', 'bytes', 16, 1, 512, 'Request size of the fill blocks.'),
    numberParam('k', '', 1000, 2, MAX_LIVE, 'Keep every k-th block (sweep 2, 16, 256, 1000, 4096, 16 192, 65 536, 10^5, 10^6).'),
    numberParam('offset', 'index', 0, 0, MAX_LIVE, 'Survivors are the blocks i with i mod k = offset.'),
    numberParam('hold_size', 'bytes', 48, 1, 2 ** 31 - 1, 'Request size of the second class.'),
    numberParam('hold_live', 'objects', 100_000, 0, 1_000_000, 'Live objects of the second class.'),
    numberParam('hold_ops', 'ops', 10_000_000, 0, MAX_COUNT, 'Ops of uniform replacement among them.'),
  ],
  check(p) {
    if (num(p, 'k') > num(p, 'N')) throw new ParamError('k', p.k, `must be at most N = ${p.N}`);
    if (num(p, 'offset') >= num(p, 'k')) throw new ParamError('offset', p.offset, `must be below k = ${p.k}`);
  },
  create: (p, seed) => new KeepEveryKth(p, seed),
};
