/**
 * Where each run's samples lie in a session file, so that rows spilled from memory can be read back
 * without reading the file from the start: per run, the pieces of the file (a gzip member, or a
 * block of plain lines) holding its samples, each with the first row it holds and how many.
 *
 * Not stored in the file: the writer builds it as it flushes and the reader as it streams the file
 * (it reads every sample anyway to build the pyramids), so the format did not change for it and files
 * written before it spill too. Pieces must follow each other row by row; the first one that does not
 * (or a line split across two members) ends the index for that run: rows after it stay in memory.
 */
export class RunIndex {
  private readonly offsets: number[] = [];
  private readonly sizes: number[] = [];
  private readonly firstRows: number[] = [];
  /** Rows [0, rows) are indexed. */
  rows = 0;
  private ended = false;

  /** A piece at [offset, offset + size) holding rows [firstRow, firstRow + count) of the run. */
  add(offset: number, size: number, firstRow: number, count: number): void {
    if (this.ended || count <= 0) return;
    const last = this.offsets.length - 1;
    if (firstRow !== this.rows || (last >= 0 && offset < this.offsets[last]! + this.sizes[last]!)) {
      this.ended = true;
      return;
    }
    this.offsets.push(offset);
    this.sizes.push(size);
    this.firstRows.push(firstRow);
    this.rows += count;
  }

  /** No more pieces: the rest of the run cannot be read back. */
  end(): void {
    this.ended = true;
  }

  get pieces(): number {
    return this.offsets.length;
  }

  /** The piece holding `row` (row < rows). */
  find(row: number): number {
    let lo = 0;
    let hi = this.firstRows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.firstRows[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  piece(i: number): { offset: number; size: number; firstRow: number; rows: number } {
    const next = i + 1 < this.firstRows.length ? this.firstRows[i + 1]! : this.rows;
    return { offset: this.offsets[i]!, size: this.sizes[i]!, firstRow: this.firstRows[i]!, rows: next - this.firstRows[i]! };
  }
}
