/**
 * W05 `pareto-lifetimes` — every allocation gets a heavy-tailed lifetime, in allocation
 * events; frees fire when due (newest first among simultaneous deaths).
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { FOREVER, LifetimeQueue } from '../core/lifetime-queue';
import { originTags } from '../origin-tags';
import { choiceParam, num, ParamError, realParam, sizesParam, str } from '../params';
import { stream, type Rng, type Seed } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef } from '../workload';

/** `couple = big-lives-longer` scales a lifetime by size / this many bytes. */
const COUPLE_REFERENCE_BYTES = 64;

/** What a block is, for the pins view: its drawn lifetime, by decade of allocation events. */
const ORIGINS = originTags('life under 100 allocations', 'life 100 to 10^4', 'life 10^4 to 10^6', 'life 10^6 or more');
const { tag } = ORIGINS;

/**
 * Sizes and lifetimes are drawn this many at a time, ahead of the step loop that uses them. Each of
 * the two streams feeds one sampler only, so drawing ahead changes nothing in the operations; a loop
 * of one sampler runs faster than the samplers inlined into the step with the live table and the
 * queue (measured: the generator 12–35 % faster, docs/benchmarks.md).
 */
const AHEAD = 512;

/** The tag of a lifetime: one per two decades. */
function lifeTag(life: number): number {
  if (life < 100) return tag['life under 100 allocations'];
  if (life < 10_000) return tag['life 100 to 10^4'];
  return life < 1_000_000 ? tag['life 10^4 to 10^6'] : tag['life 10^6 or more'];
}

class ParetoLifetimes extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly alpha: number;
  private readonly xm: number;
  private readonly cap: number;
  private readonly couple: boolean;
  private readonly sizes: SizeDist;
  private readonly sizeRng: Rng;
  private readonly lifeRng: Rng;
  private readonly queue = new LifetimeQueue();
  /** Sizes and lifetimes drawn ahead; the next to use is at `ahead` (AHEAD: none left). */
  private readonly aheadSize = new Int32Array(AHEAD);
  private readonly aheadLife = new Float64Array(AHEAD);
  private ahead = AHEAD;

  constructor(p: ResolvedParams, seed: Seed) {
    super(1);
    this.alpha = num(p, 'alpha');
    this.xm = num(p, 'xm');
    const cap = num(p, 'cap');
    this.cap = cap === 0 ? FOREVER : cap;
    this.couple = str(p, 'couple') === 'big-lives-longer';
    this.sizes = SizeDist.parse(str(p, 'sizes'));
    this.sizeRng = stream(seed, 'size');
    this.lifeRng = stream(seed, 'life');
  }

  protected produce(out: OpBatch): void {
    const q = this.queue;
    const t = this.objs;
    const sizes = this.aheadSize;
    const lives = this.aheadLife;
    while (out.length < out.capacity) {
      const due = q.pop();
      if (due >= 0) {
        t.free(out, due);
        continue;
      }
      q.advance();
      if (this.ahead === AHEAD) this.drawAhead();
      const k = this.ahead++;
      const life = lives[k]!;
      const at = out.length;
      const slot = t.alloc(out, sizes[k]!);
      out.tag(at, lifeTag(life));
      q.schedule(slot, q.now + life);
    }
  }

  /** The next AHEAD sizes, then the next AHEAD lifetimes (each stream in its own order). */
  private drawAhead(): void {
    const sizes = this.aheadSize;
    const lives = this.aheadLife;
    const dist = this.sizes;
    const sizeRng = this.sizeRng;
    for (let k = 0; k < AHEAD; k++) sizes[k] = dist.sample(sizeRng);
    const lifeRng = this.lifeRng;
    const alpha = this.alpha;
    const xm = this.xm;
    for (let k = 0; k < AHEAD; k++) {
      let life = lifeRng.paretoCeil(alpha, xm);
      if (this.couple) life = Math.ceil((life * sizes[k]!) / COUPLE_REFERENCE_BYTES);
      if (life < 1) life = 1;
      if (life > this.cap) life = this.cap;
      lives[k] = life;
    }
    this.ahead = 0;
  }
}

export const paretoLifetimes: WorkloadDef = {
  name: 'pareto-lifetimes',
  id: 'W05',
  version: 3,
  title: 'Heavy-tailed (Pareto) lifetimes',
  description:
    'Every allocation draws a Pareto lifetime in allocation events (median 2^(1/alpha) for xm = 1) and is freed when it ' +
    'is due. Most objects die young and a few live very long: for alpha < 1 the live set grows (the point of the workload) ' +
    'until the run passes cap allocations, the longest lifetime, then stays level (cap = 0: it grows for the whole run). ' +
    'Under 2.4 retained memory never falls; 3.9+ looks almost the same because a few long-lived blocks sit in every ' +
    'arena, and the fragmentation ratio creeps up as middle-aged objects leave holes.',
  finite: false,
  origins: ORIGINS.names,
  params: [
    realParam('alpha', 'tail index', 0.3, 0.1, 3, 'Pareto tail index; below 1 the live set grows until cap bounds it.'),
    realParam(
      'xm',
      'allocation events',
      1,
      1,
      1e12,
      'Pareto scale: the shortest lifetime. For alpha > 1, xm = target_live·(alpha−1)/alpha gives a stationary live set.',
    ),
    realParam(
      'cap',
      'allocation events',
      10_000_000,
      0,
      1e15,
      'Longest lifetime: past it the live set stops growing; 0 = no cap (objects outliving the run stay live).',
    ),
    sizesParam('sizes', 'py312-mix', 'Request sizes.'),
    choiceParam('couple', 'off', ['off', 'big-lives-longer'], 'big-lives-longer multiplies the lifetime by size / 64 bytes.'),
  ],
  check(p) {
    const cap = num(p, 'cap');
    if (cap !== 0 && cap < num(p, 'xm')) throw new ParamError('cap', cap, `must be 0 (no cap) or at least xm = ${p.xm}`);
  },
  create: (p, seed) => new ParetoLifetimes(p, seed),
};
