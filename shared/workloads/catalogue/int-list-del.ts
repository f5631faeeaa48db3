/**
 * W11 `int-list-del` — build a list of N ints (item-array growth by REALLOC), optionally keep
 * every s-th int in a second list, `del` the first list, later `del` the second.
 *
 * O(1) state: int i has slot i and an id computed from i; the list objects follow at slots
 * N … N+4, and 2.x int blocks (int_mode py2) at N+5+j.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { LAYOUT_CHOICES, listGrowTo, resolveLayout } from '../core/python-layout';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_COUNT, MAX_LIVE, num, numberParam, nums, ParamError, str, type Settings } from '../params';
import type { ResolvedParams, WorkloadDef, WorkloadTarget } from '../workload';

/** 2.x ints live in private 1000-byte blocks of 41 ints each, from libc, never freed (§2.1). */
const PY2_BLOCK_BYTES = 1000;
const PY2_INTS_PER_BLOCK = 41;

/** The ints (every stride-th kept in the second list), the two lists and their item arrays, the loop counter. */
const ORIGINS = originTags('int', 'kept int', 'list', 'list item array', 'kept list', 'kept list item array', 'loop counter int', 'py2 int block');
const O = ORIGINS.tag;
/** Tag of extra object k (slot N + k): the list, its item array, the second list, its item array, the counter. */
const EXTRA_ORIGINS = [O['list'], O['list item array'], O['kept list'], O['kept list item array'], O['loop counter int']];

const BUILD = 0;
const KEEP = 1;
const DEL = 2;
const HOLD = 3;
const DEL_KEEP = 4;
const MARKS = ['build', 'keep', 'del', 'hold', 'del-keep'];

const SETTINGS = ['N', 'stride', 'hold'] as const;

class IntListDel extends GeneratorBase {
  private readonly s: Settings<typeof SETTINGS>;
  private readonly intSize: number;
  private readonly py2: boolean;
  private readonly growth: '3.9+' | '3.8-';
  private readonly listSize: number;
  private readonly base: number;
  private built = 0;
  private cap = 0;
  private blocks = 0;
  /** DEL / DEL_KEEP walk down from N−1: every index above `pos` has been handled. */
  private pos = 0;
  private holdOps = 0;
  // Objects outside the int range: live flags and ids.
  private readonly extraIds = new Float64Array(5);
  private readonly extraLive = new Uint8Array(5);

  constructor(p: ResolvedParams, target?: WorkloadTarget) {
    super(3);
    const layout = resolveLayout(str(p, 'python'), target);
    this.s = nums(p, SETTINGS);
    const intSize = num(p, 'int_size');
    this.intSize = intSize > 0 ? intSize : layout.int;
    this.py2 = str(p, 'int_mode') === 'py2';
    const growth = str(p, 'growth');
    this.growth = growth === 'auto' ? layout.listGrowth : growth === '3.9+' ? '3.9+' : '3.8-';
    this.listSize = layout.list;
    this.base = this.objs.nextId;
  }

  /** Id of int i (pymalloc) or of 2.x block i (py2): the list is base, the item array base + 2. */
  private idOf(i: number): number {
    return i === 0 ? this.base + 1 : this.base + 2 + i;
  }

  private allocExtra(out: OpBatch, k: number, size: number): void {
    const t = this.objs;
    const id = t.nextId++;
    this.extraIds[k] = id;
    this.extraLive[k] = 1;
    t.live++;
    out.alloc(this.s.N + k, id, size, EXTRA_ORIGINS[k]!);
  }

  private freeExtra(out: OpBatch, k: number): void {
    out.free(this.s.N + k, this.extraIds[k]!);
    this.extraLive[k] = 0;
    this.objs.live--;
  }

  private isSurvivor(i: number): boolean {
    return this.s.stride > 0 && i % this.s.stride === 0;
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    while (out.length <= out.capacity - 3) {
      switch (this.phase) {
        case BUILD: {
          if (!this.phaseMarked) {
            this.markPhase(out, MARKS);
            this.allocExtra(out, 0, this.listSize);
            break;
          }
          const i = this.built;
          // One int (or its 2.x block) and the append; the item array id is reserved at base + 2.
          if (this.py2) {
            if (i % PY2_INTS_PER_BLOCK === 0) {
              const j = this.blocks++;
              out.alloc(this.s.N + 5 + j, this.idOf(j), PY2_BLOCK_BYTES, O['py2 int block']);
              t.live++;
            }
          } else {
            out.alloc(i, this.idOf(i), this.intSize, this.isSurvivor(i) ? O['kept int'] : O['int']);
            t.live++;
          }
          const len = i + 1;
          if (len > this.cap) {
            const cap = listGrowTo(this.growth, len, this.cap);
            if (this.cap === 0) {
              this.extraIds[1] = this.base + 2;
              this.extraLive[1] = 1;
              t.live++;
              out.alloc(this.s.N + 1, this.base + 2, 8 * cap, O['list item array']);
            } else out.realloc(this.s.N + 1, this.extraIds[1]!, 8 * cap);
            this.cap = cap;
          }
          this.built = len;
          t.nextId = this.base + 3 + (this.py2 ? this.blocks - 1 : i);
          if (len === this.s.N) this.next(this.s.stride > 0 ? KEEP : DEL);
          break;
        }
        case KEEP:
          if (!this.phaseMarked) {
            this.markPhase(out, MARKS);
            this.allocExtra(out, 2, this.listSize);
            break;
          }
          this.allocExtra(out, 3, 8 * Math.ceil(this.s.N / this.s.stride));
          this.next(DEL);
          break;
        case DEL:
          if (this.delStep(out, false, 0)) {
            this.next(this.s.stride > 0 ? HOLD : -1);
            if (this.phase < 0) {
              this.done = true;
              return;
            }
          }
          break;
        case HOLD:
          if (!this.phaseMarked) this.markPhase(out, MARKS);
          if (this.holdOps >= this.s.hold) {
            this.next(DEL_KEEP);
            break;
          }
          // The program keeps running: a loop counter's int is made and dropped.
          this.allocExtra(out, 4, this.intSize);
          this.freeExtra(out, 4);
          this.holdOps += 2;
          break;
        default:
          if (this.delStep(out, true, 2)) {
            this.done = true;
            return;
          }
      }
    }
  }

