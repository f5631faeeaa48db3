/**
 * One recorded program, end to end: the checks, the program under the agent, every model fed live,
 * the real process's figures alongside, and its trace as pymtrace v1 (gzip).
 *
 * Live, the trace text is made after the program has exited: while it runs the host only keeps
 * the agent's records (16 bytes each; in memory up to a budget, then in `tracePath` + `.records`,
 * kept-records.ts), and formats and compresses them once it is gone. Formatting and gzip were half of the host's CPU while the program ran, and on a
 * machine with two cores that CPU came out of the program's share (docs/recording.md, Overhead).
 * The command line (`record`) and the app's "recorded program" runs both drive this; they differ in
 * where the samples go (a session file, the dashboard).
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import type { ResolvedVersion } from '../../../shared/engine';
import { TraceWriter } from '../../../shared/trace';
import type { InterpreterInfo } from '../python/interpreter';
import { RECORD_BYTES, type AgentSummary, type RecordsFrame } from './agent-frames';
import { KeptRecords } from './kept-records';
import { LiveModel } from './live-models';
import { RecordedStream, type RealEvent } from './recorded-stream';
import { startRecording, type Recording, type RecordingEnd, type RecorderOptions } from './recorder';
import { checkEnvironment, checkInterpreter, checkOrigins, checkTarget, modelVersions, type RecordTarget } from './refusals';
import { readSitesFile } from './sites-file';

export interface ProgramRunRequest {
  readonly python: string;
  readonly target: RecordTarget;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Versions to model besides the interpreter's own. */
  readonly models: readonly string[];
  readonly domains: 'obj' | 'mem' | 'both';
  readonly checkpointEvery: number;
  readonly maxOps: number;
  readonly sampleEvery: number;
  readonly stdio: 'inherit' | 'pipe';
  /** Where the trace goes (`…/trace.pymtrace.gz`). */
  readonly tracePath: string;
  readonly chunkRecords?: number;
  readonly maxMemChunks?: number;
  /** Live: bytes of the agent's records kept in memory for the trace before the rest go to a file (default KEPT_RECORDS_MEMORY_BYTES). */
  readonly keptRecordsBytes?: number;
  /**
   * Deferred (`record --deferred`): while the program runs the host only stores its records (in
   * `tracePath` + `.spool`, removed after); the trace, the models and the real figures are made
   * from them once it has exited, each dated by when its records arrived. On a machine with few
   * cores the host then takes no CPU from the program while it runs; the price is no live view.
   */
  readonly deferred?: boolean;
  /**
   * Origins (`record --origins [--frames N]`): each allocation's Python source site, `frames` frames
   * deep, carried in the trace by the sites extension (shared/trace/sites.ts) for `pins` to group by.
   */
  readonly origins?: { readonly frames: number };
  /** `record --origins --format v1`: a plain v1 trace, the site lines left out. Default `sites`: the sites extension. */
  readonly format?: 'sites' | 'v1';
}

/** Checked and ready: what will run, and under which models. */
export interface PreparedProgram {
  readonly request: ProgramRunRequest;
  readonly interpreter: InterpreterInfo;
  readonly versions: readonly ResolvedVersion[];
}

/** Refuses (RecordRefusal) anything that cannot be recorded, before anything starts. */
export async function prepareProgram(request: ProgramRunRequest): Promise<PreparedProgram> {
  checkEnvironment(request.env);
  const interpreter = await checkInterpreter(request.python, request.env);
  await checkTarget(request.target, request.cwd, interpreter, request.env);
  if (request.origins) checkOrigins(interpreter, request.origins.frames);
  const versions = modelVersions(interpreter, request.models);
  return { request, interpreter, versions };
}

/** A row of the real process's figures: at op `op`, `wallMs` after the start. */
export interface RealRow {
  op: number;
  wallMs: number;
  arenas: number | null;
  rssBytes: number | null;
}

export interface ProgramRunListener {
  /** New samples of model `index` (columns in SERIES order); called at most every flush period. */
  samples?(index: number, columns: number[][]): void;
  real?(rows: RealRow[]): void;
  /** The program forked (the child is not traced). */
  fork?(op: number): void;
}

