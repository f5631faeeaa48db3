/**
 * Reads a run's spilled rows back from its session file (a SpillSource for the series store): the
 * pieces the RunIndex names are read with one positioned read per stretch of neighbouring pieces,
 * each gzip member checked by its CRC as on opening, and the run's `samples` records parsed.
 *
 * Synchronous on purpose: a window is answered synchronously, and a page is a few hundred kilobytes
 * of the file at most. The file stays open while the run is in the store, so a file renamed or
 * deleted meanwhile still reads (on systems that allow it).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { SAMPLE_WIDTH, SERIES_COUNT, withEnvelope, withLegacySeries } from '../../../shared/run/sample';
import type { SpillSource } from '../../../shared/series';
import { memberAt } from './gzip';
import type { RunIndex } from './row-index';

/** Neighbouring pieces are read at once up to this many bytes. */
const STRETCH_BYTES = 1 << 20;

export class SessionSpillSource implements SpillSource {
  private fd: number | undefined;
  private readonly prefix: string;

  constructor(
    private readonly path: string,
    private readonly gzip: boolean,
    /** The run's id in the file (the store may know it by another). */
    private readonly fileRunId: string,
    private readonly index: RunIndex,
    options: { openNow?: boolean } = {},
  ) {
    this.prefix = `{"t":"samples","run":${JSON.stringify(fileRunId)},`;
    if (options.openNow) this.fd = openSync(path, 'r');
  }

  get rows(): number {
    return this.index.rows;
  }

  extent(row: number): [number, number] {
    const piece = this.index.piece(this.index.find(row));
    return [piece.firstRow, piece.firstRow + piece.rows];
  }

  read(start: number, end: number): Float64Array[] {
    if (!(start >= 0 && end <= this.index.rows && start <= end))
      throw new RangeError(`${this.path}: rows ${start}–${end} of run ${this.fileRunId} are not in the file's index (${this.index.rows} rows)`);
    // Every row with its envelope (min = max = value where the file has none); the store keeps what it uses.
    const out = Array.from({ length: SAMPLE_WIDTH }, () => new Float64Array(end - start));
    if (start === end) return out;
    this.fd ??= openSync(this.path, 'r');
    let i = this.index.find(start);
    while (i < this.index.pieces) {
      const first = this.index.piece(i);
      if (first.firstRow >= end) break;
      // A stretch of pieces read at once: [first.offset, stop).
      let j = i;
      let stop = first.offset + first.size;
      while (j + 1 < this.index.pieces) {
        const next = this.index.piece(j + 1);
        if (next.firstRow >= end || next.offset + next.size - first.offset > STRETCH_BYTES) break;
        stop = next.offset + next.size;
        j++;
      }
      const bytes = Buffer.allocUnsafe(stop - first.offset);
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(this.fd, bytes, got, bytes.length - got, first.offset + got);
        if (n === 0)
          throw new Error(`${this.path}: the file ends at byte ${first.offset + got}, before the samples of run ${this.fileRunId} it held (was it changed?)`);
        got += n;
      }
      for (let k = i; k <= j; k++) {
        const piece = this.index.piece(k);
        this.piece(bytes, piece.offset - first.offset, piece, start, out);
      }
      i = j + 1;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Copies the rows of one piece that fall in [start, start + out length) into `out`. */
  private piece(bytes: Buffer, at: number, piece: { offset: number; size: number; firstRow: number; rows: number }, start: number, out: Float64Array[]): void {
    let text: string;
    if (this.gzip) {
      const m = memberAt(bytes.subarray(0, at + piece.size), at);
      if (m.kind !== 'member')
        throw new Error(`${this.path}: the gzip member at byte ${piece.offset} can no longer be read (${'reason' in m ? m.reason : 'not a sized member'})`);
      text = m.data.toString('utf8');
    } else {
      text = bytes.toString('utf8', at, at + piece.size);
    }
    const end = start + out[0]!.length;
    let row = piece.firstRow;
    let from = 0;
    while (from < text.length && row < end) {
      let nl = text.indexOf('\n', from);
      if (nl < 0) nl = text.length;
      // This build's writers put `t` and `run` first: other runs' samples are skipped unparsed. A line
      // of another shape (a hand-edited file) is parsed when it may be a samples record.
      const mine = text.startsWith(this.prefix, from);
      const other = !mine && text.startsWith('{"t":"samples","run":', from);
      if (mine || (!other && text.slice(from, nl).includes('"samples"'))) {
        const record = JSON.parse(text.slice(from, nl)) as { t?: unknown; run?: unknown; columns?: number[][]; min?: number[][]; max?: number[][] };
        if (record.t === 'samples' && record.run === this.fileRunId && record.columns !== undefined) {
          const cols =
            record.min !== undefined && record.max !== undefined
              ? [...withLegacySeries(record.columns), ...record.min, ...record.max]
              : withEnvelope(withLegacySeries(record.columns).slice(0, SERIES_COUNT));
          const n = cols[0]!.length;
          const lo = Math.max(row, start);
          const hi = Math.min(row + n, end);
          for (let s = 0; s < SAMPLE_WIDTH; s++) {
            const src = cols[s]!;
            const dst = out[s]!;
            for (let r = lo; r < hi; r++) dst[r - start] = src[r - row]!;
          }
          row += n;
        }
      }
      from = nl + 1;
    }
    if (row < Math.min(end, piece.firstRow + piece.rows))
      throw new Error(
        `${this.path}: the piece at byte ${piece.offset} holds fewer samples of run ${this.fileRunId} than when it was indexed (was the file changed?)`,
      );
  }
}