  /**
   * One step of a `del`: of the first list (its non-survivors) or of the second (the survivors),
   * the list object being extra object `list` and its item array `list + 1`. Frees its ints from
   * the last down, then the item array, then the list; true once the list is freed.
   */
  private delStep(out: OpBatch, survivors: boolean, list: number): boolean {
    if (!this.phaseMarked) this.markPhase(out, MARKS);
    if (this.pos >= 0) this.freeIntsDown(out, survivors);
    else if (this.extraLive[list + 1]) this.freeExtra(out, list + 1);
    else {
      this.freeExtra(out, list);
      return true;
    }
    return false;
  }

  /** Up to a batch's room of FREEs walking down from `pos`: non-survivors (del L) or survivors (del keep). */
  private freeIntsDown(out: OpBatch, survivors: boolean): void {
    const t = this.objs;
    if (this.py2) {
      // 2.x ints never return to any allocator.
      this.pos = -1;
      return;
    }
    let i = this.pos;
    const room = out.capacity - out.length;
    let written = 0;
    while (i >= 0 && written < room) {
      if (this.isSurvivor(i) === survivors) {
        out.free(i, this.idOf(i));
        written++;
      }
      i--;
    }
    t.live -= written;
    this.pos = i;
  }

  private next(phase: number): void {
    this.enter(phase);
    this.pos = this.s.N - 1;
  }

  /** Whether int i is live (pymalloc mode). */
  private intLive(i: number): boolean {
    if (this.py2 || i >= this.built) return false;
    const survivor = this.isSurvivor(i);
    if (this.phase === DEL) return survivor || i <= this.pos;
    if (this.phase === HOLD) return survivor;
    if (this.phase === DEL_KEEP) return survivor && i <= this.pos;
    return true;
  }

  protected override drainStep(out: OpBatch): boolean {
    const t = this.objs;
    const total = this.s.N + 5 + this.blocks;
    while (this.drainSlot < total) {
      if (out.full) return true;
      const s = this.drainSlot++;
      if (s < this.s.N) {
        if (this.intLive(s)) {
          out.free(s, this.idOf(s));
          t.live--;
        }
      } else if (s < this.s.N + 5) {
        if (this.extraLive[s - this.s.N]) this.freeExtra(out, s - this.s.N);
      } else {
        out.free(s, this.idOf(s - this.s.N - 5));
        t.live--;
      }
    }
    return false;
  }
}

export const intListDel: WorkloadDef = {
  name: 'int-list-del',
  id: 'W11',
  version: 1,
  title: 'A large list of ints, then del',
  description:
    'Build a list of N ints, growing its item array by realloc; optionally keep every s-th int in a second list; del ' +
    'the first list from the last int to the first; after a while del the second. In 3.x the ints are ordinary blocks: ' +
    'with no survivors 3.9+ gives everything back at del (keeping one arena), with every 1000th kept only the item ' +
    'array comes back until the second del. int_mode py2 models 2.x ints, which live in private blocks that are never ' +
    'freed, so memory stays high after del whatever happens; under 2.4 pymalloc ints (the counterfactual) also stay at the peak.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('N', 'ints', 10_000_000, 1, MAX_LIVE - 1_000_000, 'Length of the list.'),
    numberParam('int_size', 'bytes', 0, 0, 1024, 'Request of one int; 0 = from the layout (32 in 3.11+, 28 before).'),
    choiceParam('int_mode', 'pymalloc', ['pymalloc', 'py2'], 'py2: one 1000-byte large-path block per 41 ints, never freed (2.x private int blocks).'),
    choiceParam('growth', 'auto', ['auto', '3.9+', '3.8-'], 'List capacity rule: auto follows the layout.'),
    numberParam('stride', 'ints', 0, 0, MAX_LIVE, 'Keep every stride-th int in a second list (0 = none; otherwise ≥ 2).'),
    numberParam('hold', 'ops', 0, 0, MAX_COUNT, 'Ops between the two dels (an int made and dropped per two ops).'),
    choiceParam('python', 'auto', LAYOUT_CHOICES, 'Object layout: auto follows the modelled version.'),
  ],
  check(p) {
    if (num(p, 'stride') === 1) throw new ParamError('stride', 1, 'must be 0 (no survivors) or at least 2');
  },
  create: (p, _seed, target) => new IntListDel(p, target),
};
