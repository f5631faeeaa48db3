/**
 * Opens a session file (docs/session-format.md): gzip (sized members) or plain, recognised by its
 * first bytes rather than its name. Every record is validated; the samples go into a SeriesStore.
 *
 * Damage after the header does not lose the session: reading stops at the first torn or invalid
 * record (or gzip member), keeps everything before it, and says in a warning where it stopped and
 * which runs may be missing samples. A file that is not a session, has a damaged header, or has a
 * format version this build does not know is refused with a SessionFileError.
 *
 * The file is streamed, never read whole: one gzip member at a time (members past MAX_MEMBER_BYTES,
 * and streams another gzip tool wrote, go through a streaming inflater), plain text READ_BYTES at a
 * time. Beyond the store it fills, reading holds a bounded amount of the file: `reading.largestHeld`
 * says how much it did. With `spill`, each run's old rows leave memory while it loads (the store's
 * budget) and are read back from this file when a window needs them (./session-spill.ts).
 */
import { type FileHandle, open } from 'node:fs/promises';
import { constants, createGunzip } from 'node:zlib';
import * as v from 'valibot';
import { ENVELOPE_KEYS, SERIES_COUNT, seriesOfSessionVersion, withLegacySeries } from '../../../shared/run/sample';
import { SeriesStore } from '../../../shared/series';
import { SessionFileError } from './error';
import { inflatePrefix, inflateRun, isGzip, MEMBER_HEAD_BYTES, memberAt, memberHead, memberRun } from './gzip';
import { samplesRecordFast } from './samples-fast';
import { RunIndex } from './row-index';
import { SessionSpillSource } from './spill';
import type { Session, SessionRun } from './model';
import { type BodyRecord, BodyRecordSchema, FINAL_STATES, type HeaderRecord, HeaderRecordSchema, SESSION_FORMAT, READABLE_SESSION_VERSIONS } from './records';
import { describeIssues } from '../../../shared/protocol/issues';
import { errorMessage } from '../../../shared/errors';

export interface OpenSessionOptions {
  /** Store to load the samples into (default: a new one). */
  store?: SeriesStore;
  /** Id to give a run in the store, e.g. to avoid clashing with runs already there. */
  runId?: (idInFile: string) => string;
  /** Bound each run's memory by the store's spill budget, reading old rows back from this file (default false). */
  spill?: boolean;
  /** Bytes of plain text read at once (default READ_BYTES). */
  readBytes?: number;
  /** Gzip members larger than this are inflated as a stream (default MAX_MEMBER_BYTES). */
  maxMemberBytes?: number;
}

/** How much of the file reading held at once, besides what went into the store. */
export interface ReadStats {
  /** Bytes read from the file. */
  bytesRead: number;
  /** The most bytes of the file (raw or inflated text not yet parsed) held at one time. */
  largestHeld: number;
}

export interface OpenedSession {
  session: Session;
  /** One line per problem: where reading stopped and what may be missing. Empty for an intact file. */
  warnings: string[];
  reading: ReadStats;
}

/** Plain text is read this many bytes at a time. */
export const READ_BYTES = 1 << 20;
/**
 * Members up to this size are read and checked whole; a larger one (no writer of this build makes
 * them: a flush is seconds of samples, a save-as member about 1 MB of text) is inflated as a stream.
 */
export const MAX_MEMBER_BYTES = 16 << 20;
/** A line longer than this is damage, not a record (the longest record, 8192 rows of 14 series, is ≈ 3 MB). */
export const MAX_LINE_BYTES = 64 << 20;

/** Bytes read first to decide whether a file is a session at all, before reading all of it. */
const PROBE_BYTES = 1 << 16;
/** Reading hands the event loop back this often (ms), so a host loading a big file stays responsive. */
const YIELD_MS = 10;

export async function openSession(file: string, options: OpenSessionOptions = {}): Promise<OpenedSession> {
  const { handle, size, gzip } = await openChecked(file);
  try {
    const loader = new Loader(file, options, handle, size, gzip);
    try {
      if (gzip) await loader.readGzip();
      else await loader.readPlain();
    } catch (error) {
      if (error instanceof SessionFileError) throw error;
      throw new SessionFileError(file, undefined, `cannot read: ${errorMessage(error)}`, { cause: error });
    }
    return loader.finish();
  } finally {
    await handle.close();
  }
}

