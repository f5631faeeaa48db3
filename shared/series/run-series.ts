/**
 * Everything the store keeps of one run: a ChunkedColumn and a MinMaxPyramid per series (SERIES
 * order), and the phase markers the workload emitted.
 */
import { SERIES, SERIES_COUNT } from '../run/sample';
import { ChunkedColumn } from './chunked-column';
import { MinMaxPyramid } from './min-max-pyramid';
import { RunSpill, type SpillOptions, type SpillSource } from './run-spill';

/** A phase marker: the workload entered `label` at operation `op`. */
export interface Phase {
  op: number;
  label: string;
}

/** Columns of the x axes, which must never go backwards within a run (the window search relies on it). */
export const AXIS_INDEX = { op: 0, wall_ms: 1 } as const;
export type Axis = keyof typeof AXIS_INDEX;

export class RunSeries {
  readonly columns: ChunkedColumn[] = [];
  readonly pyramids: MinMaxPyramid[] = [];
  readonly phases: Phase[] = [];
  /** The memory budget and read-back cache, once the run's rows have a file to be read back from. */
  spill: RunSpill | undefined;

  constructor(readonly id: string) {
    for (let i = 0; i < SERIES_COUNT; i++) {
      const column = new ChunkedColumn();
      this.columns.push(column);
      this.pyramids.push(new MinMaxPyramid(column));
    }
  }

  get length(): number {
    return this.columns[0]!.length;
  }

  /**
   * Appends rows given as columns in SERIES order. Checks everything before changing anything, so a
   * rejected batch leaves the run as it was.
   */
  append(columns: readonly ArrayLike<number>[]): void {
    if (columns.length !== SERIES_COUNT) throw new RangeError(`run ${this.id}: expected ${SERIES_COUNT} columns (SERIES order), got ${columns.length}`);
    const rows = columns[0]!.length;
    for (let s = 0; s < SERIES_COUNT; s++) {
      const col = columns[s]!;
      if (col.length !== rows) throw new RangeError(`run ${this.id}: column ${SERIES[s]!.key} has ${col.length} rows, column op has ${rows}`);
      for (let i = 0; i < rows; i++) {
        if (!Number.isFinite(col[i])) throw new RangeError(`run ${this.id}: ${SERIES[s]!.key}[${i}] is not a finite number (${col[i]})`);
      }
    }
    if (rows === 0) return;
    for (const axis of Object.keys(AXIS_INDEX) as Axis[]) {
      const s = AXIS_INDEX[axis];
      const col = columns[s]!;
      let prev = this.length > 0 ? this.columns[s]!.get(this.length - 1) : -Infinity;
      for (let i = 0; i < rows; i++) {
        if (col[i]! < prev) throw new RangeError(`run ${this.id}: ${axis} goes backwards at row ${this.length + i} (${prev} then ${col[i]})`);
        prev = col[i]!;
      }
    }
    const from = this.length;
    for (let s = 0; s < SERIES_COUNT; s++) {
      const target = this.columns[s]!;
      const col = columns[s]!;
      for (let i = 0; i < rows; i++) target.push(col[i]!);
      this.pyramids[s]!.update(from);
    }
    this.spill?.enforce();
  }

  /** From now on, keep the value columns within a budget, spilling old chunks to `source`'s file. */
  spillTo(source: SpillSource, options: SpillOptions = {}): void {
    if (this.spill !== undefined) throw new Error(`run ${this.id} already spills to a file`);
    this.spill = new RunSpill(this.id, this.columns, source, options);
    this.spill.enforce();
  }

  /** Bytes of the typed arrays this run holds (columns, pyramids, pages read back). */
  get bytes(): number {
    let total = this.spill?.cacheBytes ?? 0;
    for (let s = 0; s < SERIES_COUNT; s++) total += this.columns[s]!.bytes + this.pyramids[s]!.bytes;
    return total;
  }
}
