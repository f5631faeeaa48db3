/**
 * W01 `seed-16b-fill-free` — allocate N blocks of one size, then free them all in a chosen
 * order (the 2009 scenario). O(1) state: object i of a round has slot i and id base + i.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_COUNT, MAX_LIVE, num, numberParam, ParamError, str } from '../params';
import { Permutation } from '../permutation';
import { stream, type Rng, type Seed } from '../prng';
import type { ResolvedParams, WorkloadDef } from '../workload';

const ORDERS = ['fifo', 'lifo', 'random', 'strided'] as const;

/** Every block is a fill block: one tag, so the pins view names them. */
const ORIGINS = originTags('fill block');
const FILL_BLOCK = ORIGINS.tag['fill block'];

const PHASE_FILL = 0;
const PHASE_FREE = 1;

class SeedFillFree extends GeneratorBase {
  private n: number;
  private readonly size: number;
  private order: string;
  private readonly step: number;
  private readonly rounds: number;
  private readonly orderRng: Rng;
  private perm: Permutation | null = null;
  private round = 0;
  /** Fill: next index to allocate. Free: frees written so far (j). */
  private i = 0;
  /** Strided: σ(j) kept incrementally, (j·stride) mod N without overflow. */
  private strided = 0;
  private base = 0;

  constructor(p: ResolvedParams, seed: Seed) {
    super(2);
    this.n = num(p, 'N');
    this.size = num(p, 'size');
    this.order = str(p, 'order');
    this.step = num(p, 'stride') % this.n;
    this.rounds = num(p, 'repeat');
    this.orderRng = stream(seed, 'order');
    this.base = this.objs.nextId;
  }

  protected produce(out: OpBatch): void {
    const n = this.n;
    while (out.capacity - out.length >= 2) {
      if (this.phase === PHASE_FILL) {
        if (!this.phaseMarked) {
          out.mark(this.rounds > 1 ? `fill-${this.round + 1}` : 'fill');
          this.phaseMarked = true;
        }
        // Hot loop: as many ALLOCs as fit.
        const room = out.capacity - out.length;
        const end = Math.min(n, this.i + room);
        const size = this.size;
        const base = this.base;
        for (let i = this.i; i < end; i++) out.alloc(i, base + i, size, FILL_BLOCK);
        this.objs.live += end - this.i;
        this.objs.nextId = base + end;
        this.i = end;
        if (this.i === n) {
          this.enter(PHASE_FREE);
          this.i = 0;
          this.strided = 0;
          if (this.order === 'random') this.perm = new Permutation(n, this.orderRng);
        }
        continue;
      }
      if (!this.phaseMarked) {
        out.mark(this.rounds > 1 ? `free-${this.round + 1}` : 'free');
        this.phaseMarked = true;
      }
      const room = out.capacity - out.length;
      const end = Math.min(n, this.i + room);
      this.freeRange(out, this.i, end);
      this.objs.live -= end - this.i;
      this.i = end;
      if (this.i === n) {
        this.round++;
        if (this.round === this.rounds) {
          this.done = true;
          return;
        }
        this.enter(PHASE_FILL);
        this.i = 0;
        this.base = this.objs.nextId;
      }
    }
  }

  /** FREE σ(j) for j in [from, to). */
  private freeRange(out: OpBatch, from: number, to: number): void {
    const n = this.n;
    const base = this.base;
    switch (this.order) {
      case 'fifo':
        for (let j = from; j < to; j++) out.free(j, base + j);
        return;
      case 'lifo':
        for (let j = from; j < to; j++) out.free(n - 1 - j, base + n - 1 - j);
        return;
      case 'random': {
        const perm = this.perm!;
        for (let j = from; j < to; j++) {
          const i = perm.map(j);
          out.free(i, base + i);
        }
        return;
      }
      default: {
        let s = this.strided;
        const step = this.step;
        for (let j = from; j < to; j++) {
          out.free(s, base + s);
          s += step;
          if (s >= n) s -= n;
        }
        this.strided = s;
      }
    }
  }

  protected override drainStep(out: OpBatch): boolean {
    if (this.phase === PHASE_FILL) {
      // Interrupted fill: free what was allocated, oldest first.
      this.phase = PHASE_FREE;
      this.order = 'fifo';
      this.n = this.i;
      this.i = 0;
    }
    const room = out.capacity - out.length;
    const end = Math.min(this.n, this.i + room);
    this.freeRange(out, this.i, end);
    this.objs.live -= end - this.i;
    this.i = end;
    return this.i < this.n;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export const seed16bFillFree: WorkloadDef = {
  name: 'seed-16b-fill-free',
  id: 'W01',
  version: 1,
  title: 'Fill with N small blocks, then free them all',
  description:
    'The 2009 "Python never gives memory back" scenario: allocate N blocks of one size (16 bytes by default), ' +
    'then free all of them in FIFO, LIFO, random or strided order. Under 2.4 nothing is returned whatever the order; ' +
    'under 3.9+ FIFO/LIFO frees return arenas one by one down to a single kept arena, while random or strided frees ' +
    'keep every arena until the very end.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('N', 'blocks', 10_485_760, 1, MAX_LIVE, 'Blocks allocated per round.'),
    numberParam('size', 'bytes', 16, 1, 4096, 'Request size of every block.'),
    choiceParam('order', 'fifo', ORDERS, 'Free order: allocation order, reverse, a seeded permutation, or (j·stride) mod N.'),
    numberParam('stride', '', 1_000_003, 1, MAX_COUNT, 'Step of the strided order; must be coprime with N.'),
    numberParam('repeat', 'rounds', 1, 1, 1000, 'Fill/free rounds (each with new ids).'),
  ],
  check(p) {
    if (p.order === 'strided' && gcd(num(p, 'stride') % num(p, 'N'), num(p, 'N')) !== 1 && num(p, 'N') > 1) {
      throw new ParamError('stride', p.stride, `must be coprime with N = ${p.N} for the strided order to free every block`);
    }
  },
  create: (p, seed) => new SeedFillFree(p, seed),
};