export interface ProgramRunResult {
  readonly end: RecordingEnd;
  readonly ops: number;
  readonly wallMs: number;
  readonly summary: AgentSummary | null;
  readonly models: readonly LiveModel[];
  /** Ops the program had made that the models had not applied when it exited (0: kept up); deferred, all of them. */
  readonly lagAtExit: number;
  readonly maxLag: number;
  readonly spilledBytes: number;
  readonly forks: number;
  readonly realArenasPeak: number;
  readonly realArenasFinal: number | null;
  readonly rssPeak: number;
  /** The program's a/f/r ops per second of its run (ops / wall time). */
  readonly allocRate: number;
  /** Sites named in the trace (--origins; 0 without, or when the program died before naming them). */
  readonly sitesNamed: number;
}

export class ProgramRun {
  readonly models: LiveModel[];
  readonly stream: RecordedStream;
  readonly recording: Recording;
  readonly startedAt = performance.now();
  maxLag = 0;
  private waitingForDisk = false;
  rssPeak = 0;
  private realRows: RealRow[] = [];
  private readonly writer: TraceWriter;
  private readonly gzip;
  private readonly fileDone: Promise<void>;
  private readonly flushTimer: NodeJS.Timeout;
  /** Live: the agent's records, in order, for the trace made after the exit (null: the trace is written as they come). */
  private readonly records: KeptRecords | null;
  /** Where the bootstrap names the sites (--origins), read and removed when the program has ended. */
  private readonly sitesPath: string | null;
  private sitesNamed = 0;

  constructor(
    readonly prepared: PreparedProgram,
    private readonly listener: ProgramRunListener = {},
  ) {
    const { request, interpreter } = prepared;
    // When the records being applied arrived (deferred: long before they are applied); the recording
    // does not exist yet while the models are made.
    const clock = (): number => ((this.recording as Recording | undefined)?.arrivedAt ?? performance.now()) - this.startedAt;
    this.models = prepared.versions.map((v) => new LiveModel(v, request.sampleEvery, clock));
    mkdirSync(dirname(request.tracePath), { recursive: true });
    const file = createWriteStream(request.tracePath);
    // Level 1: the trace is written as fast as the program makes it; level 6 would be 10 % smaller and three times the CPU.
    this.gzip = createGzip({ level: 1 });
    this.gzip.pipe(file);
    this.fileDone = new Promise((done, fail) => {
      file.on('finish', () => done());
      file.on('error', fail);
    });
    const what = request.target.kind === 'script' ? basename(request.target.path) : `-m ${request.target.name}`;
    this.writer = new TraceWriter({
      comments: [
        `python ${interpreter.implementation} ${interpreter.version}`,
        `program ${what}`,
        `command record -- ${request.target.kind === 'script' ? request.target.path : `-m ${request.target.name}`} ${request.args.join(' ')}`.trim(),
        `domains ${request.domains}`,
        `hash seed ${request.env['PYTHONHASHSEED'] ?? 'random'}`,
        ...(request.origins ? [`origins ${request.origins.frames} frame(s)`] : []),
      ],
      sites: request.origins !== undefined && request.format !== 'v1',
    });
    this.records = request.deferred === true ? null : new KeptRecords(`${request.tracePath}.records`, request.keptRecordsBytes);
    const traceNow = this.records === null;
    this.stream = new RecordedStream(
      (batch) => {
        if (traceNow) this.writer.writeBatch(batch);
        for (const m of this.models) m.apply(batch);
      },
      (event) => this.onReal(event),
      request.origins !== undefined,
    );
    this.sitesPath = request.origins ? `${request.tracePath}.sites.jsonl` : null;
    const options: RecorderOptions = {
      interpreter,
      target: request.target,
      args: request.args,
      cwd: request.cwd,
      env: request.env,
      domains: request.domains,
      checkpointEvery: request.checkpointEvery,
      maxOps: request.maxOps,
      stdio: request.stdio,
      ...(request.chunkRecords ? { chunkRecords: request.chunkRecords } : {}),
      ...(request.maxMemChunks ? { maxMemChunks: request.maxMemChunks } : {}),
      ...(request.deferred === true ? { spoolPath: `${request.tracePath}.spool` } : {}),
      ...(request.origins && this.sitesPath ? { origins: { frames: request.origins.frames, sitesPath: this.sitesPath } } : {}),
    };
    this.recording = startRecording(options, (frame) => {
      this.records?.add(frameBytes(frame));
      this.stream.take(frame);
      const lag = this.stream.produced - this.stream.ops;
      if (lag > this.maxLag) this.maxLag = lag;
      // Trace text to the gzip stream; a slow disk pauses the records (the agent buffers, then spills).
      if (traceNow && !this.gzip.write(this.writer.takeBytes()) && !this.waitingForDisk) {
        this.waitingForDisk = true;
        this.recording.pause();
        this.gzip.once('drain', () => {
          this.waitingForDisk = false;
          this.recording.resume();
        });
      }
    });
    this.flushTimer = setInterval(() => this.flush(), 250);
    this.recording.child.once('exit', () => {
      this.appliedAtExit = this.stream.ops;
    });
  }

