/**
 * A run's memory budget: once the full-resolution chunks of its value series outgrow the budget,
 * the oldest sealed ones are dropped from memory, because the session file already holds their rows
 * (the host writes every sample there as it arrives). When a window needs a dropped row — only at the
 * two ends of a range, or everywhere when zoomed in to a few samples per point — the run reads the
 * page holding it back from the file into a small cache.
 *
 * What stays in memory whatever the run's length: the x axes (op, wall_ms) at full resolution, which
 * place the buckets of every window and check every page read back, and each series' min/max pyramid,
 * which answers every bucket that spans whole groups of rows. Both grow, but at ≈ 30 bytes a sample
 * instead of the columns' 56–112 (docs/runs.md gives the figures).
 *
 * Pure TypeScript: the file is read through a SpillSource the host supplies.
 */
import { SAMPLE_COLUMN_KEYS, SERIES } from '../run/sample';
import { CHUNK_ROWS } from './chunked-column';

/** Where a run's spilled rows are read back from: the session file it is being written to (or was read from). */
export interface SpillSource {
  /** Rows [0, rows) of the run are in the file and can be read back (what has been written and indexed). */
  readonly rows: number;
  /**
   * Rows [start, end) (end ≤ rows) as columns in SERIES order, then the envelope's (SAMPLE_WIDTH in
   * all) when the run has one. Synchronous; throws when the file cannot be read.
   */
  read(start: number, end: number): Float64Array[];
  /**
   * The rows stored together with `row` (a gzip member holds many): reading any of them costs what
   * reading all of them does, so the run takes them all at once (up to MAX_READ_PAGES pages).
   */
  extent?(row: number): [number, number];
  /** The run left the store: release what the source holds (an open file). */
  close?(): void;
}

/** Pages read back at once at most, when the file stores more rows together. */
const MAX_READ_PAGES = 16;

export interface SpillOptions {
  /** Bytes of full-resolution value chunks a run keeps in memory before spilling the oldest (default 32 MiB). */
  budgetBytes?: number;
  /** Pages of read-back rows kept per run (default 64, ≈ 7 MB; a page is PAGE_ROWS rows of every series). */
  pageCache?: number;
}

export const DEFAULT_SPILL_BUDGET = 32 * 1024 * 1024;
const DEFAULT_PAGE_CACHE = 64;
/** Rows read back at once: small enough to read fast, aligned so that a page lies inside one chunk. */
export const PAGE_SHIFT = 10;
export const PAGE_ROWS = 1 << PAGE_SHIFT;
if (CHUNK_ROWS % PAGE_ROWS !== 0) throw new Error('CHUNK_ROWS must be a multiple of PAGE_ROWS');

/** The x axes never spill (see above). */
export const RESIDENT_SERIES = 2;

export interface SpillStats {
  /** Chunks of each value series spilled so far. */
  spilledChunks: number;
  /** Bytes of value chunks in memory (what the budget bounds). */
  residentValueBytes: number;
  /** Bytes of pages read back and cached. */
  cacheBytes: number;
  /** Pages read back from the file since the run started. */
  pagesRead: number;
  budgetBytes: number;
}

interface ColumnLike {
  length: number;
  get(row: number): number;
  readonly bytes: number;
  readonly sealedChunks: number;
  readonly spilledChunks: number;
  fault: ((row: number) => number) | undefined;
  spillNext(): number;
}

export class RunSpill {
  readonly budgetBytes: number;
  private readonly pageCache: number;
  /** Read-back pages by page number, least recently used first (Map keeps insertion order). */
  private readonly pages = new Map<number, Float64Array[]>();
  /** The page the last fault used, for the common case of reading along one page. */
  private lastPage = -1;
  private lastColumns: Float64Array[] | undefined;
  private pagesRead = 0;

  constructor(
    private readonly runId: string,
    private readonly columns: readonly ColumnLike[],
    private readonly source: SpillSource,
    options: SpillOptions = {},
  ) {
    this.budgetBytes = options.budgetBytes ?? DEFAULT_SPILL_BUDGET;
    this.pageCache = Math.max(1, options.pageCache ?? DEFAULT_PAGE_CACHE);
    if (!(this.budgetBytes >= 0)) throw new RangeError(`spill budget must be a number of bytes ≥ 0, got ${this.budgetBytes}`);
    this.adopt();
  }

  /** Reads every value column's spilled rows back through this spill (again after the run gained its envelope's columns). */
  adopt(): void {
    for (let s = RESIDENT_SERIES; s < this.columns.length; s++) {
      const series = s;
      this.columns[s]!.fault = (row) => this.valueAt(series, row);
    }
  }