/** The open file, once its first record shows it is a session this build reads. */
async function openChecked(file: string): Promise<{ handle: FileHandle; size: number; gzip: boolean }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new SessionFileError(file, undefined, `cannot open: ${errorMessage(error)}`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new SessionFileError(file, undefined, 'empty file: not an Arenascope session');
    const probe = Buffer.alloc(Math.min(size, PROBE_BYTES));
    await handle.read(probe, 0, probe.length, 0);
    let head: Buffer;
    const gzip = isGzip(probe);
    if (gzip) {
      const first = memberAt(probe, 0);
      if (first.kind === 'corrupt') throw new SessionFileError(file, 1, `damaged: ${first.reason}`);
      if (first.kind === 'truncated' && probe.length === size) throw new SessionFileError(file, 1, `truncated inside the header: ${first.reason}`);
      head = first.kind === 'member' ? first.data : inflatePrefix(probe);
    } else {
      head = probe;
    }
    const nl = head.indexOf(10);
    // Whether the header line is whole: a short file may simply lack its line end.
    const complete = nl >= 0 || head.length === size;
    parseHeader(file, head.subarray(0, nl >= 0 ? nl : head.length).toString('utf8'), complete);
    return { handle, size, gzip };
  } catch (error) {
    await handle.close();
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(file, undefined, `cannot read: ${errorMessage(error)}`, { cause: error });
  }
}

/** How a pymtrace trace starts (docs/trace-format.md). */
const TRACE_MAGIC = '#pymtrace';

/** How the writer starts every file (the header's first field). */
const HEADER_START = '{"t":"session"';

/** Record 1, or why the file is not a session this build can read. */
function parseHeader(file: string, line: string, complete: boolean): HeaderRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    // A header cut short (or damaged) still starts like one.
    if (line.startsWith(HEADER_START)) throw new SessionFileError(file, 1, 'the header record is cut off or damaged');
    const why = complete ? 'the first record is not JSON' : 'no header line at the start';
    // A trace given where a session was expected: say what it is and what opens it.
    const trace = line.startsWith(TRACE_MAGIC) ? `; it is a pymtrace trace: replay it (\`replay ${file} --python VERSION\`, or the trace-replay workload)` : '';
    throw new SessionFileError(file, undefined, `not an Arenascope session (${why})${trace}`);
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== SESSION_FORMAT) {
    throw new SessionFileError(file, undefined, `not an Arenascope session (the first record has no "format": "${SESSION_FORMAT}")`);
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version !== 'number' || !READABLE_SESSION_VERSIONS.includes(version)) {
    throw new SessionFileError(
      file,
      1,
      `session format version ${JSON.stringify(version)} is not supported (this build reads versions ${READABLE_SESSION_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_SESSION_VERSIONS.at(-1)})`,
    );
  }
  const parsed = v.safeParse(HeaderRecordSchema, json);
  if (!parsed.success) throw new SessionFileError(file, 1, `bad header: ${describeIssues(parsed.issues)}`);
  // An older file holds the series of its version only (a prefix of SERIES); the later ones read as 0.
  const keys = seriesOfSessionVersion(version);
  if (parsed.output.series.join(',') !== keys.join(',')) {
    throw new SessionFileError(
      file,
      1,
      `bad header: series [${parsed.output.series.join(', ')}] differ from what this build reads in a version-${version} file: [${keys.join(', ')}]`,
    );
  }
  // A version-2 file has no envelope; a version-3 one names the series its `min` and `max` columns stand for.
  const envelope = parsed.output.envelope ?? [];
  if (version >= 3 ? envelope.join(',') !== ENVELOPE_KEYS.join(',') : envelope.length > 0) {
    throw new SessionFileError(
      file,
      1,
      `bad header: envelope [${envelope.join(', ')}] differs from this build's [${version >= 3 ? ENVELOPE_KEYS.join(', ') : ''}]`,
    );
  }
  return parsed.output;
}

/** A reason to stop reading. */
interface Stop {
  /** `truncated`: the file ends early; `damaged`: something in it is wrong. */
  kind: 'truncated' | 'damaged';
  reason: string;
  /** Where, e.g. `at byte 1234` or `in the gzip member at byte 1234`. */
  where: string;
}

/** Says where a line starting at a character offset of the text being read lies in the file. */
type Locate = (charOffset: number) => string;

/** Rows of one run taken from the piece of the file being read (a gzip member or a plain line). */
interface PieceRows {
  index: RunIndex;
  first: number;
  count: number;
}

