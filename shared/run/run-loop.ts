/**
 * A workload driven against the engine: pulls batches from a generator, applies them, takes a sample
 * at multiples of `sampleEvery` allocator operations exactly (a batch is applied in pieces to land on
 * those points), and records phase markers. Pure: the wall clock is injected, nothing here waits. The
 * command line, the worker process and the benchmarks all run workloads through this loop.
 *
 * The rate cap: with `maxSampleRate` R > 0, a multiple of `sampleEvery` is skipped when less than
 * 1/R s of the clock passed since the last sample, once the run has taken FREE_SAMPLES samples (a
 * short run keeps every point) and unless `rateCapped` is off (stepping). A skipped point loses
 * nothing: every row carries the envelope (min and max) of the enveloped series since the previous
 * row (sample.ts), so a spike between two samples is in the next one's envelope.
 */
import type { Allocator } from '../engine/allocator';
import { HandleTable } from '../engine/replay';
import { OP_MARK, OpBatch } from '../ops/op-batch';
import type { Generator } from '../workloads/workload';
import { OpGuard, withSource, type RunSource } from './op-guard';
import { SAMPLE_WIDTH, takeSample } from './sample';

/**
 * Samples a run takes every `sampleEvery` operations before the rate cap applies: a run of up to
 * FREE_SAMPLES × sampleEvery operations (10 M at the default 10,000) is sampled at every multiple.
 */
export const FREE_SAMPLES = 1000;

export interface PhaseMark {
  /** Allocator operations applied before the marker. */
  op: number;
  label: string;
}

export interface RunLoopOptions {
  /** Take a sample every this many allocator operations (≥ 1). */
  sampleEvery: number;
  /** At most this many samples a second once FREE_SAMPLES were taken (0 or absent: no cap). */
  maxSampleRate?: number;
  /** Samples taken at every multiple before the cap applies (default FREE_SAMPLES). */
  freeSamples?: number;
  /** Milliseconds since the run started (also what the rate cap reads: tests pass a fake clock). */
  clock: () => number;
  /** Operations per batch pulled from the generator. */
  batchSize?: number;
  /** Called with each sample row, SAMPLE_WIDTH values (reused: copy what you keep). */
  onSample?: (row: Float64Array) => void;
  onMark?: (mark: PhaseMark) => void;
  /** The run's workload, parameters and seed, named when the stream breaks its contract. */
  source?: RunSource;
}

export class RunLoop {
  readonly batch: OpBatch;
  private readonly table = new HandleTable(1024);
  private readonly row = new Float64Array(SAMPLE_WIDTH);
  /** Next op of `batch` to apply. */
  private cursor = 0;
  private nextSample: number;
  private sampleEvery: number;
  /** Milliseconds between two samples at least (0: no cap). */
  private minIntervalMs: number;
  /** The clock when the last sample was taken. */
  private lastSampleMs = -Infinity;
  /** Samples taken so far (all of them: at multiples of sampleEvery and on demand). */
  samples = 0;
  /** Multiples of sampleEvery skipped by the rate cap. */
  skipped = 0;
  /** Off while stepping: a step is looked at operation by operation, every point is wanted. */
  rateCapped = true;
  private finished = false;
  /** Refuses an invalid operation before the engine applies it (op-guard.ts). */
  private readonly guard: OpGuard;

  constructor(
    readonly generator: Generator,
    readonly alloc: Allocator,
    private readonly options: RunLoopOptions,
  ) {
    if (!(Number.isInteger(options.sampleEvery) && options.sampleEvery >= 1))
      throw new RangeError(`sampleEvery must be an integer ≥ 1, not ${options.sampleEvery}`);
    this.batch = new OpBatch(options.batchSize ?? 1 << 14);
    this.sampleEvery = options.sampleEvery;
    this.nextSample = options.sampleEvery;
    this.minIntervalMs = intervalOf(options.maxSampleRate ?? 0);
    this.guard = new OpGuard(options.source);
    // The first row's envelope starts at the allocator's state now.
    alloc.resetEnvelope();
  }

