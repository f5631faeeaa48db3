/**
 * W03 `ramp-cycles` — ramp up to Lmax, plateau, ramp down to a residual trough, repeat; the
 * dominant size class may change from one cycle to the next.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { originTags } from '../origin-tags';
import { choiceParam, MAX_COUNT, MAX_LIVE, num, numberParam, realParam, sizesParam, str } from '../params';
import { chanceThreshold, type Rng, type Seed, stream } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef } from '../workload';

const UP = 0;
const FLAT = 1;
const DOWN = 2;
const TROUGH = 3;
const PHASE_NAMES = ['up', 'flat', 'down', 'trough'];

/** Indices into VICTIMS; newest (2) is the remaining case. */
const VICTIM_RANDOM = 0;
const VICTIM_OLDEST = 1;
const VICTIMS = ['random', 'oldest', 'newest'] as const;

/** The cycle's parity picks the size distribution (with the class shift: int-like odd, string-like even cycles). */
const ORIGINS = originTags('odd-cycle object', 'even-cycle object');
const { 'odd-cycle object': ODD_CYCLE, 'even-cycle object': EVEN_CYCLE } = ORIGINS.tag;

class RampCycles extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly lmax: number;
  /** Coin thresholds (chanceThreshold) of the two ramps. */
  private readonly pUp: number;
  private readonly pDown: number;
  private readonly tFlat: number;
  private readonly tTrough: number;
  private readonly troughLive: number;
  private readonly cycles: number;
  private readonly victim: number;
  /** Size distribution of odd and even cycles (the same one without class shift). */
  private readonly distOdd: SizeDist;
  private readonly distEven: SizeDist;
  private readonly sizeRng: Rng;
  private readonly victimRng: Rng;
  private readonly coinRng: Rng;
  /**
   * Live slots in allocation order, a ring: random victims are swap-removed. It grows when full:
   * the ramp down is a random walk that can climb above Lmax before it falls (with p_down = 0.25
   * it passes Lmax + k with probability 3^-k per cycle), so no size fixed from Lmax is enough.
   */
  private dq: Int32Array;
  private mask: number;
  private head = 0;
  private len = 0;
  private cycle = 1;
  private phaseOps = 0;

  constructor(p: ResolvedParams, seed: Seed) {
    super(3);
    this.lmax = num(p, 'Lmax');
    this.pUp = chanceThreshold(num(p, 'p_up'));
    this.pDown = chanceThreshold(num(p, 'p_down'));
    this.tFlat = num(p, 'T_flat');
    this.tTrough = num(p, 'T_trough');
    this.troughLive = Math.floor(num(p, 'trough') * this.lmax);
    this.cycles = num(p, 'cycles');
    this.victim = VICTIMS.indexOf(str(p, 'victim') as (typeof VICTIMS)[number]);
    const shift = str(p, 'class_shift') === 'on';
    this.distOdd = SizeDist.parse(shift ? str(p, 'sizes_odd') : str(p, 'sizes'));
    this.distEven = shift ? SizeDist.parse(str(p, 'sizes_even')) : this.distOdd;
    this.sizeRng = stream(seed, 'size');
    this.victimRng = stream(seed, 'victim');
    this.coinRng = stream(seed, 'phase');
    let cap = 1;
    while (cap < this.lmax + 1) cap *= 2;
    this.dq = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Doubles the ring, unwrapping it so that allocation order (oldest first) is kept. */
  private growRing(): void {
    const old = this.dq;
    const dq = new Int32Array(old.length * 2);
    for (let i = 0; i < this.len; i++) dq[i] = old[(this.head + i) & this.mask]!;
    this.dq = dq;
    this.mask = dq.length - 1;
    this.head = 0;
  }

  private allocOne(out: OpBatch): void {
    if (this.len > this.mask) this.growRing();
    const odd = (this.cycle & 1) === 1;
    const slot = this.objs.alloc(out, (odd ? this.distOdd : this.distEven).sample(this.sizeRng), odd ? ODD_CYCLE : EVEN_CYCLE);
    this.dq[(this.head + this.len) & this.mask] = slot;
    this.len++;
  }

  private freeVictim(out: OpBatch): void {
    const mask = this.mask;
    let slot: number;
    if (this.victim === VICTIM_RANDOM) {
      const pos = (this.head + this.victimRng.uniformInt(this.len)) & mask;
      slot = this.dq[pos]!;
      this.dq[pos] = this.dq[(this.head + this.len - 1) & mask]!;
    } else if (this.victim === VICTIM_OLDEST) {
      slot = this.dq[this.head]!;
      this.head = (this.head + 1) & mask;
    } else {
      slot = this.dq[(this.head + this.len - 1) & mask]!;
    }
    this.len--;
    this.objs.free(out, slot);
  }

  protected produce(out: OpBatch): void {
    const limit = out.capacity - 3;
    while (out.length <= limit) {
      if (!this.phaseMarked) {
        out.mark(`${PHASE_NAMES[this.phase]}-${this.cycle}`);
        this.phaseMarked = true;
      }
      switch (this.phase) {
        case UP:
          if (this.len >= this.lmax) {
            this.next(FLAT);
            break;
          }
          if (this.coinRng.chance(this.pUp)) this.allocOne(out);
          else if (this.len > 0) this.freeVictim(out);
          break;
        case DOWN:
          if (this.len <= this.troughLive) {
            this.next(TROUGH);
            break;
          }
          if (this.coinRng.chance(this.pDown)) this.allocOne(out);
          else this.freeVictim(out);
          break;
        default: {
          const budget = this.phase === FLAT ? this.tFlat : this.tTrough;
          if (this.phaseOps >= budget) {
            if (this.phase === FLAT) this.next(DOWN);
            else if (this.cycle === this.cycles) {
              this.done = true;
              return;
            } else {
              this.cycle++;
              this.next(UP);
            }
            break;
          }
          // A replacement: FREE a victim, ALLOC a new object (with nothing live: a temporary).
          if (this.len > 0) {
            this.freeVictim(out);
            this.allocOne(out);
          } else {
            this.allocOne(out);
            this.freeVictim(out);
          }
          this.phaseOps += 2;
        }
      }
    }
  }

  private next(phase: number): void {
    this.enter(phase);
    this.phaseOps = 0;
  }
}

