/**
 * The host's memory of every run's samples: per run, one chunked Float64 column per series (SERIES
 * order) with a min/max pyramid beside it, plus the run's phase markers. Sample batches are appended
 * as workers send them; charts ask for `window`s, which cost O(maxPoints · FANOUT · levels) however
 * long the run is, and never drop a spike.
 *
 * Pure TypeScript (no I/O), so the host, the command line and tests share it. Memory: 8 bytes per
 * value, plus ≈ 2/15 of that for the pyramid, plus at most one partly filled chunk per series.
 */
import { SERIES_COUNT, seriesIndexOf } from '../run/sample';
import { type Axis, AXIS_INDEX, type Phase, RunSeries } from './run-series';
import { PAGE_ROWS, type SpillOptions, type SpillSource, type SpillStats } from './run-spill';
import { decimateMany, type SeriesWindow } from './series-window';

export type { Axis, Phase, SeriesWindow };

/** What a run holds: its sample count and, once it has samples, the range of both x axes. */
export interface RunStats {
  samples: number;
  phases: number;
  /** [first, last] of each x axis; null while the run has no sample. */
  range: Record<Axis, [number, number]> | null;
}

export class SeriesStore {
  private readonly runs = new Map<string, RunSeries>();

  /** `spill`: the memory budget of each run given a file to spill to (`spillTo`); see run-spill.ts. */
  constructor(private readonly options: { spill?: SpillOptions } = {}) {}

  /**
   * Bounds the run's memory from now on: full-resolution chunks beyond the budget are dropped and read
   * back from `source` (the session file holding the run's rows) when a window needs them.
   */
  spillTo(runId: string, source: SpillSource): void {
    this.run(runId).spillTo(source, this.options.spill);
  }

  /** Spills what the budget asks and the file now holds, without waiting for the run's next rows. */
  enforceBudget(runId: string): void {
    this.run(runId).spill?.enforce();
  }

  /** The run's spill figures, or undefined when it has no file to spill to. */
  spillStats(runId: string): SpillStats | undefined {
    return this.run(runId).spill?.stats();
  }

