/**
 * W13 `interpreter-mix` — a CPython-like stream: measured request sizes, a four-part lifetime
 * mixture (immediate, short, medium, long), reallocs of recent objects, an import phase rich in
 * permanent objects, and phase boundaries that free every object scoped to them, newest first.
 *
 * Steady state by default: only the import makes permanent objects; a long-lived object made later
 * dies at the end of its phase or of one of the next LONG_PHASES − 1, so the live set is bounded.
 * A leak is modelled only on request (`leak_rate`).
 *
 * Streams: "size" (sizes, realloc factors), "life" (lifetime categories and lengths), "victim"
 * (which recent object a REALLOC takes). Lifetimes count ALLOCs; phases count ops.
 */
import type { OpBatch } from '../../ops/op-batch';
import { GeneratorBase } from '../core/generator-base';
import { LifetimeQueue } from '../core/lifetime-queue';
import { growInt32 } from '../core/live-table';
import { LogUniform } from '../core/log-uniform';
import { originTags } from '../origin-tags';
import { MAX_COUNT, num, numberParam, ParamError, realParam, sizesParam, str } from '../params';
import { chanceThreshold, type Rng, type Seed, stream } from '../prng';
import { SizeDist } from '../sizes';
import type { ResolvedParams, WorkloadDef } from '../workload';

/** Lifetime mixture during import (§3 W13): immediate, short, medium, long. */
const IMPORT_WEIGHTS = [0.2, 0.1, 0.1, 0.6] as const;
/** A REALLOC takes one of this many most recently allocated live objects. */
const RECENT = 64;
/** A long-lived object dies at the end of its phase or of one of the next LONG_PHASES − 1 phases. */
const LONG_PHASES = 16;

/**
 * What the generator models of an object is its lifetime category (its sizes come from one measured
 * distribution, not from object types), so that is its tag: drawn right after the ALLOC, in the same
 * step, and written onto it (OpBatch.tag).
 */
const ORIGINS = originTags('immediate', 'short-lived', 'medium-lived', 'phase-scoped', 'permanent (import)', 'leaked');
const O = ORIGINS.tag;

class InterpreterMix extends GeneratorBase {
  // Every operation goes through the live table, which checks it (GeneratorBase).
  override readonly checked = true;
  private readonly sizes: SizeDist;
  private readonly sizeRng: Rng;
  private readonly lifeRng: Rng;
  private readonly victimRng: Rng;
  /** Cumulative category thresholds on a draw's high word, [normal ×3, import ×3] (the fourth category takes the rest). */
  private readonly cum = new Float64Array(6);
  private readonly immediateMean: number;
  private readonly shortLife: LogUniform;
  private readonly mediumLife: LogUniform;
  private readonly pPhaseEnd: number;
  private readonly leakRate: number;
  private readonly reallocRate: number;
  private readonly factorMin: number;
  private readonly factorSpan: number;
  private readonly reallocCap: number;
  private readonly importOps: number;
  private readonly phaseLen: number;
  private readonly queue = new LifetimeQueue();
  private readonly recentSlot = new Int32Array(RECENT);
  private readonly recentId = new Float64Array(RECENT).fill(-1);
  private recentPos = 0;
  /**
   * Objects that die at the end of a phase, oldest first: the list of phase `n` is
   * `phaseObjs[n % LONG_PHASES]` (its first `phaseCount[…]` entries).
   */
  private readonly phaseObjs = Array.from({ length: LONG_PHASES }, () => new Int32Array(0));
  private readonly phaseCount = new Int32Array(LONG_PHASES);
  private ops = 0;
  private nextBoundary: number;
  private flushing = false;
  private importing: boolean;
  private started = false;