/** Builds the session record by record; stops at the first problem. */
class Loader {
  private readonly store: SeriesStore;
  private readonly runs = new Map<string, SessionRun>();
  private readonly order: SessionRun[] = [];
  /** Per run (by its id in the file): rows loaded so far and where they lie in the file. */
  private readonly indexes = new Map<string, RunIndex>();
  private readonly rowsLoaded = new Map<string, number>();
  /** The store's id of each index's run. */
  private readonly indexed = new Map<RunIndex, string>();
  /** Rows taken from the current piece, indexed once the piece has been read whole. */
  private pieceRows: PieceRows[] = [];
  private header: HeaderRecord | undefined;
  private closedAt: string | undefined;
  /** Records accepted so far (the header is record 1). */
  private records = 0;
  private stop: Stop | undefined;
  private lastYield = performance.now();
  private readonly stats: ReadStats = { bytesRead: 0, largestHeld: 0 };

  constructor(
    private readonly file: string,
    private readonly options: OpenSessionOptions,
    private readonly handle: FileHandle,
    private readonly size: number,
    private readonly gzip: boolean,
  ) {
    this.store = options.store ?? new SeriesStore();
  }

  /**
   * Walks sized gzip members one by one, read READ_BYTES at a time (a member larger than what is
   * buffered gets a read of its own); a foreign (or huge) member ends the walk with the rest of the
   * file inflated as a stream.
   */
  async readGzip(): Promise<void> {
    const maxMember = this.options.maxMemberBytes ?? MAX_MEMBER_BYTES;
    const readBytes = this.options.readBytes ?? READ_BYTES;
    // The file's bytes [bufferAt, bufferAt + buffer.length).
    let buffer: Buffer = Buffer.alloc(0);
    let bufferAt = 0;
    const bytesAt = async (offset: number, length: number): Promise<Buffer> => {
      if (offset < bufferAt || offset + length > bufferAt + buffer.length) {
        buffer = await this.read(offset, Math.min(this.size - offset, Math.max(length, readBytes)));
        bufferAt = offset;
      }
      return buffer.subarray(offset - bufferAt, offset - bufferAt + length);
    };
    let offset = 0;
    let carry = '';
    let oneByOneUntil = 0;
    while (offset < this.size && !this.stop) {
      const left = this.size - offset;
      const h = memberHead(await bytesAt(offset, Math.min(MEMBER_HEAD_BYTES, left)), left);
      if (h.kind === 'foreign' || (h.kind === 'sized' && h.size > maxMember)) {
        // Positions inside a streamed part are not member offsets: name the stream only.
        await this.readGzipStream(offset, carry);
        return;
      }
      const where = `in the gzip member at byte ${offset}`;
      if (h.kind !== 'sized') {
        this.stop = { kind: h.kind === 'truncated' ? 'truncated' : 'damaged', reason: h.reason, where };
        return;
      }
      const bytes = await bytesAt(offset, h.size);
      // The sized members that follow in the same buffer, inflated in one call with this one.
      // A run that did not inflate is read member by member (and its damage named), not tried again.
      const run = offset >= oneByOneUntil ? memberRun(buffer.subarray(offset - bufferAt), h.size, maxMember) : [];
      const texts = run.length > 1 ? inflateRun(buffer.subarray(offset - bufferAt), run) : null;
      if (run.length > 1 && !texts) oneByOneUntil = offset + run.reduce((sum, m) => sum + m.size, 0);
      if (texts) {
        for (let k = 0; k < run.length && !this.stop; k++) {
          this.held(buffer.length + texts.whole + carry.length);
          carry = await this.member(texts.parts[k]!, carry, offset, run[k]!.size);
          offset += run[k]!.size;
        }
        continue;
      }
      const m = memberAt(bytes, 0);
      if (m.kind !== 'member') {
        this.stop = { kind: m.kind === 'truncated' ? 'truncated' : 'damaged', reason: m.kind === 'foreign' ? 'not a gzip member' : m.reason, where };
        return;
      }
      this.held(buffer.length + m.data.length + carry.length);
      carry = await this.member(m.data, carry, offset, h.size);
      offset += h.size;
    }
    if (carry !== '' && !this.stop) this.lastLine(carry, `at the end of the file (byte ${this.size})`);
  }