  /** Starts an empty run. A run id may be used once until `removeRun`. */
  addRun(runId: string): void {
    if (this.runs.has(runId)) throw new Error(`run ${runId} already exists`);
    this.runs.set(runId, new RunSeries(runId));
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  runIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Forgets a run and its memory. False when there was no such run. */
  removeRun(runId: string): boolean {
    this.runs.get(runId)?.spill?.close();
    return this.runs.delete(runId);
  }

  /**
   * Appends sample rows given as columns in SERIES order (one array per series, all the same length),
   * then the envelope's columns if they have one (shared/run/sample.ts SAMPLE_WIDTH), as a worker's
   * `samples` message carries them. A run's first rows decide whether it keeps an envelope; later
   * rows without one then stand for min = max = value. Throws RangeError, changing nothing, when a column
   * is missing or short, a value is not finite, or `op` / `wall_ms` would go backwards.
   */
  append(runId: string, columns: readonly ArrayLike<number>[]): void {
    this.run(runId).append(columns);
  }

  addPhase(runId: string, op: number, label: string): void {
    this.run(runId).phases.push({ op, label });
  }

  /** A whole run at once (a loaded session): addRun, append, phases. */
  loadRun(runId: string, columns: readonly ArrayLike<number>[], phases: readonly Phase[] = []): void {
    const run = new RunSeries(runId);
    run.append(columns);
    for (const p of phases) run.phases.push({ op: p.op, label: p.label });
    if (this.runs.has(runId)) throw new Error(`run ${runId} already exists`);
    this.runs.set(runId, run);
  }

  phases(runId: string): readonly Phase[] {
    return this.run(runId).phases;
  }

  stats(runId: string): RunStats {
    const run = this.run(runId);
    const n = run.length;
    if (n === 0) return { samples: 0, phases: run.phases.length, range: null };
    const span = (axis: Axis): [number, number] => {
      const col = run.columns[AXIS_INDEX[axis]]!;
      return [col.get(0), col.get(n - 1)];
    };
    return { samples: n, phases: run.phases.length, range: { op: span('op'), wall_ms: span('wall_ms') } };
  }

  /**
   * The sampled value of `key` (not its window's envelope) at the last sample whose `axis` value
   * lies in [from, to], or null when none does: what a chart's "value at the end" means.
   */
  lastValue(runId: string, key: string, from: number, to: number, axis: Axis = 'op'): number | null {
    return this.lastValues(runId, [key], from, to, axis)[0]!;
  }

  /** `lastValue` of several series: the row is found, and read back when spilled, once for all. */
  lastValues(runId: string, keys: readonly string[], from: number, to: number, axis: Axis = 'op'): (number | null)[] {
    const run = this.run(runId);
    const indices = keys.map(seriesIndexOf);
    const col = run.columns[AXIS_INDEX[axis]]!;
    let i = col.lowerBound(to);
    if (i >= run.length || col.get(i) > to) i--;
    if (i < 0 || col.get(i) < from) return indices.map(() => null);
    // Through read(): the row may have been spilled to the session file.
    const row = this.read(runId, i, i + 1);
    return indices.map((s) => row[s]![0]!);
  }

  /** Row indexes [lo, hi) of the samples whose `axis` value lies in [from, to]. */
  rowRange(runId: string, from: number, to: number, axis: Axis = 'op'): [number, number] {
    const run = this.run(runId);
    const col = run.columns[AXIS_INDEX[axis]]!;
    const lo = col.lowerBound(from);
    let hi = col.lowerBound(to);
    while (hi < run.length && col.get(hi) <= to) hi++;
    return [lo, Math.max(lo, hi)];
  }

  /** The newest sample as a row in SERIES order, or undefined while the run has none. */
  lastSample(runId: string): Float64Array | undefined {
    const run = this.run(runId);
    const n = run.length;
    if (n === 0) return undefined;
    const row = new Float64Array(SERIES_COUNT);
    for (let s = 0; s < SERIES_COUNT; s++) row[s] = run.columns[s]!.get(n - 1);
    return row;
  }

  /**
   * Wall-clock time of the first sample at or after operation `op`: where a phase marker sits on the
   * wall_ms axis. Null when no sample has reached `op` yet.
   */
  wallAtOp(runId: string, op: number): number | null {
    const run = this.run(runId);
    const i = run.columns[AXIS_INDEX.op]!.lowerBound(op);
    return i < run.length ? run.columns[AXIS_INDEX.wall_ms]!.get(i) : null;
  }

  /**
   * Sample rows [start, end) (clamped to the run) as columns in SERIES order, then the envelope's
   * minima and maxima when the run's rows carry one (SAMPLE_WIDTH columns): for exports and saving.
   */
  read(runId: string, start = 0, end = Infinity): Float64Array[] {
    const run = this.run(runId);
    const lo = Math.max(0, Math.min(start, run.length));
    const hi = Math.max(lo, Math.min(end, run.length));
    if (run.spill === undefined) return run.columns.map((c) => c.slice(lo, hi));
    // Page by page across the series, so that each page read back from the file is read once.
    const out = run.columns.map(() => new Float64Array(hi - lo));
    for (let row = lo; row < hi;) {
      const next = Math.min(hi, (Math.floor(row / PAGE_ROWS) + 1) * PAGE_ROWS);
      for (let s = 0; s < run.columns.length; s++) run.columns[s]!.copyInto(out[s]!, row - lo, row, next);
      row = next;
    }
    return out;
  }

  /**
   * Min/max-decimated points of `series` over x ∈ [from, to] of `axis` (see SeriesWindow): at most
   * `maxPoints` points, each the true minimum and maximum of its bucket. `from`/`to` may be ∓Infinity
   * for the run's first/last sample; from > to, or a range holding no sample, gives count 0.
   */
  window(runId: string, series: string, from: number, to: number, maxPoints: number, axis: Axis = 'op'): SeriesWindow {
    return this.windows(runId, [series], from, to, maxPoints, axis)[0]!;
  }

  /** `window` of several series over the same range, in their order: the buckets are found once for all. */
  windows(runId: string, series: readonly string[], from: number, to: number, maxPoints: number, axis: Axis = 'op'): SeriesWindow[] {
    const run = this.run(runId);
    const indices = series.map(seriesIndexOf);
    if (!Object.hasOwn(AXIS_INDEX, axis)) throw new RangeError(`unknown x axis ${JSON.stringify(axis)} (op or wall_ms)`);
    if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new RangeError(`window bounds must be numbers, got ${from}..${to}`);
    return decimateMany(run, indices, AXIS_INDEX[axis], from, to, maxPoints);
  }

  /** Bytes of typed arrays held for one run, or for all runs. */
  bytes(runId?: string): number {
    if (runId !== undefined) return this.run(runId).bytes;
    let total = 0;
    for (const run of this.runs.values()) total += run.bytes;
    return total;
  }

  private run(runId: string): RunSeries {
    const run = this.runs.get(runId);
    if (run === undefined) throw new Error(`unknown run ${runId}`);
    return run;
  }
}
