/**
 * Min/max pyramid over one ChunkedColumn: level 0 holds the minimum and maximum of every FANOUT
 * consecutive rows, level k of every FANOUT^(k+1). The extrema of any row range then come from at
 * most 2·(FANOUT−1) entries per level instead of every row, so a window over a million samples costs
 * the same as one over a thousand, and no spike is lost to decimation.
 *
 * Memory: 2 doubles per FANOUT rows at level 0, a FANOUT-th of that above, ≈ 2/15 of the column.
 * Built incrementally: an append only recomputes the last entry of each level plus the new ones.
 *
 * A series whose samples carry an envelope (shared/run/sample.ts) has its minima and maxima in two
 * columns of their own: the pyramid takes its minima from the one and its maxima from the other, so
 * a range's extrema are the true extremes of every state in it, not only of the states sampled.
 */
import { type ChunkedColumn, CHUNK_ROWS } from './chunked-column';

export const FANOUT_SHIFT = 4;
export const FANOUT = 1 << FANOUT_SHIFT;
const FANOUT_MASK = FANOUT - 1;
// A level-0 group must lie inside one chunk so that it is read from one typed array.
if (CHUNK_ROWS % FANOUT !== 0) throw new Error('CHUNK_ROWS must be a multiple of FANOUT');

interface Level {
  min: Float64Array;
  max: Float64Array;
  length: number;
  /**
   * Level 0 only: the offset in its group of FANOUT rows of the first row holding the minimum /
   * maximum, so that finding the row of an extremum never reads the column (whose chunk may be on disk).
   */
  argMin?: Uint8Array;
  argMax?: Uint8Array;
}

/** Extrema of a row range and the row each was found at (one of them when it occurs twice). */
export interface RangeExtrema {
  min: number;
  minRow: number;
  max: number;
  maxRow: number;
}

export class MinMaxPyramid {
  private readonly levels: Level[] = [];
  // Where the best candidates of the current query came from: level (−1 = the column) and index.
  private minLevel = -1;
  private minIndex = 0;
  private maxLevel = -1;
  private maxIndex = 0;

  /** `maxColumn`: where the maxima are, when not in `column` with the minima. */
  constructor(
    private readonly column: ChunkedColumn,
    private readonly maxColumn: ChunkedColumn = column,
  ) {}

  /** Brings the pyramid up to date after rows [from, column.length) were appended. */
  update(from: number): void {
    let childLength = this.column.length;
    if (from >= childLength) return;
    let first = from >>> FANOUT_SHIFT;
    for (let k = 0; childLength > 1; k++) {
      const length = (childLength + FANOUT_MASK) >>> FANOUT_SHIFT;
      const level = this.level(k, length);
      for (let j = first; j < length; j++) {
        const start = j << FANOUT_SHIFT;
        const end = Math.min(start + FANOUT, childLength);
        let lo = Infinity;
        let hi = -Infinity;
        if (k === 0) {
          const chunk = this.column.chunkOf(start);
          const maxChunk = this.maxColumn.chunkOf(start);
          const base = start & (CHUNK_ROWS - 1);
          let loAt = 0;
          let hiAt = 0;
          for (let i = base, stop = base + end - start; i < stop; i++) {
            const v = chunk[i]!;
            const w = maxChunk[i]!;
            if (v < lo) {
              lo = v;
              loAt = i - base;
            }
            if (w > hi) {
              hi = w;
              hiAt = i - base;
            }
          }
          level.argMin![j] = loAt;
          level.argMax![j] = hiAt;
        } else {
          const below = this.levels[k - 1]!;
          for (let i = start; i < end; i++) {
            const a = below.min[i]!;
            const b = below.max[i]!;
            if (a < lo) lo = a;
            if (b > hi) hi = b;
          }
        }
        level.min[j] = lo;
        level.max[j] = hi;
      }
      level.length = length;
      childLength = length;
      first >>>= FANOUT_SHIFT;
    }
  }

