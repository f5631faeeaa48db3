/**
 * W12 `arena-edge-thrash` (bpo-37257) — fill exactly A arenas, then allocate and free a burst
 * of blocks M times, so each burst needs one more arena.
 *
 * O(burst) state: fill block i has slot i and id base + i; burst block b has slot fill + b.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { originTags } from '../origin-tags';
import { MAX_COUNT, MAX_LIVE, num, numberParam, nums, ParamError, type Settings } from '../params';
import type { ResolvedParams, WorkloadDef, WorkloadTarget } from '../workload';

const FILL = 0;
const LOOP = 1;
const DRAIN = 2;
const MARKS = ['fill', 'loop', 'drain'];

/** The A arenas' fill and the bursts that each need one more arena. */
const ORIGINS = originTags('fill block', 'burst block');
const { 'fill block': FILL_BLOCK, 'burst block': BURST_BLOCK } = ORIGINS.tag;

/** Geometry assumed without a target: 3.10+ (16 KiB pools, 1 MiB arenas of 63 usable pools, 16-byte classes). */
const DEFAULT_GEOMETRY = { poolSize: 16384, poolOverhead: 48, usablePools: 63, alignmentShift: 4 };

/** BA(profile, size): blocks of `size`'s class in one arena. */
export function blocksPerArena(size: number, target?: WorkloadTarget): number {
  const poolSize = target?.poolSize ?? DEFAULT_GEOMETRY.poolSize;
  const overhead = target?.poolOverhead ?? DEFAULT_GEOMETRY.poolOverhead;
  const pools = target?.usablePools ?? DEFAULT_GEOMETRY.usablePools;
  const align = 2 ** (target?.alignmentShift ?? DEFAULT_GEOMETRY.alignmentShift);
  const block = Math.ceil(size / align) * align;
  return Math.floor((poolSize - overhead) / block) * pools;
}

const SETTINGS = ['size', 'loops'] as const;

class ArenaEdgeThrash extends GeneratorBase {
  private readonly s: Settings<typeof SETTINGS>;
  private readonly fillCount: number;
  private readonly burstIds: Float64Array;
  private readonly base: number;
  private filled = 0;
  private loop = 0;
  /** Position inside a loop: 0 … burst−1 ALLOCs, burst … 2·burst−1 FREEs (LIFO). */
  private k = 0;
  private drained = 0;

  constructor(p: ResolvedParams, target?: WorkloadTarget) {
    super(2);
    this.s = nums(p, SETTINGS);
    const fill = num(p, 'fill');
    this.fillCount = fill > 0 ? fill : num(p, 'arenas') * blocksPerArena(this.s.size, target);
    if (this.fillCount + num(p, 'burst') > MAX_LIVE) {
      throw new ParamError('arenas', p.arenas, `the fill of ${this.fillCount} blocks plus the burst exceeds ${MAX_LIVE} live objects`);
    }
    this.burstIds = new Float64Array(num(p, 'burst'));
    this.base = this.objs.nextId;
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const { size, loops } = this.s;
    const burst = this.burstIds.length;
    while (out.length <= out.capacity - 2) {
      if (!this.phaseMarked) this.markPhase(out, MARKS);
      const room = out.capacity - out.length;
      if (this.phase === FILL) {
        const end = Math.min(this.fillCount, this.filled + room);
        for (let i = this.filled; i < end; i++) out.alloc(i, this.base + i, size, FILL_BLOCK);
        t.live += end - this.filled;
        this.filled = end;
        t.nextId = this.base + end;
        if (end === this.fillCount) this.enter(LOOP);
      } else if (this.phase === LOOP) {
        if (this.loop === loops) {
          this.enter(DRAIN);
          continue;
        }
        const k = this.k;
        if (k < burst) {
          const id = t.nextId++;
          this.burstIds[k] = id;
          out.alloc(this.fillCount + k, id, size, BURST_BLOCK);
          t.live++;
        } else {
          const b = 2 * burst - 1 - k;
          out.free(this.fillCount + b, this.burstIds[b]!);
          t.live--;
        }
        if (++this.k === 2 * burst) {
          this.k = 0;
          this.loop++;
        }
      } else {
        const end = Math.min(this.fillCount, this.drained + room);
        for (let i = this.drained; i < end; i++) out.free(i, this.base + i);
        t.live -= end - this.drained;
        this.drained = end;
        if (end === this.fillCount) {
          this.done = true;
          return;
        }
      }
    }
  }

  protected override drainStep(out: OpBatch): boolean {
    const t = this.objs;
    const burst = this.burstIds.length;
    // Live: fill blocks [drained, filled) and, inside a loop, the bursts allocated and not yet freed.
    const liveBurst = this.phase === LOOP ? (this.k <= burst ? this.k : 2 * burst - this.k) : 0;
    const total = this.fillCount + liveBurst;
    for (;;) {
      // Skip what is not live: a run finished early in its fill has only [drained, filled) of a
      // planned fill that may be 10^9 blocks; walking the whole plan made such a drain take seconds.
      let s = this.drainSlot;
      if (s < this.drained) s = this.drained;
      if (s >= this.filled && s < this.fillCount) s = this.fillCount;
      this.drainSlot = s;
      if (s >= total) break;
      if (out.full) return true;
      this.drainSlot = s + 1;
      if (s < this.fillCount) {
        out.free(s, this.base + s);
        t.live--;
      } else {
        out.free(s, this.burstIds[s - this.fillCount]!);
        t.live--;
      }
    }
    return false;
  }
}

export const arenaEdgeThrash: WorkloadDef = {
  name: 'arena-edge-thrash',
  id: 'W12',
  version: 1,
  title: 'Thrash at an arena boundary (bpo-37257)',
  description:
    'Fill exactly A arenas with blocks of one size, then allocate and free a burst of blocks M times: every burst needs ' +
    'an arena of its own. 2.5–3.8 allocate and release that arena on every loop; 3.9+ keeps it as the one spare empty ' +
    'arena, so there are A + 1 arena allocations instead of A + M; 2.4 adds it once and never lets it go. ' +
    'With fill = 0 the fill is A arenas of the modelled geometry.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('size', 'bytes', 16, 1, 512, 'Request size of every block.'),
    numberParam('arenas', 'A', 4, 1, 100_000, 'Arenas to fill exactly.'),
    numberParam('fill', 'blocks', 0, 0, MAX_LIVE - 1_000_000, 'Blocks of the fill; 0 = A × blocks per arena of the modelled version.'),
    numberParam('loops', 'M', 1_000_000, 1, MAX_COUNT, 'Allocate/free loops.'),
    numberParam('burst', 'blocks per loop', 1, 1, 1_000_000, 'Blocks allocated then freed (newest first) per loop.'),
  ],
  create: (p, _seed, target) => new ArenaEdgeThrash(p, target),
};