  constructor(p: ResolvedParams, seed: Seed) {
    // An iteration writes at most: start, import-end and phase marks, an ALLOC and a REALLOC.
    super(5, true);
    this.sizes = SizeDist.parse(str(p, 'sizes'));
    this.sizeRng = stream(seed, 'size');
    this.lifeRng = stream(seed, 'life');
    this.victimRng = stream(seed, 'victim');
    const w = [num(p, 'w_immediate'), num(p, 'w_short'), num(p, 'w_medium'), num(p, 'w_long')];
    const total = w[0]! + w[1]! + w[2]! + w[3]!;
    this.cum[0] = chanceThreshold(w[0]! / total);
    this.cum[1] = chanceThreshold((w[0]! + w[1]!) / total);
    this.cum[2] = chanceThreshold((w[0]! + w[1]! + w[2]!) / total);
    this.cum[3] = chanceThreshold(IMPORT_WEIGHTS[0]);
    this.cum[4] = chanceThreshold(IMPORT_WEIGHTS[0] + IMPORT_WEIGHTS[1]);
    this.cum[5] = chanceThreshold(IMPORT_WEIGHTS[0] + IMPORT_WEIGHTS[1] + IMPORT_WEIGHTS[2]);
    this.immediateMean = num(p, 'immediate_mean');
    this.shortLife = new LogUniform(p, 'short_min', 'short_max');
    this.mediumLife = new LogUniform(p, 'medium_min', 'medium_max');
    this.pPhaseEnd = chanceThreshold(num(p, 'p_phase_end'));
    this.leakRate = chanceThreshold(num(p, 'leak_rate'));
    this.reallocRate = chanceThreshold(num(p, 'realloc_rate'));
    this.factorMin = num(p, 'realloc_min_factor');
    this.factorSpan = num(p, 'realloc_max_factor') - this.factorMin;
    this.reallocCap = num(p, 'realloc_cap');
    this.phaseLen = num(p, 'phase_len');
    this.importOps = Math.floor(num(p, 'import_frac') * this.phaseLen);
    this.importing = this.importOps > 0;
    this.nextBoundary = this.phaseLen;
    // The modelled program's phases count from 1, as their marks do.
    this.phase = 1;
  }

  protected produce(out: OpBatch): void {
    const t = this.objs;
    const q = this.queue;
    while (out.capacity - out.length >= 5) {
      if (!this.started) {
        out.mark(this.importing ? 'import' : 'phase-1');
        this.started = true;
      }
      if (this.flushing) {
        const k = this.phase % LONG_PHASES;
        if (this.phaseCount[k]! > 0) {
          t.free(out, this.phaseObjs[k]![--this.phaseCount[k]!]!);
          this.ops++;
          continue;
        }
        this.flushing = false;
        this.phase++;
        this.nextBoundary = this.ops + this.phaseLen;
        out.mark(`phase-${this.phase}`);
      }
      const due = q.pop();
      if (due >= 0) {
        t.free(out, due);
        this.ops++;
        continue;
      }
      if (this.ops >= this.nextBoundary) {
        this.flushing = true;
        continue;
      }
      if (this.importing && this.ops >= this.importOps) {
        this.importing = false;
        out.mark('phase-1');
      }
      this.allocOne(out);
    }
  }

  private allocOne(out: OpBatch): void {
    const t = this.objs;
    const q = this.queue;
    const life = this.lifeRng;
    q.advance();
    const at = out.length;
    const slot = t.alloc(out, this.sizes.sample(this.sizeRng));
    this.ops++;
    const r = this.recentPos;
    this.recentSlot[r] = slot;
    this.recentId[r] = t.ids[slot]!;
    this.recentPos = r + 1 === RECENT ? 0 : r + 1;
    // One draw: its high word picks the category, its low word the REALLOC coin.
    const u = life.nextHi();
    const reallocNow = life.lo < this.reallocRate;
    const c = this.importing ? 3 : 0;
    // The leak coin is drawn only when a leak is asked for, so leak_rate = 0 costs nothing.
    if (!this.importing && this.leakRate > 0 && life.chance(this.leakRate)) {
      // A leaked object: it lives forever.
      out.tag(at, O['leaked']);
    } else if (u < this.cum[c]!) {
      q.schedule(slot, q.now + life.geometric(this.immediateMean));
      out.tag(at, O['immediate']);
    } else if (u < this.cum[c + 1]!) {
      q.schedule(slot, q.now + this.shortLife.draw(life));
      out.tag(at, O['short-lived']);
    } else if (u < this.cum[c + 2]!) {
      q.schedule(slot, q.now + this.mediumLife.draw(life));
      out.tag(at, O['medium-lived']);
    } else if (!this.importing) {
      this.scopeToPhase(slot);
      out.tag(at, O['phase-scoped']);
    } else {
      // A long-lived object of the import is permanent (modules, classes, interned strings).
      out.tag(at, O['permanent (import)']);
    }
    if (reallocNow) this.reallocRecent(out);
  }

  /**
   * A long-lived object dies at the end of its phase with probability p_phase_end, else at the end of
   * the next with the same probability, and so on up to LONG_PHASES phases: a later phase end, never
   * "forever", so the long-lived share reaches a steady state.
   */
  private scopeToPhase(slot: number): void {
    let later = 0;
    while (later < LONG_PHASES - 1 && !this.lifeRng.chance(this.pPhaseEnd)) later++;
    const k = (this.phase + later) % LONG_PHASES;
    if (this.phaseCount[k] === this.phaseObjs[k]!.length) this.phaseObjs[k] = growInt32(this.phaseObjs[k]!);
    this.phaseObjs[k]![this.phaseCount[k]!++] = slot;
  }

