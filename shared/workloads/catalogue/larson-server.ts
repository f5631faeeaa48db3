/**
 * W07 `larson-server` — larson single-threaded: a warm-up of random replacement over the whole
 * slot array, then T logical threads taking turns, each replacing random objects of its own
 * slice and handing its slice and generator state to a successor every rounds·chunks steps.
 *
 * Streams (prng = xoshiro): warm-up sizes from "size", the shuffle and warm-up victims from
 * "victim", thread t from "thread-t" (victim, then size, as larson draws them). With
 * prng = lran2 every draw is larson's own generator seeded with `lran2_seed`, threads seeded
 * from it in order, so the warm-up sequence matches larson's exactly.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_LIVE, num, numberParam, ParamError, str } from '../params';
import { stream, type Rng, type Seed } from '../prng';
import { Lran2 } from '../lran2';
import type { ResolvedParams, WorkloadDef } from '../workload';

const WARM_FILL = 0;
const WARM_REPLACE = 1;
const RUN = 2;
/** PHASE labels by phase: the warm-up's replacements continue its mark. */
const MARKS = ['warmup', undefined, 'run'];

/** Blocks of the warm-up (fill and random replacement over all slices) and of the threads' run. */
const ORIGINS = originTags('warm-up block', 'thread block');
const { 'warm-up block': WARM_BLOCK, 'thread block': THREAD_BLOCK } = ORIGINS.tag;

/** Either generator behind one interface: `below(n)` in [0, n). */
interface Draws {
  below(n: number): number;
}

class XoshiroDraws implements Draws {
  constructor(private readonly rng: Rng) {}
  below(n: number): number {
    return this.rng.uniformInt(n);
  }
}

/** larson's `lran2(&rgen) % n`. */
class Lran2Draws implements Draws {
  constructor(readonly gen: Lran2) {}
  below(n: number): number {
    return this.gen.next() % n;
  }
}

class LarsonServer extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly threads: number;
  private readonly chunks: number;
  private readonly handoffEvery: number;
  private readonly min: number;
  private readonly range: number;
  private readonly perTurn: number;
  private readonly warmSize: Draws;
  private readonly warmVictim: Draws;
  private readonly threadDraws: Draws[] = [];
  /** Position in larson's block array → slot. */
  private readonly arr: Int32Array;
  private readonly replacements: Float64Array;
  private k = 0;
  private thread = 0;
  private turnLeft: number;

  constructor(p: ResolvedParams, seed: Seed) {
    // A step: the run mark, a replacement, a hand-off mark.
    super(4);
    this.threads = num(p, 'threads');
    this.chunks = num(p, 'chunks');
    this.handoffEvery = num(p, 'rounds') * this.chunks;
    this.min = num(p, 'min');
    this.range = num(p, 'max') - this.min;
    this.perTurn = Math.max(1, Math.floor(num(p, 'quantum') / 2));
    this.turnLeft = this.perTurn;
    const n = this.threads * this.chunks;
    this.arr = new Int32Array(n);
    this.replacements = new Float64Array(this.threads);
    if (str(p, 'prng') === 'lran2') {
      const global = new Lran2Draws(new Lran2(num(p, 'lran2_seed')));
      this.warmSize = global;
      this.warmVictim = global;
      // Thread seeds are drawn after the warm-up, in thread order (see `startRun`).
    } else {
      this.warmSize = new XoshiroDraws(stream(seed, 'size'));
      this.warmVictim = new XoshiroDraws(stream(seed, 'victim'));
      for (let t = 0; t < this.threads; t++) this.threadDraws.push(new XoshiroDraws(stream(seed, `thread-${t}`)));
    }
  }

  private size(d: Draws): number {
    return this.range === 0 ? this.min : this.min + d.below(this.range);
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const n = this.arr.length;
    while (out.length <= out.capacity - 4) {
      if (!this.phaseMarked) this.markPhase(out, MARKS);
      switch (this.phase) {
        case WARM_FILL:
          this.arr[this.k] = t.alloc(out, this.size(this.warmSize), WARM_BLOCK);
          if (++this.k === n) {
            // "generate a random permutation of the chunks" (no allocator effect)
            for (let c = n; c > 0; c--) {
              const v = this.warmVictim.below(c);
              const tmp = this.arr[v]!;
              this.arr[v] = this.arr[c - 1]!;
              this.arr[c - 1] = tmp;
            }
            this.enter(WARM_REPLACE);
            this.k = 0;
          }
          break;
        case WARM_REPLACE:
          if (this.k === 4 * n) {
            this.startRun();
            break;
          }
          t.replace(out, this.arr[this.warmVictim.below(n)]!, this.size(this.warmSize), WARM_BLOCK);
          this.k++;
          break;
        default: {
          const th = this.thread;
          const d = this.threadDraws[th]!;
          const victim = this.arr[th * this.chunks + d.below(this.chunks)]!;
          t.replace(out, victim, this.size(d), THREAD_BLOCK);
          if (++this.replacements[th]! % this.handoffEvery === 0) out.mark(`handoff-${th}`);
          if (--this.turnLeft === 0) {
            this.turnLeft = this.perTurn;
            this.thread = th + 1 === this.threads ? 0 : th + 1;
          }
        }
      }
    }
  }

  private startRun(): void {
    if (this.threadDraws.length === 0) {
      // larson: de_area[i].seed = lran2(&rgen); lran2_init(&de_area[i].rgen, seed)
      const global = (this.warmVictim as Lran2Draws).gen;
      for (let t = 0; t < this.threads; t++) this.threadDraws.push(new Lran2Draws(new Lran2(global.next())));
    }
    this.enter(RUN);
  }
}