  /** One member's text read (after `carry`, the unfinished line before it); returns its own unfinished line. */
  private async member(data: Uint8Array, carry: string, offset: number, size: number): Promise<string> {
    const where = `in the gzip member at byte ${offset}`;
    // A line split across members cannot be read back from one member: no index past it.
    if (carry !== '') this.endIndexes();
    const text = carry + Buffer.from(data.buffer, data.byteOffset, data.length).toString('utf8');
    const last = text.lastIndexOf('\n');
    // The writer ends every member with a line end; a line split across members is carried over.
    this.pieceRows = [];
    if (last >= 0) await this.lines(text.slice(0, last), () => where);
    if (!this.stop) this.endPiece(offset, size);
    return text.slice(last + 1);
  }

  /** The rest of the file from `offset` as one gzip stream (any number of members), inflated as it is read. */
  private async readGzipStream(offset: number, carry: string): Promise<void> {
    this.endIndexes();
    const where = `in the gzip stream from byte ${offset}`;
    const readBytes = this.options.readBytes ?? READ_BYTES;
    const source = this.handle.createReadStream({ start: offset, highWaterMark: readBytes, autoClose: false });
    // A stream cut short ends with what came before the cut (its last line then reads as torn).
    const inflater = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: readBytes });
    source.on('data', (chunk) => (this.stats.bytesRead += chunk.length));
    source.on('error', (error) => inflater.destroy(error));
    source.pipe(inflater);
    const splitter = new LineSplitter(this.maxLine(), Buffer.from(carry, 'utf8'));
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        this.held(readBytes + chunk.length + splitter.carried);
        for (const line of splitter.push(chunk)) {
          if (this.stop) break;
          await this.oneLine(line.text, () => where);
        }
        if (splitter.tooLong && !this.stop) this.stop = { kind: 'damaged', reason: `record ${this.records + 1} is longer than ${this.maxLine()} bytes`, where };
        if (this.stop) break;
      }
    } catch (error) {
      if (!this.stop) this.stop = { kind: 'damaged', reason: `gzip stream damaged (${errorMessage(error)})`, where };
    } finally {
      source.unpipe(inflater);
      source.destroy();
      inflater.destroy();
    }
    const rest = splitter.rest();
    if (rest !== '' && !this.stop) this.lastLine(rest, where);
  }

  /** A plain file, READ_BYTES at a time: lines, the last one possibly torn. */
  async readPlain(): Promise<void> {
    const readBytes = this.options.readBytes ?? READ_BYTES;
    const splitter = new LineSplitter(this.maxLine());
    const buffer = Buffer.allocUnsafe(readBytes);
    let offset = 0;
    while (offset < this.size && !this.stop) {
      const { bytesRead } = await this.handle.read(buffer, 0, Math.min(readBytes, this.size - offset), offset);
      if (bytesRead === 0) break;
      this.stats.bytesRead += bytesRead;
      offset += bytesRead;
      this.held(buffer.length + splitter.carried);
      for (const line of splitter.push(buffer.subarray(0, bytesRead))) {
        if (this.stop) break;
        this.pieceRows = [];
        await this.oneLine(line.text, () => `at byte ${line.at}`);
        if (!this.stop) this.endPiece(line.at, line.bytes);
      }
      this.held(buffer.length + splitter.carried);
      if (splitter.tooLong && !this.stop)
        this.stop = { kind: 'damaged', reason: `record ${this.records + 1} is longer than ${this.maxLine()} bytes`, where: `at byte ${splitter.carriedFrom}` };
    }
    const at = splitter.carriedFrom;
    const rest = splitter.rest();
    if (rest !== '' && !this.stop) {
      this.pieceRows = [];
      this.lastLine(rest, `at byte ${at}`);
      if (!this.stop) this.endPiece(at, this.size - at);
    }
  }

  private maxLine(): number {
    return MAX_LINE_BYTES;
  }

  private async read(position: number, length: number): Promise<Buffer> {
    const bytes = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.handle.read(bytes, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.stats.bytesRead += got;
    return got === length ? bytes : bytes.subarray(0, got);
  }

  private held(bytes: number): void {
    if (bytes > this.stats.largestHeld) this.stats.largestHeld = bytes;
  }

  /** The piece just read whole holds the rows taken from it: index them. */
  private endPiece(offset: number, size: number): void {
    for (const p of this.pieceRows) {
      p.index.add(offset, size, p.first, p.count);
      if (this.options.spill) this.store.enforceBudget(this.indexed.get(p.index)!);
    }
    this.pieceRows = [];
  }

  /** Rows past this point cannot be located in the file: they stay in memory. */
  private endIndexes(): void {
    for (const index of this.indexes.values()) index.end();
    this.pieceRows = [];
  }

  /** A final line without a line end: whole if it parses (the cut fell just before the `\n`), else torn. */
  private lastLine(line: string, where: string): void {
    let complete = true;
    try {
      JSON.parse(line);
    } catch {
      complete = false;
    }
    if (complete) this.line(line, () => where, 0);
    else this.stop = { kind: 'truncated', reason: `record ${this.records + 1} is cut off (no line end)`, where };
  }

  /** Complete lines (the text has no final line end). */
  private async lines(text: string, locate: Locate): Promise<void> {
    let start = 0;
    while (start <= text.length && !this.stop) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      this.line(text.slice(start, nl), locate, start);
      start = nl + 1;
      await this.breathe();
    }
  }

  private async oneLine(text: string, locate: Locate): Promise<void> {
    this.line(text, locate, 0);
    await this.breathe();
  }

  /** Hands the event loop back now and then, so a host loading a big file stays responsive. */
  private async breathe(): Promise<void> {
    if ((this.records & 255) === 0 && performance.now() - this.lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
  }

  private line(text: string, locate: Locate, at: number): void {
    const n = this.records + 1;
    if (n === 1) {
      this.header = parseHeader(this.file, text, true);
      this.records = 1;
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.stop = { kind: 'damaged', reason: `record ${n} is not JSON (${errorMessage(error)})`, where: locate(at) };
      return;
    }
    // Samples records, nearly all of a long file, through the fast path when they are plainly valid.
    let record: BodyRecord | null = samplesRecordFast(json);
    if (record === null) {
      const parsed = v.safeParse(BodyRecordSchema, json);
      if (!parsed.success) {
        this.stop = { kind: 'damaged', reason: `record ${n}: ${describeIssues(parsed.issues)}`, where: locate(at) };
        return;
      }
      record = parsed.output;
    }
    const problem = this.apply(record);
    if (problem !== undefined) {
      this.stop = { kind: 'damaged', reason: `record ${n}: ${problem}`, where: locate(at) };
      return;
    }
    this.records = n;
  }

  /** Adds one valid record to the session, or says why it does not fit what came before. */
  private apply(r: BodyRecord): string | undefined {
    if (this.closedAt !== undefined) return `a ${r.t} record after the end record`;
    if (r.t === 'end') {
      this.closedAt = r.closedAt;
      return undefined;
    }
    if (r.t === 'run') {
      const id = this.options.runId ? this.options.runId(r.run) : r.run;
      if (this.runs.has(r.run)) return `run ${JSON.stringify(r.run)} appears twice`;
      if (this.store.has(id)) return `run ${JSON.stringify(id)} is already in the store`;
      const meta = { ...(r.name !== undefined && { name: r.name }), ...(r.createdAt !== undefined && { createdAt: r.createdAt }) };
      const run: SessionRun = { id, config: r.config, meta, coalesced: 0 };
      this.store.addRun(id);
      const index = new RunIndex();
      this.indexes.set(r.run, index);
      this.indexed.set(index, id);
      this.rowsLoaded.set(r.run, 0);
      if (this.options.spill) this.store.spillTo(id, new SessionSpillSource(this.file, this.gzip, r.run, index));
      this.runs.set(r.run, run);
      this.order.push(run);
      return undefined;
    }
    const run = this.runs.get(r.run);
    if (run === undefined) return `${r.t} of run ${JSON.stringify(r.run)}, which has no run record before it`;
    switch (r.t) {
      case 'started': {
        const { t: _t, run: _r, ...info } = r;
        run.started = info;
        return undefined;
      }
      case 'samples': {
        const named = this.header?.series.length ?? SERIES_COUNT;
        if (r.columns.length !== named) return `samples of run ${JSON.stringify(r.run)} hold ${r.columns.length} columns, but the header names ${named} series`;
        try {
          const columns = withLegacySeries(r.columns);
          this.store.append(run.id, r.min !== undefined && r.max !== undefined ? [...columns, ...r.min, ...r.max] : columns);
        } catch (error) {
          return errorMessage(error);
        }
        run.coalesced += r.coalesced ?? 0;
        this.took(r.run, r.columns[0]!.length);
        return undefined;
      }
      case 'phase':
        this.store.addPhase(run.id, r.op, r.label);
        return undefined;
      case 'status': {
        const { t: _t, run: _r, ...status } = r;
        run.status = status;
        return undefined;
      }
    }
  }

  /** Rows of a run taken from the current piece of the file. */
  private took(fileRunId: string, rows: number): void {
    const first = this.rowsLoaded.get(fileRunId)!;
    this.rowsLoaded.set(fileRunId, first + rows);
    const index = this.indexes.get(fileRunId)!;
    const last = this.pieceRows[this.pieceRows.length - 1];
    if (last?.index === index) last.count += rows;
    else {
      const same = this.pieceRows.find((p) => p.index === index);
      if (same) same.count += rows;
      else this.pieceRows.push({ index, first, count: rows });
    }
  }

  finish(): OpenedSession {
    const header = this.header;
    // readChecked saw a header, so only a file changed in between gets here without one.
    if (header === undefined) throw new SessionFileError(this.file, 1, this.stop ? this.stop.reason : 'no header record');
    const warnings: string[] = [];
    const flushS = header.flushMs / 1000;
    if (this.stop) {
      const what = this.stop.kind === 'truncated' ? 'truncated' : 'damaged';
      const open = this.openRuns();
      warnings.push(
        `${this.file}: ${what} after record ${this.records} (${this.stop.where}: ${this.stop.reason}); ` +
          `kept ${this.records === 1 ? 'only the header' : `records 1–${this.records}`}, the rest of the file was not read` +
          (open.length ? `; the last samples of ${open.join(', ')} may be missing` : ''),
      );
    } else if (this.closedAt === undefined) {
      const open = this.openRuns();
      warnings.push(
        `${this.file}: not closed: the writer stopped after record ${this.records} (the host quit or crashed)` +
          (open.length ? `; up to the last ${flushS} s of ${open.join(', ')} may be missing` : ''),
      );
    }
    const session: Session = {
      file: this.file,
      version: header.version,
      createdAt: header.createdAt,
      flushMs: header.flushMs,
      ...(this.closedAt !== undefined && { closedAt: this.closedAt }),
      runs: this.order,
      store: this.store,
    };
    return { session, warnings, reading: this.stats };
  }

  /** Runs without a final status, each with where its samples end: the ones a cut may have shortened. */
  private openRuns(): string[] {
    const out: string[] = [];
    for (const run of this.order) {
      if (run.status && FINAL_STATES.has(run.status.state)) continue;
      const range = this.store.stats(run.id).range;
      const end = range ? ` (kept up to op ${range.op[1]}, ${(range.wall_ms[1] / 1000).toFixed(1)} s)` : ' (no samples kept)';
      out.push(`run ${JSON.stringify(run.id)}${end}`);
    }
    return out;
  }
}

