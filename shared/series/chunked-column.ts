/**
 * One series of one run: a column of numbers in fixed-size chunks, so that a run of millions of
 * samples grows without ever copying what it holds (only the newest chunk grows, up to its fixed
 * size) and without one huge allocation.
 *
 * A chunk is written as Float64; once full it is sealed, and stored as Uint32 when every value in it
 * is an integer in [0, 2^32) — true of the counts and, in all but huge runs, of the byte series — which
 * halves most of a long run's memory without changing a single value.
 */

/** Rows per chunk: 2^16, so a row's chunk and offset are a shift and a mask. */
export const CHUNK_SHIFT = 16;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;

/** First capacity of a run's first chunk, doubled as it fills: many short runs side by side should not cost 512 KiB per series each. */
const FIRST_CAPACITY = 256;

/** A chunk as stored: the open one is always Float64; sealed ones may be narrower. */
export type Chunk = Float64Array | Uint32Array;

export class ChunkedColumn {
  /**
   * Every chunk but the last holds exactly CHUNK_ROWS rows; the last may be allocated shorter. A
   * sealed chunk may be spilled (null): its rows are then read back through `fault`.
   */
  private readonly chunks: (Chunk | null)[] = [];
  /** Reads back one value of a spilled chunk (set by the run that spills: ./run-spill.ts). */
  fault: ((row: number) => number) | undefined;
  /** Chunks [0, spilled) may be spilled; chunks are spilled oldest first. */
  private spilledUpTo = 0;
  /** A full-size Float64 chunk freed by the last seal, for the next chunk. */
  private spare: Float64Array | undefined;
  length = 0;

  push(value: number): void {
    const c = this.length >>> CHUNK_SHIFT;
    const off = this.length & CHUNK_MASK;
    let chunk = this.chunks[c] as Float64Array | undefined;
    if (chunk === undefined) {
      // A run that filled a chunk is a long one: later chunks get their full size at once, reusing
      // the buffer the last seal freed, so a long run allocates each chunk once and leaves no garbage
      // behind (garbage that the allocator would keep as resident memory).
      chunk = c === 0 ? new Float64Array(FIRST_CAPACITY) : (this.spare ?? new Float64Array(CHUNK_ROWS));
      this.spare = undefined;
      this.chunks.push(chunk);
    } else if (off === chunk.length) {
      const grown = new Float64Array(Math.min(chunk.length * 2, CHUNK_ROWS));
      grown.set(chunk);
      chunk = grown;
      this.chunks[c] = chunk;
    }
    chunk[off] = value;
    this.length++;
    if (off === CHUNK_ROWS - 1) {
      const sealed = seal(chunk);
      if (sealed !== chunk) this.spare = chunk;
      this.chunks[c] = sealed;
    }
  }

  get(row: number): number {
    const chunk = this.chunks[row >>> CHUNK_SHIFT]!;
    return chunk !== null ? chunk[row & CHUNK_MASK]! : this.fault!(row);
  }

  /**
   * The chunk holding `row` (rows `row & ~(CHUNK_ROWS - 1)` onwards), for loops that stay in one
   * chunk. Only for resident rows: the pyramid reads new rows with it, and new rows are never spilled.
   */
  chunkOf(row: number): Chunk {
    const chunk = this.chunks[row >>> CHUNK_SHIFT];
    if (chunk == null) throw new RangeError(`row ${row} is not in memory`);
    return chunk;
  }

  /** Whether the chunk holding `row` is in memory. */
  resident(row: number): boolean {
    return this.chunks[row >>> CHUNK_SHIFT] != null;
  }

  /** Whether any row of [start, end) lives in a spilled chunk. */
  anySpilled(start: number, end: number): boolean {
    return end > start && start >>> CHUNK_SHIFT < this.spilledUpTo;
  }

  /** Sealed chunks (full ones: every chunk but an unfilled last one). */
  get sealedChunks(): number {
    return this.length >>> CHUNK_SHIFT;
  }

  /** Chunks spilled so far: chunks [0, spilledChunks) are on disk. */
  get spilledChunks(): number {
    return this.spilledUpTo;
  }

  /**
   * Drops the oldest resident chunk from memory (it must be sealed, and its rows readable through
   * `fault`). Returns the bytes freed.
   */
  spillNext(): number {
    const c = this.spilledUpTo;
    if (c >= this.sealedChunks) throw new RangeError(`chunk ${c} is not sealed: only full chunks spill`);
    if (this.fault === undefined) throw new Error('a column cannot spill without a way to read its rows back');
    const freed = this.chunks[c]!.byteLength;
    this.chunks[c] = null;
    this.spilledUpTo = c + 1;
    return freed;
  }

  /** First row in [lo, hi) whose value is ≥ x (hi when none); the column must be non-decreasing. */
  lowerBound(x: number, lo = 0, hi = this.length): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First row in [lo, hi) whose value is > x (hi when none); the column must be non-decreasing. */
  upperBound(x: number, lo = 0, hi = this.length): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.get(mid) <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rows [start, end) as a new array. */
  slice(start: number, end: number): Float64Array {
    const out = new Float64Array(Math.max(0, end - start));
    this.copyInto(out, 0, start, end);
    return out;
  }

  /** Copies rows [start, end) into `out` from `at` on. */
  copyInto(out: Float64Array, at: number, start: number, end: number): void {
    let row = start;
    while (row < end) {
      const chunk = this.chunks[row >>> CHUNK_SHIFT]!;
      const off = row & CHUNK_MASK;
      const n = Math.min(end - row, CHUNK_ROWS - off);
      if (chunk !== null) out.set(chunk.subarray(off, off + n), at + row - start);
      else for (let i = 0; i < n; i++) out[at + row - start + i] = this.fault!(row + i);
      row += n;
    }
  }

  /** Bytes of the typed arrays this column holds (allocated, not just used). */
  get bytes(): number {
    let total = 0;
    for (const c of this.chunks) total += c?.byteLength ?? 0;
    return total + (this.spare?.byteLength ?? 0);
  }
}

/** The narrowest exact representation of a full chunk. */
function seal(chunk: Float64Array): Chunk {
  for (let i = 0; i < chunk.length; i++) {
    const v = chunk[i]!;
    // −0 is an integer too, but Uint32 would store it as +0.
    if (v !== v >>> 0 || Object.is(v, -0)) return chunk;
  }
  return Uint32Array.from(chunk);
}