  /** Ops the program made that the models have not applied yet (deferred: all of them until it has exited). */
  get lag(): number {
    return Math.max(0, this.stream.produced - this.stream.ops);
  }

  private onReal(event: RealEvent): void {
    const wallMs = this.recording.arrivedAt - this.startedAt;
    if (event.kind === 'fork') {
      this.listener.fork?.(event.op);
      return;
    }
    if (event.kind === 'rss' && event.value > this.rssPeak) this.rssPeak = event.value;
    this.realRows.push({ op: event.op, wallMs, arenas: this.stream.realArenas, rssBytes: this.stream.rss });
  }

  private flush(): void {
    this.models.forEach((m, i) => {
      const columns = m.takeColumns();
      if (columns[0]!.length > 0) this.listener.samples?.(i, columns);
    });
    if (this.realRows.length > 0) {
      const rows = this.realRows;
      this.realRows = [];
      this.listener.real?.(rows);
    }
  }

  /** Waits for the program to end and the trace to be complete. */
  async finish(): Promise<ProgramRunResult> {
    let end: RecordingEnd;
    try {
      end = await this.recording.ended;
    } finally {
      clearInterval(this.flushTimer);
      if (this.records) await this.traceFromRecords(this.records);
      // A trace always ends with `c end`: the agent writes it, unless recording stopped early (--max-ops) or the program died.
      if (!this.stream.sawEnd) this.writer.checkpoint('end');
      // The sites, named by the program once its hooks were out, close the trace (comments to a v1 reader).
      try {
        if (this.sitesPath) {
          const plain = this.prepared.request.format === 'v1';
          for (const [site, frames] of await readSitesFile(this.sitesPath)) {
            this.writer.site(site, frames);
            if (!plain) this.sitesNamed++;
          }
        }
      } finally {
        this.gzip.end(this.writer.takeBytes());
      }
    }
    await this.fileDone;
    const wallMs = performance.now() - this.startedAt;
    for (const m of this.models) m.sample();
    this.onReal({ kind: 'arenas', op: this.stream.ops, value: this.stream.realArenas ?? 0 });
    this.flush();
    return {
      end,
      ops: this.stream.ops,
      wallMs,
      summary: end.summary,
      models: this.models,
      lagAtExit: this.appliedAtExit === null ? 0 : Math.max(0, this.stream.ops - this.appliedAtExit),
      maxLag: this.maxLag,
      spilledBytes: end.summary?.spilled_bytes ?? this.stream.spilledBytes,
      forks: this.stream.forks,
      realArenasPeak: this.stream.realArenasPeak,
      realArenasFinal: this.stream.realArenas,
      rssPeak: this.rssPeak,
      allocRate: this.stream.ops / Math.max(wallMs / 1000, 1e-3),
      sitesNamed: this.sitesNamed,
    };
  }

  /**
   * The trace text of the records kept while the program ran: the same decoding as the models' (a
   * second RecordedStream, so the text is what writing it live gave), a kept piece at a time,
   * waiting for the gzip stream to drain.
   */
  private async traceFromRecords(records: KeptRecords): Promise<void> {
    const traceStream = new RecordedStream(
      (batch) => this.writer.writeBatch(batch),
      () => undefined,
      this.prepared.request.origins !== undefined,
    );
    for await (const piece of records.drain(RECORD_BYTES)) {
      const count = piece.length / RECORD_BYTES;
      traceStream.take({ view: new DataView(piece.buffer, piece.byteOffset, piece.length), offset: 0, count, produced: 0, spilledBytes: 0 });
      if (!this.gzip.write(this.writer.takeBytes())) await new Promise<void>((done) => this.gzip.once('drain', () => done()));
    }
  }

  /** Ops the models had applied when the program's process exited: the rest is the live view's lag at the end. */
  private appliedAtExit: number | null = null;
}

/** A records frame's bytes (its records, without the frame header). */
function frameBytes(frame: RecordsFrame): Uint8Array {
  return new Uint8Array(frame.view.buffer, frame.view.byteOffset + frame.offset, frame.count * RECORD_BYTES);
}
