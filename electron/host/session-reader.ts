/**
 * Opens a session file (docs/session-format.md): gzip (sized members) or plain, recognised by its
 * first bytes rather than its name. Every record is validated; the samples go into a SeriesStore.
 *
 * Damage after the header does not lose the session: reading stops at the first torn or invalid
 * record (or gzip member), keeps everything before it, and says in a warning where it stopped and
 * which runs may be missing samples. A file that is not a session, has a damaged header, or has a
 * format version this build does not know is refused with a SessionFileError.
 */
import { open } from 'node:fs/promises';
import * as v from 'valibot';
import { SERIES } from '../../shared/run/sample';
import { SeriesStore } from '../../shared/series';
import { SessionFileError } from './session-error';
import { inflateForeign, inflatePrefix, isGzip, memberAt } from './session-gzip';
import type { Session, SessionRun } from './session-model';
import {
  type BodyRecord,
  BodyRecordSchema,
  describeIssues,
  FINAL_STATES,
  type HeaderRecord,
  HeaderRecordSchema,
  SESSION_FORMAT,
  SESSION_VERSION,
} from './session-records';

export interface OpenSessionOptions {
  /** Store to load the samples into (default: a new one). */
  store?: SeriesStore;
  /** Id to give a run in the store, e.g. to avoid clashing with runs already there. */
  runId?: (idInFile: string) => string;
}

export interface OpenedSession {
  session: Session;
  /** One line per problem: where reading stopped and what may be missing. Empty for an intact file. */
  warnings: string[];
}

/** Bytes read first to decide whether a file is a session at all, before reading all of it. */
const PROBE_BYTES = 1 << 16;
/** Reading hands the event loop back this often (ms), so a host loading a big file stays responsive. */
const YIELD_MS = 10;

export async function openSession(file: string, options: OpenSessionOptions = {}): Promise<OpenedSession> {
  const bytes = await readChecked(file);
  const loader = new Loader(file, options);
  if (isGzip(bytes)) await loader.readGzip(bytes);
  else await loader.readText(bytes.toString('utf8'));
  return loader.finish();
}

/** The file's bytes, once its first record shows it is a session this build reads. */
async function readChecked(file: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new SessionFileError(file, undefined, `cannot open: ${(error as Error).message}`, { cause: error });
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new SessionFileError(file, undefined, 'empty file: not an Arenascope session');
    const probe = Buffer.alloc(Math.min(size, PROBE_BYTES));
    await handle.read(probe, 0, probe.length, 0);
    let head: Buffer;
    if (isGzip(probe)) {
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
    return await handle.readFile();
  } catch (error) {
    if (error instanceof SessionFileError) throw error;
    throw new SessionFileError(file, undefined, `cannot read: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
}

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
    throw new SessionFileError(file, undefined, `not an Arenascope session (${why})`);
  }
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== SESSION_FORMAT) {
    throw new SessionFileError(file, undefined, `not an Arenascope session (the first record has no "format": "${SESSION_FORMAT}")`);
  }
  const version = (json as { version?: unknown }).version;
  if (version !== SESSION_VERSION) {
    throw new SessionFileError(file, 1, `session format version ${JSON.stringify(version)} is not supported (this build reads version ${SESSION_VERSION})`);
  }
  const parsed = v.safeParse(HeaderRecordSchema, json);
  if (!parsed.success) throw new SessionFileError(file, 1, `bad header: ${describeIssues(parsed.issues)}`);
  const keys = SERIES.map((s) => s.key);
  if (parsed.output.series.join(',') !== keys.join(',')) {
    throw new SessionFileError(file, 1, `bad header: series [${parsed.output.series.join(', ')}] differ from this build's [${keys.join(', ')}]`);
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

/** Builds the session record by record; stops at the first problem. */
class Loader {
  private readonly store: SeriesStore;
  private readonly runs = new Map<string, SessionRun>();
  private readonly order: SessionRun[] = [];
  private header: HeaderRecord | undefined;
  private closedAt: string | undefined;
  /** Records accepted so far (the header is record 1). */
  private records = 0;
  private stop: Stop | undefined;
  private lastYield = performance.now();

  constructor(
    private readonly file: string,
    private readonly options: OpenSessionOptions,
  ) {
    this.store = options.store ?? new SeriesStore();
  }

  /** Walks sized gzip members; a foreign member ends the walk with the rest read as one stream. */
  async readGzip(bytes: Buffer): Promise<void> {
    let offset = 0;
    let carry = '';
    while (offset < bytes.length && !this.stop) {
      const m = memberAt(bytes, offset);
      if (m.kind === 'foreign') {
        // Positions inside a foreign stream are not file offsets: name the stream only.
        const where = `in the gzip stream from byte ${offset}`;
        const rest = inflateForeign(bytes.subarray(offset));
        await this.readText(carry + rest.data.toString('utf8'), () => where);
        if (rest.problem && !this.stop) this.stop = { kind: 'damaged', reason: rest.problem, where };
        return;
      }
      const where = `in the gzip member at byte ${offset}`;
      if (m.kind !== 'member') {
        this.stop = { kind: m.kind === 'truncated' ? 'truncated' : 'damaged', reason: m.reason, where };
        return;
      }
      const text = carry + m.data.toString('utf8');
      const last = text.lastIndexOf('\n');
      // The writer ends every member with a line end; a line split across members is carried over.
      if (last >= 0) await this.lines(text.slice(0, last), () => where);
      carry = text.slice(last + 1);
      offset += m.size;
    }
    if (carry !== '' && !this.stop) this.lastLine(carry, `at the end of the file (byte ${bytes.length})`);
  }

  /** A plain file (or a foreign gzip stream's content): lines, the last one possibly torn. */
  async readText(text: string, locate: Locate = (at) => `at byte ${Buffer.byteLength(text.slice(0, at))}`): Promise<void> {
    const last = text.lastIndexOf('\n');
    if (last >= 0) await this.lines(text.slice(0, last), locate);
    const rest = text.slice(last + 1);
    if (rest !== '' && !this.stop) this.lastLine(rest, locate(last + 1));
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
      if ((this.records & 255) === 0 && performance.now() - this.lastYield > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        this.lastYield = performance.now();
      }
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
      this.stop = { kind: 'damaged', reason: `record ${n} is not JSON (${(error as Error).message})`, where: locate(at) };
      return;
    }
    const parsed = v.safeParse(BodyRecordSchema, json);
    if (!parsed.success) {
      this.stop = { kind: 'damaged', reason: `record ${n}: ${describeIssues(parsed.issues)}`, where: locate(at) };
      return;
    }
    const problem = this.apply(parsed.output);
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
      case 'samples':
        try {
          this.store.append(run.id, r.columns);
        } catch (error) {
          return (error as Error).message;
        }
        run.coalesced += r.coalesced ?? 0;
        return undefined;
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
    return { session, warnings };
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