export const rampCycles: WorkloadDef = {
  name: 'ramp-cycles',
  id: 'W03',
  version: 2,
  title: 'Load cycles: ramp up, plateau, ramp down to a trough',
  description:
    'Each cycle ramps the live set up to Lmax, holds it, ramps down to a small residual and holds that; with the class ' +
    'shift on, odd cycles allocate int-like 32-byte objects and even cycles string-like 57–120-byte ones. Under 2.4 ' +
    'retained memory is the running maximum, and with the shift it steps up again in cycle 2. Under 3.9+ oldest/newest ' +
    'victims let arenas go during the ramp down; random victims keep them until the trough, and a non-zero trough pins them so ' +
    'the class shift stacks exactly as in 2.4.',
  finite: true,
  origins: ORIGINS.names,
  params: [
    numberParam('Lmax', 'objects', 2_000_000, 10, MAX_LIVE, 'Live objects at the top of each ramp.'),
    realParam('p_up', '', 0.75, 0.5, 1, 'Probability an op of the ramp up is an ALLOC (else a FREE).', { exclusiveMin: true }),
    realParam('p_down', '', 0.25, 0, 0.5, 'Probability an op of the ramp down is an ALLOC.', { exclusiveMax: true }),
    numberParam('T_flat', 'ops', 2_000_000, 0, MAX_COUNT, 'Replacement ops at the plateau.'),
    numberParam('T_trough', 'ops', 1_000_000, 0, MAX_COUNT, 'Replacement ops in the trough.'),
    realParam('trough', 'fraction of Lmax', 0.01, 0, 1, 'The ramp down stops at this share of Lmax.'),
    numberParam('cycles', '', 10, 1, MAX_COUNT, 'Number of cycles.'),
    choiceParam('victim', 'random', VICTIMS, 'Which object a FREE takes: uniform over live, oldest, newest.'),
    choiceParam('class_shift', 'on', ['on', 'off'], 'Alternate the size distribution between odd and even cycles.'),
    sizesParam('sizes_odd', 'const(32)', 'Sizes of odd cycles with the class shift on (int-like).'),
    sizesParam('sizes_even', 'uniform(57, 120)', 'Sizes of even cycles with the class shift on (string-like).'),
    sizesParam('sizes', 'py312-mix', 'Sizes of every cycle with the class shift off.'),
  ],
  create: (p, seed) => new RampCycles(p, seed),
};