export const larsonServer: WorkloadDef = {
  name: 'larson-server',
  id: 'W07',
  version: 1,
  title: 'larson: server simulation',
  description:
    'The larson allocator benchmark run as T logical threads: a warm-up of random replacement over all blocks, then each ' +
    'thread replaces random blocks of its own slice with uniform sizes in [min, max), handing its slice to a successor ' +
    'now and then. The live set is constant and retained memory is flat after warm-up. With sizes 8–999 B, ' +
    'about half of the requests take the large path under 3.9+ and three quarters under 2.4, so 2.4’s pymalloc footprint is about a quarter of 3.9’s.',
  finite: false,
  origins: ORIGINS.names,
  params: [
    numberParam('threads', 'logical threads', 8, 1, 1024, 'Threads, each owning a slice of the blocks.'),
    numberParam('chunks', 'blocks per thread', 5000, 1, 10_000_000, 'Slice length.'),
    numberParam('rounds', '', 100, 1, 1e9, 'A thread hands off every rounds·chunks replacements.'),
    numberParam('min', 'bytes', 8, 1, 2 ** 31 - 1, 'Smallest request.'),
    numberParam('max', 'bytes', 1000, 1, 2 ** 31 - 1, 'Requests are below max (max = min: always min).'),
    numberParam('quantum', 'ops per turn', 1000, 2, 1e9, 'Ops per thread turn (two per replacement).'),
    choiceParam('prng', 'xoshiro', ['xoshiro', 'lran2'], "Generator: the project's streams, or larson's own lran2."),
    numberParam('lran2_seed', '', 4141, 0, 2 ** 31 - 1, "larson's seed (prng = lran2)."),
  ],
  check(p) {
    if (num(p, 'min') > num(p, 'max')) throw new ParamError('min', p.min, `must be at most max = ${p.max}`);
    if (num(p, 'threads') * num(p, 'chunks') > MAX_LIVE) {
      throw new ParamError('chunks', p.chunks, `threads·chunks must stay below ${MAX_LIVE}`);
    }
  },
  create: (p, seed) => new LarsonServer(p, seed),
};
