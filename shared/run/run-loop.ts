/**
 * A workload driven against the engine: pulls batches from a generator, applies them, takes a sample
 * every `sampleEvery` allocator operations exactly (a batch is applied in pieces to land on those
 * points), and records phase markers. Pure: the wall clock is injected, nothing here waits. The
 * command line, the worker process and the benchmarks all run workloads through this loop.
 */
import type { Allocator } from '../engine/allocator';
import { HandleTable } from '../engine/replay';
import { OP_MARK, OpBatch } from '../ops/op-batch';
import type { Generator } from '../workloads/workload';
import { OpGuard, type RunSource } from './op-guard';
import { SERIES_COUNT, writeSample } from './sample';

export interface PhaseMark {
  /** Allocator operations applied before the marker. */
  op: number;
  label: string;
}

export interface RunLoopOptions {
  /** Take a sample every this many allocator operations (≥ 1). */
  sampleEvery: number;
  /** Milliseconds since the run started. */
  clock: () => number;
  /** Operations per batch pulled from the generator. */
  batchSize?: number;
  /** Called with each sample row (reused: copy what you keep). */
  onSample?: (row: Float64Array) => void;
  onMark?: (mark: PhaseMark) => void;
  /** The run's workload, parameters and seed, named when the stream breaks its contract. */
  source?: RunSource;
}

export class RunLoop {
  readonly batch: OpBatch;
  private readonly table = new HandleTable(1024);
  private readonly row = new Float64Array(SERIES_COUNT);
  /** Next op of `batch` to apply. */
  private cursor = 0;
  private nextSample: number;
  private sampleEvery: number;
  private finished = false;
  /** Refuses an invalid operation before the engine applies it (op-guard.ts). */
  private readonly guard: OpGuard;

  constructor(
    readonly generator: Generator,
    readonly alloc: Allocator,
    private readonly options: RunLoopOptions,
  ) {
    if (!(Number.isInteger(options.sampleEvery) && options.sampleEvery >= 1)) throw new RangeError(`sampleEvery must be an integer ≥ 1, not ${options.sampleEvery}`);
    this.batch = new OpBatch(options.batchSize ?? 1 << 14);
    this.sampleEvery = options.sampleEvery;
    this.nextSample = options.sampleEvery;
    this.guard = new OpGuard(options.source);
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

  /** Takes a sample now (the worker also samples on a wall-clock cadence). */
  sampleNow(): Float64Array {
    writeSample(this.alloc, this.options.clock(), this.row);
    this.options.onSample?.(this.row);
    return this.row;
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
        this.generator.fill(b);
        this.guard.check(b);
        // A generator fed from outside (a trace being read) may have nothing yet: return for more.
        if (b.length === 0) break;
      }
      // Apply up to the limit or the next sample point; applyOps stops early at a marker.
      const room = Math.min(limit, this.nextSample) - this.alloc.ops;
      const end = Math.min(b.length, this.cursor + room);
      const stop = this.alloc.applyOps(b.kind, b.slot, b.size, this.cursor, end, this.table);
      this.cursor = stop;
      if (this.alloc.ops >= this.nextSample) {
        this.sampleNow();
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
