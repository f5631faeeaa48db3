/**
 * Writes a session file while its runs go (format: docs/session-format.md), so that a host that is
 * killed loses at most the last `flushMs` (2 s) of what it was told.
 *
 * Calls only queue records; a timer started by the first record queued after a flush writes them all
 * at once `flushMs` later: one gzip member (compressed on the thread pool) or a block of lines,
 * appended and synced with asynchronous file calls. The main thread pays only for turning the batch
 * into JSON, so writing never blocks for long, and an idle session does not wake the disk.
 *
 * Records are checked against the reader's schemas before they are queued: a file this writer wrote
 * is one the reader opens. A write error is kept: later flushes reject with it, the timer-driven ones
 * report it through `onError`.
 */
import { type FileHandle, open } from 'node:fs/promises';
import * as v from 'valibot';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { ENVELOPE_KEYS, SAMPLE_COLUMN_KEYS, SAMPLE_WIDTH, SERIES, SERIES_COUNT, splitEnvelope, withEnvelope } from '../../../shared/run/sample';
import { sizedMember } from './gzip';
import { RunIndex } from './row-index';
import { SessionSpillSource } from './spill';
import {
  type BodyRecord,
  BodyRecordSchema,
  type HeaderRecord,
  type RunMeta,
  type RunStatus,
  SAMPLES_PER_RECORD,
  SESSION_FORMAT,
  SESSION_VERSION,
  type StartedInfo,
} from './records';
import { describeIssues } from '../../../shared/protocol/issues';
import { errorMessage } from '../../../shared/errors';

export const DEFAULT_FLUSH_MS = 2000;