/** One complete line of a plain stream: its text, the byte it starts at, and its length with the line end. */
interface Line {
  text: string;
  at: number;
  bytes: number;
}

/**
 * Splits a byte stream into lines without holding more than the current line beyond the chunk given:
 * bytes are decoded line by line, so a character split across two reads is never cut.
 */
class LineSplitter {
  private parts: Buffer[] = [];
  /** Bytes of the unfinished line held. */
  carried = 0;
  /** Byte offset (from where the splitter started) of the unfinished line. */
  carriedFrom = 0;
  tooLong = false;

  constructor(
    private readonly maxLine: number,
    first?: Buffer,
  ) {
    if (first !== undefined && first.length > 0) {
      this.parts.push(first);
      this.carried = first.length;
    }
  }

  *push(chunk: Buffer): Generator<Line> {
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) break;
      let text: string;
      const bytes = this.carried + nl - from + 1;
      if (this.carried > 0) {
        this.parts.push(chunk.subarray(from, nl));
        text = Buffer.concat(this.parts).toString('utf8');
        this.parts = [];
        this.carried = 0;
      } else {
        text = chunk.toString('utf8', from, nl);
      }
      const at = this.carriedFrom;
      this.carriedFrom = at + bytes;
      from = nl + 1;
      yield { text, at, bytes };
    }
    if (from < chunk.length) {
      // Copied: the caller reuses its buffer for the next read.
      this.parts.push(Buffer.from(chunk.subarray(from)));
      this.carried += chunk.length - from;
      if (this.carried > this.maxLine) this.tooLong = true;
    }
  }

  /** The unfinished last line (the stream ended without a line end). */
  rest(): string {
    const text = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.carried = 0;
    return text;
  }
}