  /**
   * Minimum and maximum of rows [start, end) (start < end ≤ column.length) into `out`, with the row
   * of each. Cost: O(FANOUT · levels), whatever the range's length.
   */
  extrema(start: number, end: number, out: RangeExtrema): RangeExtrema {
    out.min = Infinity;
    out.max = -Infinity;
    let s = start;
    let e = end;
    for (let k = -1; s < e; k++) {
      const up = (s + FANOUT_MASK) & ~FANOUT_MASK;
      const down = e & ~FANOUT_MASK;
      if (k + 1 >= this.levels.length || up >= down) {
        this.scan(k, s, e, out);
        break;
      }
      this.scan(k, s, up, out);
      this.scan(k, down, e, out);
      s = up >>> FANOUT_SHIFT;
      e = down >>> FANOUT_SHIFT;
    }
    out.minRow = this.descend(this.minLevel, this.minIndex, out.min, true);
    out.maxRow = this.descend(this.maxLevel, this.maxIndex, out.max, false);
    return out;
  }

  /** Bytes of the typed arrays the pyramid holds. */
  get bytes(): number {
    let total = 0;
    for (const l of this.levels) total += l.min.byteLength + l.max.byteLength + (l.argMin?.byteLength ?? 0) + (l.argMax?.byteLength ?? 0);
    return total;
  }

  private scan(k: number, start: number, end: number, out: RangeExtrema): void {
    if (k < 0) {
      for (let i = start; i < end; i++) {
        const v = this.column.get(i);
        const w = this.maxColumn === this.column ? v : this.maxColumn.get(i);
        if (v < out.min) {
          out.min = v;
          this.minLevel = -1;
          this.minIndex = i;
        }
        if (w > out.max) {
          out.max = w;
          this.maxLevel = -1;
          this.maxIndex = i;
        }
      }
      return;
    }
    const level = this.levels[k]!;
    for (let i = start; i < end; i++) {
      const a = level.min[i]!;
      const b = level.max[i]!;
      if (a < out.min) {
        out.min = a;
        this.minLevel = k;
        this.minIndex = i;
      }
      if (b > out.max) {
        out.max = b;
        this.maxLevel = k;
        this.maxIndex = i;
      }
    }
  }

  /**
   * Follows an aggregate entry down to a row holding its value (the aggregate is exact, so one does):
   * the first such child at each level, then level 0's recorded offset of the first such row.
   */
  private descend(k: number, index: number, target: number, isMin: boolean): number {
    let j = index;
    for (let level = k; level >= 1; level--) {
      const below = this.levels[level - 1]!;
      const values = isMin ? below.min : below.max;
      const start = j << FANOUT_SHIFT;
      const end = Math.min(start + FANOUT, below.length);
      let found = start;
      for (let c = start; c < end; c++) {
        if (values[c] === target) {
          found = c;
          break;
        }
      }
      j = found;
    }
    if (k >= 0) {
      const l0 = this.levels[0]!;
      j = (j << FANOUT_SHIFT) + (isMin ? l0.argMin! : l0.argMax!)[j]!;
    }
    return j;
  }

  private level(k: number, length: number): Level {
    let level = this.levels[k];
    if (level === undefined) {
      const capacity = Math.max(FANOUT, length);
      level = { min: new Float64Array(capacity), max: new Float64Array(capacity), length: 0 };
      if (k === 0) {
        level.argMin = new Uint8Array(capacity);
        level.argMax = new Uint8Array(capacity);
      }
      this.levels.push(level);
    } else if (length > level.min.length) {
      // Doubling keeps appends amortised O(1); levels are a FANOUT-th of the column, so the slack is small.
      const capacity = Math.max(length, level.min.length * 2);
      level.min = grown(level.min, capacity, level.length);
      level.max = grown(level.max, capacity, level.length);
      if (level.argMin !== undefined && level.argMax !== undefined) {
        level.argMin = grown(level.argMin, capacity, level.length);
        level.argMax = grown(level.argMax, capacity, level.length);
      }
    }
    return level;
  }
}

/** A larger array of the same kind holding the first `length` values of `from`. */
function grown<T extends Float64Array | Uint8Array>(from: T, capacity: number, length: number): T {
  const to = new (from.constructor as new (n: number) => T)(capacity);
  to.set(from.subarray(0, length));
  return to;
}