/** The timer the writer schedules flushes with; tests inject a manual one. */
export interface FlushTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: FlushTimer = {
  // Unref'd: a pending flush must not keep a command-line process alive; close() flushes anyway.
  set: (callback, ms) => setTimeout(callback, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SessionWriterOptions {
  /** Longest time a record waits before it is written (default 2000 ms). */
  flushMs?: number;
  timer?: FlushTimer;
  /** Sync each flush to the disk, so that a power cut loses no more than a crash (default true). */
  fsync?: boolean;
  /** Replace an existing file (default false: refuse, so that no session is overwritten by accident). */
  overwrite?: boolean;
  /** Gzip members (default: when the path ends in `.gz`). */
  gzip?: boolean;
  /** Errors of timer-driven flushes (default: ignored here; the next flush() or close() rejects with them). */
  onError?: (error: Error) => void;
  /** Clock for the header's and the end record's timestamps. */
  now?: () => Date;
  /** Application name and version for the header. */
  app?: string;
}

/** What the writer remembers of each run: enough to check that the x axes never go backwards. */
interface RunState {
  lastOp: number;
  lastWallMs: number;
  /** Samples queued since the last flush, as columns. */
  pending: number[][] | undefined;
  coalesced: number;
  /** Rows handed to flushes so far. */
  drained: number;
  /** Where its written samples are, for reading spilled rows back. */
  index: RunIndex;
}

/** One flush's text and, per run, the rows it carries: [firstRow, count]. */
interface Batch {
  text: string;
  rows: Map<RunIndex, [number, number]>;
}

export class SessionWriter {
  private readonly runs = new Map<string, RunState>();
  /** Records other than samples and statuses, in call order. */
  private ordered: string[] = [];
  /** The latest status per run since the last flush: only the last one matters. */
  private statuses = new Map<string, string>();
  /** The end record, written after everything else by close(). */
  private end: string | undefined;
  private timerHandle: unknown = undefined;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private closed = false;
  private written = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly flushMs: number,
    private readonly timer: FlushTimer,
    private readonly fsync: boolean,
    private readonly gzip: boolean,
    private readonly now: () => Date,
    private readonly onError: ((error: Error) => void) | undefined,
  ) {}

  /** Creates the file and writes its header record before resolving. */
  static async open(path: string, options: SessionWriterOptions = {}): Promise<SessionWriter> {
    let handle: FileHandle;
    try {
      handle = await open(path, options.overwrite ? 'w' : 'wx');
    } catch (error) {
      throw new Error(`${path}: cannot create the session file: ${errorMessage(error)}`, { cause: error });
    }
    const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
    const now = options.now ?? (() => new Date());
    const writer = new SessionWriter(
      path,
      handle,
      flushMs,
      options.timer ?? realTimer,
      options.fsync ?? true,
      options.gzip ?? path.endsWith('.gz'),
      now,
      options.onError,
    );
    const header: HeaderRecord = {
      t: 'session',
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      createdAt: now().toISOString(),
      series: SERIES.map((s) => s.key),
      envelope: [...ENVELOPE_KEYS],
      flushMs,
      ...(options.app !== undefined && { app: options.app }),
    };
    // The header is a member of its own: the file is a readable session from its first flush.
    writer.ordered.push(JSON.stringify(header));
    await writer.flush().catch(async (error: unknown) => {
      await handle.close().catch(() => undefined);
      throw error;
    });
    return writer;
  }

  /** Bytes written to the file so far. */
  get bytesWritten(): number {
    return this.written;
  }

  addRun(runId: string, config: RunConfig, meta: RunMeta = {}): void {
    this.checkOpen();
    if (this.runs.has(runId)) throw new Error(`${this.path}: run ${runId} was already added`);
    this.queue({ t: 'run', run: runId, config, ...meta });
    this.runs.set(runId, { lastOp: -Infinity, lastWallMs: -Infinity, pending: undefined, coalesced: 0, drained: 0, index: new RunIndex() });
  }

  /**
   * Reads the run's written samples back (rows [0, rows) of what appendSamples was given, once
   * flushed): the series store spills to the file through it. It outlives the writer: the file stays.
   */
  spillSource(runId: string): SessionSpillSource {
    const run = this.run(runId);
    return new SessionSpillSource(this.path, this.gzip, runId, run.index);
  }

  /** The worker's `started` report: engine and workload versions, effective parameters. */
  setStarted(runId: string, info: StartedInfo): void {
    this.run(runId);
    this.queue({ t: 'started', run: runId, ...info });
  }

  /**
   * Sample rows as columns in SERIES order, then the envelope's (SAMPLE_WIDTH columns), as a
   * worker's `samples` message carries them; SERIES_COUNT columns for rows without an envelope. Throws
   * RangeError, queuing nothing, on a missing or short column, a value that is not finite, or an x axis
   * (`op`, `wall_ms`) going backwards: the reader would refuse the record.
   */
  appendSamples(runId: string, given: readonly ArrayLike<number>[], coalesced = 0): void {
    const run = this.run(runId);
    if (given.length !== SERIES_COUNT && given.length !== SAMPLE_WIDTH) {
      throw new RangeError(
        `run ${runId}: expected ${SAMPLE_WIDTH} columns (SERIES order, then the envelope's minima and maxima) or ${SERIES_COUNT} (no envelope), got ${given.length}`,
      );
    }
    // Rows queued with an envelope and rows without: the latter stand for min = max = value.
    const columns = given.length === SERIES_COUNT && run.pending?.length === SAMPLE_WIDTH ? withEnvelope(given) : given;
    const rows = columns[0]!.length;
    for (let s = 0; s < columns.length; s++) {
      const col = columns[s]!;
      if (col.length !== rows) throw new RangeError(`run ${runId}: column ${SAMPLE_COLUMN_KEYS[s]} has ${col.length} rows, column op has ${rows}`);
      for (let i = 0; i < rows; i++) if (!Number.isFinite(col[i])) throw new RangeError(`run ${runId}: ${SAMPLE_COLUMN_KEYS[s]}[${i}] is not a finite number`);
    }
    if (!Number.isSafeInteger(coalesced) || coalesced < 0) throw new RangeError(`run ${runId}: coalesced must be a count, got ${coalesced}`);
    let { lastOp, lastWallMs } = run;
    for (let i = 0; i < rows; i++) {
      const op = columns[0]![i]!;
      const wall = columns[1]![i]!;
      if (op < lastOp || wall < lastWallMs)
        throw new RangeError(`run ${runId}: op or wall_ms goes backwards at row ${i} (op ${lastOp} → ${op}, wall_ms ${lastWallMs} → ${wall})`);
      lastOp = op;
      lastWallMs = wall;
    }
    run.coalesced += coalesced;
    if (rows === 0) return;
    run.lastOp = lastOp;
    run.lastWallMs = lastWallMs;
    if (run.pending !== undefined && run.pending.length < columns.length) {
      // Rows with an envelope after rows without, in one flush: the earlier ones gain theirs (min = max = value).
      run.pending = [...withEnvelope(run.pending)].map((c) => [...c]);
    }
    run.pending ??= Array.from({ length: columns.length }, () => []);
    for (let s = 0; s < columns.length; s++) {
      const target = run.pending[s]!;
      const col = columns[s]!;
      for (let i = 0; i < rows; i++) target.push(col[i]!);
    }
    this.schedule();
  }

  addPhase(runId: string, op: number, label: string): void {
    this.run(runId);
    this.queue({ t: 'phase', run: runId, op, label });
  }

  /** The run's state now; a `failed` or `crashed` run gives its reason. Only the last one per flush is written. */
  setStatus(runId: string, status: RunStatus): void {
    this.run(runId);
    const record: BodyRecord = { t: 'status', run: runId, ...status };
    this.check(record);
    this.statuses.set(runId, JSON.stringify(record));
    this.schedule();
  }

  /** Writes everything queued now. Resolves when it is on disk (synced unless `fsync` is off). */
  flush(): Promise<void> {
    if (this.timerHandle !== undefined) {
      this.timer.clear(this.timerHandle);
      this.timerHandle = undefined;
    }
    const batch = this.drain();
    if (batch.text !== '') {
      this.writing = this.writing.then(() => this.write(batch));
      // A failed write keeps failing later ones (the chain stays rejected) without unhandled rejections.
      this.writing.catch(() => undefined);
    }
    return this.writing;
  }

  /** Flushes, writes the end record and closes the file. Later calls do nothing. */
  async close(): Promise<void> {
    if (this.closed) return this.writing;
    this.end = JSON.stringify({ t: 'end', closedAt: this.now().toISOString() });
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.handle.close().catch(() => undefined);
    }
  }