  /**
   * Spills the oldest chunks while the value columns exceed the budget and the file holds their rows.
   *
   * Called for every append, so it first asks whether anything it depends on moved since the last
   * time: only sealed chunks spill, and the resident bytes change only when a chunk is sealed,
   * spilled or begun, or columns are added (the first chunk's doublings happen before anything is
   * sealed, when there is nothing to spill). Summing every chunk of every column for each append
   * was a tenth of opening a week's session file.
   */
  enforce(): void {
    const first = this.columns[RESIDENT_SERIES]!;
    const sealed = first.sealedChunks;
    if (sealed === 0) return;
    const key = this.lastLook;
    const begun = first.length > sealed * CHUNK_ROWS ? 1 : 0;
    const fileChunks = Math.floor(this.source.rows / CHUNK_ROWS);
    if (key[0] === sealed && key[1] === first.spilledChunks && key[2] === fileChunks && key[3] === begun && key[4] === this.columns.length) return;
    let resident = this.residentValueBytes();
    while (resident > this.budgetBytes) {
      const c = first.spilledChunks;
      if (c >= first.sealedChunks || (c + 1) * CHUNK_ROWS > this.source.rows) break;
      for (let s = RESIDENT_SERIES; s < this.columns.length; s++) resident -= this.columns[s]!.spillNext();
    }
    key[0] = sealed;
    key[1] = first.spilledChunks;
    key[2] = fileChunks;
    key[3] = begun;
    key[4] = this.columns.length;
  }

  /** What enforce() last looked at: sealed and spilled chunks, whole chunks in the file, a chunk begun after the sealed ones, columns. */
  private readonly lastLook = new Float64Array(5).fill(-1);

  stats(): SpillStats {
    return {
      spilledChunks: this.columns[RESIDENT_SERIES]!.spilledChunks,
      residentValueBytes: this.residentValueBytes(),
      cacheBytes: this.cacheBytes,
      pagesRead: this.pagesRead,
      budgetBytes: this.budgetBytes,
    };
  }

  get cacheBytes(): number {
    let total = 0;
    for (const page of this.pages.values()) for (const c of page) total += c.byteLength;
    return total;
  }

  close(): void {
    this.pages.clear();
    this.lastColumns = undefined;
    this.source.close?.();
  }

  private residentValueBytes(): number {
    let total = 0;
    for (let s = RESIDENT_SERIES; s < this.columns.length; s++) total += this.columns[s]!.bytes;
    return total;
  }

  private valueAt(series: number, row: number): number {
    const p = row >>> PAGE_SHIFT;
    if (p !== this.lastPage) {
      this.lastColumns = this.page(p);
      this.lastPage = p;
    }
    return this.lastColumns![series]![row & (PAGE_ROWS - 1)]!;
  }

  private page(p: number): Float64Array[] {
    const cached = this.pages.get(p);
    if (cached !== undefined) {
      // Most recently used goes last.
      this.pages.delete(p);
      this.pages.set(p, cached);
      return cached;
    }
    // The pages the file stores together with this one, within reach: [first, last).
    let first = p;
    let last = p + 1;
    if (this.source.extent !== undefined) {
      const [a, b] = this.source.extent(p * PAGE_ROWS);
      const reach = Math.min(MAX_READ_PAGES, this.pageCache);
      first = Math.max(Math.floor(a / PAGE_ROWS), p - (reach >> 1), 0);
      last = Math.min(Math.ceil(b / PAGE_ROWS), first + reach, Math.floor(this.source.rows / PAGE_ROWS));
      if (last <= p) last = p + 1;
      if (first > p) first = p;
    }
    const start = first * PAGE_ROWS;
    const end = last * PAGE_ROWS;
    // A source may hold an envelope the run does not keep (a file's rows all read alike): what it keeps is checked.
    const columns = this.source.read(start, end).slice(0, this.columns.length);
    this.pagesRead += last - first;
    this.check(columns, start, end);
    let wanted: Float64Array[] | undefined;
    for (let q = first; q < last; q++) {
      const page = q === first && last === first + 1 ? columns : columns.map((c) => c.slice((q - first) * PAGE_ROWS, (q - first + 1) * PAGE_ROWS));
      if (q === p) wanted = page;
      this.pages.delete(q);
      if (this.pages.size >= this.pageCache) this.pages.delete(this.pages.keys().next().value!);
      this.pages.set(q, page);
    }
    // The wanted page is the most recently used.
    this.pages.delete(p);
    this.pages.set(p, wanted!);
    return wanted!;
  }

  /**
   * The rows read back must be the rows the store was given: the x axes, which never leave memory,
   * say whether they are (a file changed behind the host's back, or an index off by a row, would show).
   */
  private check(columns: Float64Array[], start: number, end: number): void {
    const where = `run ${this.runId}: reading rows ${start}–${end - 1} back from the session file`;
    if (columns.length !== this.columns.length) throw new Error(`${where}: got ${columns.length} columns, expected ${this.columns.length}`);
    for (let s = 0; s < columns.length; s++) {
      if (columns[s]!.length !== end - start) throw new Error(`${where}: column ${SAMPLE_COLUMN_KEYS[s]} has ${columns[s]!.length} rows`);
    }
    for (let a = 0; a < RESIDENT_SERIES; a++) {
      const axis = this.columns[a]!;
      const read = columns[a]!;
      for (let i = 0; i < read.length; i++) {
        if (read[i] !== axis.get(start + i)) {
          throw new Error(
            `${where}: the file's ${SERIES[a]!.key} at row ${start + i} is ${read[i]}, the store's is ${axis.get(start + i)} (the file changed?)`,
          );
        }
      }
    }
  }
}
