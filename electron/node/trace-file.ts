/**
 * pymtrace files on disk: open by path (gzip when the name ends in `.gz`), stream the bytes through
 * the pure `TraceReader`, and hand out operation batches or a whole trace in typed columns.
 *
 * Errors name the path as the caller gave it: a bad line is a `TraceError` (`PATH:LINE: reason`), and
 * an unreadable file or a broken gzip stream an `Error` whose message starts with `PATH: `.
 */
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { OpBatch } from '../../shared/ops/op-batch';
import {
  type Checkpoint,
  DEFAULT_BATCH_SIZE,
  type ReadTraceOptions,
  type SiteTable,
  type TraceColumns,
  TraceColumnsBuilder,
  TraceError,
  TraceReader,
  type TraceSummary,
} from '../../shared/trace';
import { errorMessage, InputError } from '../../shared/errors';

export type TraceFileOptions = Omit<ReadTraceOptions, 'file'>;

/** One step of a streamed trace. The batch and the array are reused: valid until the next step. */
export interface TraceStep {
  batch: OpBatch;
  /** One record per OP_MARK of `batch`, in order (`index` is the mark's position in the batch). */
  checkpoints: readonly Checkpoint[];
  /** The reader, for its running counts (`slotCount`, `lineCount`, ...). */
  reader: TraceReader;
}

/** Bytes per read: large enough that per-chunk overhead vanishes next to the parse. */
const CHUNK_BYTES = 1 << 20;

/** The file's bytes, decompressed when the name ends in `.gz`, in chunks of about 1 MiB. */
export async function* traceBytes(path: string): AsyncGenerator<Uint8Array> {
  // Opening first turns a missing file into one clear error before any stream exists.
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  const file = handle.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: true });
  const gzip = path.endsWith('.gz');
  const source = gzip ? file.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : file;
  if (gzip) file.on('error', (error) => source.destroy(error));
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) yield chunk;
  } catch (error) {
    throw fileError(path, error);
  } finally {
    // Stops the read (and closes the file) when the consumer leaves early or an error came first.
    source.destroy();
    file.destroy();
  }
}

/**
 * Streams a trace as operation batches of `batchSize` (the last one may be shorter). The trace ends
 * with the implicit `end` checkpoint. Breaking out of the loop closes the file.
 */
export async function* readTraceBatches(path: string, options: TraceFileOptions = {}): AsyncGenerator<TraceStep> {
  const reader = new TraceReader({ ...options, file: path });
  const batch = new OpBatch(options.batchSize ?? DEFAULT_BATCH_SIZE);
  const checkpoints: Checkpoint[] = [];
  const step: TraceStep = { batch, checkpoints, reader };
  for await (const chunk of traceBytes(path)) {
    reader.push(chunk);
    while (reader.fill(batch, checkpoints)) {
      yield step;
      batch.clear();
      checkpoints.length = 0;
    }
  }
  reader.end();
  while (reader.fill(batch, checkpoints)) {
    yield step;
    batch.clear();
    checkpoints.length = 0;
  }
  if (batch.length > 0) yield step;
}

/** Calls `onBatch` for each batch (reused after it returns) and resolves with the trace's counts. */
export async function readTrace(
  path: string,
  onBatch: (batch: OpBatch, checkpoints: readonly Checkpoint[]) => void,
  options: TraceFileOptions = {},
): Promise<TraceSummary> {
  let reader: TraceReader | null = null;
  for await (const step of readTraceBatches(path, options)) {
    reader = step.reader;
    onBatch(step.batch, step.checkpoints);
  }
  // Every trace yields at least its `end` checkpoint, so the loop ran.
  return reader!.summary();
}

/** The site names of a trace with sites (record --origins; `#site` lines, anywhere in it): the whole file is read. */
export async function readTraceSites(path: string): Promise<SiteTable> {
  let reader: TraceReader | null = null;
  for await (const step of readTraceBatches(path)) reader = step.reader;
  return reader!.sites;
}

/** Reads a whole trace into typed columns, so that a replay loop can be timed alone. */
export async function loadTrace(path: string, options: TraceFileOptions = {}): Promise<TraceColumns> {
  const builder = new TraceColumnsBuilder();
  let reader: TraceReader | null = null;
  for await (const step of readTraceBatches(path, options)) {
    reader = step.reader;
    builder.add(step.batch, step.checkpoints);
  }
  return builder.finish(reader!);
}

/**
 * Opens a trace and reads its first batch: a missing or unreadable file, or one that is no trace at
 * all, fails here with the message a replay would give (before any worker starts).
 */
export async function checkTraceFile(path: string): Promise<void> {
  for await (const _step of readTraceBatches(path, { batchSize: 1024 })) break;
}

/** A trace file that cannot be opened or decompressed; the message starts with the path. */
export class TraceFileError extends InputError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TraceFileError';
  }
}

function fileError(path: string, error: unknown): Error {
  if (error instanceof TraceError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const detail =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a trace file'
        : code === 'EACCES'
          ? 'permission denied'
          : code?.startsWith('Z_')
            ? `not a valid gzip file (${errorMessage(error)})`
            : errorMessage(error);
  return new TraceFileError(path, `${path}: cannot read trace: ${detail}`, { cause: error });
}
