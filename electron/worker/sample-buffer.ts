/**
 * Sample rows waiting to be sent, kept as columns and bounded.
 *
 * The worker never blocks on the host and never grows a queue: when the buffer is full (the host
 * is slow, or sampling is dense), it keeps every other row (the newest always among them) and
 * counts the ones it dropped, so a slow receiver sees the same run at a coarser grain. A row of
 * SAMPLE_WIDTH values carries an envelope (shared/run/sample.ts): a dropped row's window minima and
 * maxima are merged into the next row kept, whose window now covers both, so no spike is lost.
 */
import { ENVELOPE_COUNT, SAMPLE_WIDTH, SERIES_COUNT } from '../../shared/run/sample';

export interface SampleColumns {
  /** One array per series, in SERIES order (shared/run/sample.ts). */
  columns: number[][];
  /** Rows dropped since the previous `take`. */
  coalesced: number;
}

export class SampleBuffer {
  private readonly cols: Float64Array[];
  /** Rows held. */
  length = 0;
  /** Rows dropped since the last `take`. */
  coalesced = 0;

  constructor(
    /** Values per row. */
    readonly width: number,
    /** Rows held at most: even, so that halving keeps whole pairs. */
    readonly capacity: number,
  ) {
    if (!(Number.isInteger(capacity) && capacity >= 2 && capacity % 2 === 0)) throw new RangeError(`capacity must be an even integer ≥ 2, not ${capacity}`);
    this.cols = Array.from({ length: width }, () => new Float64Array(capacity));
  }

  /** Copies a row in (the caller may reuse it). */
  push(row: ArrayLike<number>): void {
    if (this.length === this.capacity) this.decimate();
    const i = this.length++;
    for (let c = 0; c < this.width; c++) this.cols[c]![i] = row[c]!;
  }

  /** Keeps rows 1, 3, 5, …: half of them, the newest included. */
  private decimate(): void {
    const half = this.length >> 1;
    if (this.width === SAMPLE_WIDTH) {
      for (let e = 0; e < ENVELOPE_COUNT; e++) {
        const lo = this.cols[SERIES_COUNT + e]!;
        const hi = this.cols[SERIES_COUNT + ENVELOPE_COUNT + e]!;
        for (let i = 0; i < half; i++) {
          if (lo[2 * i]! < lo[2 * i + 1]!) lo[2 * i + 1] = lo[2 * i]!;
          if (hi[2 * i]! > hi[2 * i + 1]!) hi[2 * i + 1] = hi[2 * i]!;
        }
      }
    }
    for (const col of this.cols) {
      for (let i = 0; i < half; i++) col[i] = col[2 * i + 1]!;
    }
    this.length = half;
    this.coalesced += half;
  }

  /** The rows as plain columns (they cross a process boundary) and the drop count; empties the buffer. */
  take(): SampleColumns | null {
    if (this.length === 0 && this.coalesced === 0) return null;
    const n = this.length;
    const out: SampleColumns = { columns: this.cols.map((col) => Array.from(col.subarray(0, n))), coalesced: this.coalesced };
    this.length = 0;
    this.coalesced = 0;
    return out;
  }
}
