/**
 * The models of a recorded program, run live as its records arrive: one engine per version, fed
 * the same op batches, sampled every `sampleEvery` ops (exactly there: batches are cut at sample
 * points) into the run series (shared/run/sample.ts) that the session file and the dashboard hold.
 */
import { performance } from 'node:perf_hooks';
import { createAllocator, type ArenaAlignment, type ResolvedVersion } from '../../../shared/engine';
import type { Allocator } from '../../../shared/engine/allocator';
import { applyBatch, HandleTable } from '../../../shared/engine/replay';
import { OP_MARK, type OpColumns } from '../../../shared/ops/op-batch';
import { SERIES_COUNT, writeSample } from '../../../shared/run/sample';
import { SeriesSummary } from '../../../shared/run/summary';

export class LiveModel {
  readonly alloc: Allocator;
  readonly arenas: ArenaAlignment;
  readonly summary = new SeriesSummary();
  private readonly table = new HandleTable(1 << 16);
  private readonly row = new Float64Array(SERIES_COUNT);
  private columns: number[][] = [];
  private nextSample: number;
  /** Milliseconds spent applying ops (for the replay rate). */
  busyMs = 0;

  constructor(
    readonly version: ResolvedVersion,
    readonly sampleEvery: number,
    private readonly clock: () => number,
  ) {
    this.alloc = createAllocator(version);
    this.arenas = version.preset.defaultArenas;
    this.nextSample = sampleEvery;
    this.resetColumns();
    this.sample(); // the empty allocator, as every run starts
  }

  /** Applies a batch, sampling at every multiple of sampleEvery ops. */
  apply(batch: OpColumns): void {
    const t0 = performance.now();
    let from = 0;
    let opsHere = this.alloc.ops;
    // Cut the batch where the op count reaches the next sample point.
    for (let i = 0; i < batch.length; i++) {
      if (batch.kind[i] === OP_MARK) continue;
      opsHere++;
      if (opsHere === this.nextSample) {
        applyBatch(this.alloc, this.table, batch, from, i + 1);
        from = i + 1;
        this.sample();
        this.nextSample += this.sampleEvery;
      }
    }
    if (from < batch.length) applyBatch(this.alloc, this.table, batch, from, batch.length);
    this.busyMs += performance.now() - t0;
  }

  /** A sample now (the end of the run, or a pause in the stream). */
  sample(): void {
    writeSample(this.alloc, this.clock(), this.row);
    this.summary.add(this.row);
    for (let k = 0; k < SERIES_COUNT; k++) this.columns[k]!.push(this.row[k]!);
  }

  /** The samples taken since the last call, as columns (empty when there are none). */
  takeColumns(): number[][] {
    const out = this.columns;
    this.resetColumns();
    return out;
  }

  /** Ops a second this model replays (its own time only). */
  get rate(): number {
    return this.busyMs > 0 ? this.alloc.ops / (this.busyMs / 1000) : 0;
  }

  private resetColumns(): void {
    this.columns = Array.from({ length: SERIES_COUNT }, () => []);
  }
}
