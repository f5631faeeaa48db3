/**
 * Everything the store keeps of one run: a ChunkedColumn per column of its rows (the SERIES values,
 * then, when its samples carry one, the envelope's minima and maxima: shared/run/sample.ts), a
 * MinMaxPyramid per series (built over the envelope's columns where there is one), and the phase
 * markers the workload emitted.
 */
import { MAX_COLUMN, MIN_COLUMN, SAMPLE_COLUMN_KEYS, SAMPLE_WIDTH, SERIES_COUNT, withEnvelope } from '../run/sample';
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
    for (let s = 0; s < SERIES_COUNT; s++) {
      const column = new ChunkedColumn();
      this.columns.push(column);
      this.pyramids.push(new MinMaxPyramid(column));
    }
  }

  /**
   * Whether rows carry an envelope (SAMPLE_WIDTH columns): decided by the first rows appended. A run
   * without one (a session file of version 2, a real interpreter's run) keeps SERIES_COUNT columns.
   */
  get enveloped(): boolean {
    return this.columns.length === SAMPLE_WIDTH;
  }

  /** Adds the envelope's columns, before the first row, and builds the pyramids over them. */
  private widen(): void {
    for (let i = SERIES_COUNT; i < SAMPLE_WIDTH; i++) this.columns.push(new ChunkedColumn());
    for (let s = 0; s < SERIES_COUNT; s++) this.pyramids[s] = new MinMaxPyramid(this.columns[MIN_COLUMN[s]!]!, this.columns[MAX_COLUMN[s]!]!);
    this.spill?.adopt();
  }

  get length(): number {
    return this.columns[0]!.length;
  }

  /**
   * Appends rows given as columns in SERIES order. Checks everything before changing anything, so a
   * rejected batch leaves the run as it was.
   */
  append(given: readonly ArrayLike<number>[]): void {
    if (given.length !== SERIES_COUNT && given.length !== SAMPLE_WIDTH) {
      throw new RangeError(
        `run ${this.id}: expected ${SAMPLE_WIDTH} columns (SERIES order, then the envelope's minima and maxima) or ${SERIES_COUNT} (no envelope), got ${given.length}`,
      );
    }
    if (!this.enveloped && given.length === SAMPLE_WIDTH && this.length > 0) {
      throw new RangeError(`run ${this.id}: rows with a min/max envelope after rows without one`);
    }
    // Rows without an envelope in a run that has one stand for their own minima and maxima.
    const columns = this.enveloped ? withEnvelope(given) : given;
    const rows = columns[0]!.length;
    for (let s = 0; s < columns.length; s++) {
      const col = columns[s]!;
      if (col.length !== rows) throw new RangeError(`run ${this.id}: column ${SAMPLE_COLUMN_KEYS[s]} has ${col.length} rows, column op has ${rows}`);
      for (let i = 0; i < rows; i++) {
        if (!Number.isFinite(col[i])) throw new RangeError(`run ${this.id}: ${SAMPLE_COLUMN_KEYS[s]}[${i}] is not a finite number (${col[i]})`);
      }
    }
    if (rows === 0) return;
    if (columns.length === SAMPLE_WIDTH && !this.enveloped) this.widen();
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
    for (let s = 0; s < this.columns.length; s++) {
      const target = this.columns[s]!;
      const col = columns[s]!;
      for (let i = 0; i < rows; i++) target.push(col[i]!);
    }
    for (let s = 0; s < SERIES_COUNT; s++) this.pyramids[s]!.update(from);
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
    for (const c of this.columns) total += c.bytes;
    for (const p of this.pyramids) total += p.bytes;
    return total;
  }
}