  /** REALLOC one of the most recently allocated live objects to old·uniform(f_min, f_max), up to 8, capped. */
  private reallocRecent(out: OpBatch): void {
    const t = this.objs;
    const start = this.victimRng.uniformInt(RECENT);
    for (let i = 0; i < RECENT; i++) {
      const r = (start + i) % RECENT;
      const slot = this.recentSlot[r]!;
      if (this.recentId[r]! < 0 || t.ids[slot] !== this.recentId[r]) continue;
      const factor = this.factorMin + this.sizeRng.u01() * this.factorSpan;
      let size = Math.ceil((t.sizes[slot]! * factor) / 8) * 8;
      if (size > this.reallocCap) size = this.reallocCap;
      t.realloc(out, slot, size);
      this.ops++;
      return;
    }
  }
}

export const interpreterMix: WorkloadDef = {
  name: 'interpreter-mix',
  id: 'W13',
  version: 3,
  title: 'CPython-like mix (the default realistic workload)',
  description:
    'Measured CPython request sizes with a four-part lifetime mixture: 40 % die within a few allocations, 20 % within ' +
    'about a thousand, 30 % within about a million, and 10 % live to the end of their phase or of a later one; 5 % of ' +
    'allocations also realloc a recent object. An import phase at the start creates mostly permanent objects; after it ' +
    'the live set reaches a steady state (leak_rate > 0 models a leak on purpose). Under 2.4 retained memory climbs in ' +
    'steps to the largest footprint and stays there. Under 3.9+ it grows during import, then shows a low saw-tooth: each ' +
    'phase end frees the newest arenas while older ones stay pinned by permanent and longer-lived objects.',
  finite: false,
  origins: ORIGINS.names,
  params: [
    sizesParam('sizes', 'py312-mix', 'Request sizes (py39-mix, espresso-mix or a fitted table(…) also fit).'),
    realParam('w_immediate', 'weight', 0.4, 0, 1, 'Share of objects dying almost at once: geometric(immediate_mean) allocations.'),
    realParam('w_short', 'weight', 0.2, 0, 1, 'Share with short lives: log-uniform short_min … short_max allocations.'),
    realParam('w_medium', 'weight', 0.3, 0, 1, 'Share with medium lives: log-uniform medium_min … medium_max allocations.'),
    realParam('w_long', 'weight', 0.1, 0, 1, 'Share living to the end of their phase or a later one (p_phase_end); permanent during the import.'),
    realParam('immediate_mean', 'allocation events', 3, 0, 1e6, 'Mean life of the immediate share.'),
    numberParam('short_min', 'allocation events', 8, 1, 1e12, 'Shortest short life.'),
    numberParam('short_max', 'allocation events', 1024, 1, 1e12, 'Longest short life.'),
    numberParam('medium_min', 'allocation events', 1000, 1, 1e12, 'Shortest medium life.'),
    numberParam('medium_max', 'allocation events', 1_000_000, 1, 1e12, 'Longest medium life.'),
    realParam('p_phase_end', '', 0.5, 0, 1, 'Probability a long-lived object dies at the end of its phase; else of the next, and so on (at most 16 phases).'),
    realParam('leak_rate', 'per allocation', 0, 0, 1, 'Share of allocations after the import that never die: a leak, modelled on purpose (0 = none).'),
    realParam('realloc_rate', 'per allocation', 0.05, 0, 0.5, 'Probability an allocation is followed by a REALLOC of a recent object.'),
    realParam('realloc_min_factor', '', 1.05, 0.01, 100, 'A REALLOC multiplies the size by uniform(min, max) …'),
    realParam('realloc_max_factor', '', 2.0, 0.01, 100, '… rounded up to 8 bytes.'),
    numberParam('realloc_cap', 'bytes', 65_536, 8, 2 ** 31 - 8, 'Largest size a REALLOC makes.'),
    realParam(
      'import_frac',
      'of a phase',
      0.2,
      0,
      1,
      'The first import_frac·phase_len ops are the import (long and permanent 60 %, immediate 20 %, short 10 %, medium 10 %).',
    ),
    numberParam('phase_len', 'ops', 5_000_000, 1000, MAX_COUNT, 'Ops per phase; at its end every phase-scoped object dies, newest first.'),
  ],
  check(p) {
    const w = num(p, 'w_immediate') + num(p, 'w_short') + num(p, 'w_medium') + num(p, 'w_long');
    if (!(w > 0)) throw new ParamError('w_long', p.w_long, 'the four lifetime weights must not all be 0');
    for (const [lo, hi] of [
      ['short_min', 'short_max'],
      ['medium_min', 'medium_max'],
      ['realloc_min_factor', 'realloc_max_factor'],
    ] as const) {
      if (num(p, lo) > num(p, hi)) throw new ParamError(lo, p[lo], `must be at most ${hi} = ${p[hi]}`);
    }
  },
  create: (p, seed) => new InterpreterMix(p, seed),
};