  /**
   * Bytes the run keeps per object beside the engine: the handle table (handle and requested size
   * per producer slot) and the guard's live id per slot.
   */
  get objectTableBytes(): number {
    return this.table.handles.byteLength + this.table.sizes.byteLength + this.guard.bytes;
  }

  /** Allocator operations applied so far. */
  get ops(): number {
    return this.alloc.ops;
  }

  /** True once the generator has ended and every operation it wrote was applied. */
  get done(): boolean {
    return this.finished;
  }

  /** Takes a sample every `sampleEvery` operations from now on (the worker's `set-sampling`). */
  setSampleEvery(sampleEvery: number): void {
    if (!(Number.isInteger(sampleEvery) && sampleEvery >= 1)) throw new RangeError(`sampleEvery must be an integer ≥ 1, not ${sampleEvery}`);
    this.sampleEvery = sampleEvery;
    this.nextSample = this.alloc.ops + sampleEvery;
  }

  /** Caps sampling at `rate` samples a second from now on (0: no cap). */
  setMaxSampleRate(rate: number): void {
    this.minIntervalMs = intervalOf(rate);
  }

  /** Takes a sample now (the worker also samples on a wall-clock cadence, and at pauses and the end). */
  sampleNow(now = this.options.clock()): Float64Array {
    takeSample(this.alloc, now, this.row);
    this.lastSampleMs = now;
    this.samples++;
    this.options.onSample?.(this.row);
    return this.row;
  }

  /** At a multiple of sampleEvery: a sample, unless the rate cap says it is too soon. */
  private samplePoint(): void {
    if (this.minIntervalMs === 0 || !this.rateCapped || this.samples < (this.options.freeSamples ?? FREE_SAMPLES)) {
      this.sampleNow();
      return;
    }
    const now = this.options.clock();
    if (now - this.lastSampleMs >= this.minIntervalMs) this.sampleNow(now);
    else this.skipped++;
  }

  /**
   * Applies up to `maxOps` allocator operations (fewer when the workload ends) and returns how many
   * it applied. Stops exactly at `maxOps`, so an operation budget is met to the operation.
   */
  run(maxOps: number): number {
    const start = this.alloc.ops;
    const limit = start + maxOps;
    const b = this.batch;
    while (this.alloc.ops < limit) {
      if (this.cursor >= b.length) {
        if (this.generator.done) {
          this.finished = true;
          break;
        }
        b.clear();
        this.cursor = 0;
        try {
          this.generator.fill(b);
        } catch (error) {
          throw withSource(error, this.options.source);
        }
        if (this.generator.checked !== true) this.guard.check(b);
        // A generator fed from outside (a trace being read) may have nothing yet: return for more.
        if (b.length === 0) break;
      }
      // Apply up to the limit or the next sample point; applyOps stops early at a marker.
      const room = Math.min(limit, this.nextSample) - this.alloc.ops;
      const end = Math.min(b.length, this.cursor + room);
      const stop = this.alloc.applyOps(b.kind, b.slot, b.size, this.cursor, end, this.table);
      this.cursor = stop;
      if (this.alloc.ops >= this.nextSample) {
        this.samplePoint();
        this.nextSample += this.sampleEvery;
      }
      if (stop < b.length && b.kind[stop] === OP_MARK) {
        this.options.onMark?.({ op: this.alloc.ops, label: b.labels[b.size[stop]!] ?? '' });
        this.cursor = stop + 1;
      }
    }
    return this.alloc.ops - start;
  }
}

/** The shortest gap between two samples at `rate` samples a second (0: no cap). */
function intervalOf(rate: number): number {
  if (!(Number.isFinite(rate) && rate >= 0)) throw new RangeError(`maxSampleRate must be a number of samples a second ≥ 0, not ${rate}`);
  return rate === 0 ? 0 : 1000 / rate;
}