  private queue(record: BodyRecord): void {
    this.check(record);
    this.ordered.push(JSON.stringify(record));
    this.schedule();
  }

  private check(record: BodyRecord): void {
    const r = v.safeParse(BodyRecordSchema, record);
    if (!r.success) throw new RangeError(`${this.path}: cannot record ${record.t}: ${describeIssues(r.issues)}`);
  }

  private schedule(): void {
    if (this.timerHandle !== undefined || this.closed) return;
    this.timerHandle = this.timer.set(() => {
      this.timerHandle = undefined;
      this.flush().catch((error: unknown) => this.onError?.(error as Error));
    }, this.flushMs);
  }

  /** Everything queued as lines, in an order the reader accepts: runs before their samples, the end last. */
  private drain(): Batch {
    const lines = this.ordered;
    this.ordered = [];
    const batchRows = new Map<RunIndex, [number, number]>();
    for (const [id, run] of this.runs) {
      const cols = run.pending;
      if (cols === undefined) continue;
      run.pending = undefined;
      const rows = cols[0]!.length;
      batchRows.set(run.index, [run.drained, rows]);
      run.drained += rows;
      for (let start = 0; start < rows; start += SAMPLES_PER_RECORD) {
        const end = Math.min(rows, start + SAMPLES_PER_RECORD);
        const part = start === 0 && end === rows ? cols : cols.map((c) => c.slice(start, end));
        const record: Record<string, unknown> = { t: 'samples', run: id, ...splitEnvelope(part) };
        // The batch's coalesced count goes with its first record.
        if (start === 0 && run.coalesced > 0) record['coalesced'] = run.coalesced;
        lines.push(JSON.stringify(record));
      }
      run.coalesced = 0;
    }
    for (const line of this.statuses.values()) lines.push(line);
    this.statuses.clear();
    if (this.end !== undefined) lines.push(this.end);
    this.end = undefined;
    return { text: lines.length === 0 ? '' : lines.join('\n') + '\n', rows: batchRows };
  }

  private async write(batch: Batch): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      const raw = Buffer.from(batch.text, 'utf8');
      const data = this.gzip ? await sizedMember(raw) : raw;
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await this.handle.write(data, done, data.length - done);
        done += bytesWritten;
      }
      const offset = this.written;
      this.written += data.length;
      // Written (the OS has it, so a read sees it): the rows can now leave memory.
      for (const [index, [first, count]] of batch.rows) index.add(offset, data.length, first, count);
      if (this.fsync) await this.handle.datasync();
    } catch (error) {
      this.failure = new Error(`${this.path}: cannot write the session file: ${errorMessage(error)}`, { cause: error });
      throw this.failure;
    }
  }

  private run(runId: string): RunState {
    this.checkOpen();
    const run = this.runs.get(runId);
    if (run === undefined) throw new Error(`${this.path}: run ${runId} was not added`);
    return run;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`${this.path}: the session writer is closed`);
  }
}
