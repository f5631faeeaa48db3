/**
 * A profiled program as runs of the app (bridge.profileProgram): the command line's ProgramRun
 * (electron/node/record/program-run.ts) drives the program, its trace and its live models; this
 * module turns what it reports into the run events every run speaks (shared/protocol/run-record.ts),
 * so the models chart, autosave and end like any run, and adds one run for the real process (its
 * arena count from the agent's arena hook, drawn on the same operation axis).
 *
 * The real process's rows use the run series: `arenas` and `arena_bytes` (× the interpreter's
 * ARENA_SIZE) and their high-water mark are measured; the block and pool series are not (the agent
 * sees arenas, not pools) and read 0.
 */
import type { ProgramFigures } from '../../../shared/protocol/bridge';
import { ENGINE_VERSION } from '../../../shared/engine';
import type { RunEvent } from '../../../shared/protocol/run-record';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES_COUNT, SERIES_INDEX } from '../../../shared/run/sample';
import { ProgramRun, type PreparedProgram, type ProgramRunResult, type RealRow } from '../../node/record/program-run';

/** Lines of output held before a notice goes out (a chatty program is cut into notices, not dropped). */
const MAX_LINE = 2000;
/** Output lines a second passed on at most; the rest are counted and said to be dropped. */
const MAX_LINES_PER_FLUSH = 200;

export interface ProgramRunIds {
  /** One per model, in `prepared.versions` order. */
  readonly models: readonly string[];
  readonly real: string;
}

/** The real process as last measured, for the dashboard's console header (shared/protocol/bridge.ts). */
export type { ProgramFigures };

export interface ProgramRunsSink {
  event(runId: string, event: RunEvent): void;
  output(stream: 'stdout' | 'stderr', lines: string[]): void;
  figures?(figures: ProgramFigures): void;
}

/** The configs the runs keep: each model a trace-replay of the trace; the real process a real run of it. */
export function programConfigs(prepared: PreparedProgram): { models: RunConfig[]; real: RunConfig } {
  const { request, interpreter, versions } = prepared;
  const base = { workload: 'trace-replay', params: { path: request.tracePath }, seed: '1', sampleEvery: request.sampleEvery };
  return {
    models: versions.map((v) => ({ ...base, python: v.version })),
    real: { ...base, python: interpreter.version, real: { interpreter: interpreter.path, recorded: true } },
  };
}

/** The end of the program in words: "the program exited with status 0", "… was killed by SIGKILL". */
export function exitReason(result: ProgramRunResult, stoppedByUser: boolean): string {
  const end = result.end;
  if (end.refused) return 'the recording agent refused the program before it started (its reason is in the console)';
  const how = end.signal ? `was killed by ${end.signal}` : `exited with status ${end.code ?? '?'}`;
  return `${stoppedByUser ? 'stopped: ' : ''}the program ${how}${result.forks > 0 ? `; it forked ${result.forks} time(s), subprocesses are not traced` : ''}`;
}

export class ProgramRuns {
  readonly run: ProgramRun;
  private stopped = false;
  private readonly realRow = new Float64Array(SERIES_COUNT);
  private realPeak = 0;
  private readonly arenaSize: number;
  private pending: { stream: 'stdout' | 'stderr'; lines: string[] }[] = [];
  private dropped = 0;
  private readonly outputTimer: NodeJS.Timeout;
  private lastFigures = '';
  private figuresTick = 0;
  /** Output streams still open: the flush timer runs until both have ended (a subprocess may hold them after the program exits). */
  private openStreams = 0;
  readonly ended: Promise<ProgramRunResult>;

  constructor(
    readonly prepared: PreparedProgram,
    readonly ids: ProgramRunIds,
    private readonly sink: ProgramRunsSink,
  ) {
    const { versions } = prepared;
    this.arenaSize = versions[0]!.preset.ARENA_SIZE;

    this.run = new ProgramRun(prepared, {
      samples: (i, columns) => sink.event(ids.models[i]!, { type: 'samples', columns, coalesced: 0 }),
      real: (rows) => this.realSamples(rows),
      fork: (op) => sink.output('stderr', [`[arenascope] the program forked at op ${op}: subprocesses are not traced`]),
    });
    // The program has started (a failure to start it throws above, before any run says it started).
    const started = (version: (typeof versions)[number], id: string): void =>
      sink.event(id, {
        type: 'started',
        engineVersion: ENGINE_VERSION,
        workloadVersion: 1,
        python: { version: version.version, family: version.preset.family, arenas: version.preset.defaultArenas },
        params: { path: prepared.request.tracePath },
      });
    versions.forEach((v, i) => started(v, ids.models[i]!));
    started(versions[0]!, ids.real);
    for (const id of this.allIds()) sink.event(id, { type: 'status', state: 'running', ops: 0, wallMs: 0 });
    const child = this.run.recording.child;
    this.lines(child.stdout, 'stdout');
    this.lines(child.stderr, 'stderr');
    // Unref'd: a subprocess that keeps the program's output open must not keep the host alive.
    this.outputTimer = setInterval(() => {
      this.flushOutput();
      if (++this.figuresTick % 5 === 0) this.sendFigures();
    }, 100).unref();
    if (this.openStreams === 0) clearInterval(this.outputTimer);
    this.ended = this.finish();
  }

  /** Stops the program (SIGINT, then SIGTERM, then SIGKILL); its runs end when it has exited. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.run.recording.stop();
  }

  private allIds(): string[] {
    return [...this.ids.models, this.ids.real];
  }

  private async finish(): Promise<ProgramRunResult> {
    let result: ProgramRunResult;
    try {
      result = await this.run.finish();
    } catch (error) {
      this.flushOutput();
      const message = `recording the program failed: ${error instanceof Error ? error.message : String(error)}`;
      for (const id of this.allIds()) {
        this.sink.event(id, { type: 'error', message, fatal: true });
        this.sink.event(id, { type: 'exit', code: null, signal: null, reason: message, byHost: false });
      }
      throw error;
    }
    // Lines written before the exit go out before the runs end; later ones (a subprocess's) still follow.
    this.flushOutput();
    this.sendFigures();
    const reason = exitReason(result, this.stopped);
    const state = result.end.code === 0 && !this.stopped ? 'done' : 'stopped';
    const exit = { type: 'exit' as const, code: result.end.code, signal: result.end.signal, reason, byHost: false };
    result.models.forEach((m, i) => {
      const id = this.ids.models[i]!;
      this.sink.event(id, { type: 'done', state, ops: m.alloc.ops, wallMs: result.wallMs, reason });
      this.sink.event(id, exit);
    });
    this.sink.event(this.ids.real, { type: 'done', state, ops: result.ops, wallMs: result.wallMs, reason });
    this.sink.event(this.ids.real, exit);
    return result;
  }

  /** The real process's figures, when they changed since the last time. */
  private sendFigures(): void {
    const run = this.run;
    const figures: ProgramFigures = { rssBytes: run.stream.rss, rssPeakBytes: run.rssPeak, realArenas: run.stream.realArenas, behindOps: run.lag };
    const key = JSON.stringify(figures);
    if (key === this.lastFigures) return;
    this.lastFigures = key;
    this.sink.figures?.(figures);
  }

  /** The real process's rows as run samples (SERIES columns). */
  private realSamples(rows: readonly RealRow[]): void {
    const columns: number[][] = Array.from({ length: SERIES_COUNT }, () => []);
    const row = this.realRow;
    for (const r of rows) {
      if (r.arenas === null) continue;
      this.realPeak = Math.max(this.realPeak, r.arenas);
      row.fill(0);
      row[SERIES_INDEX.op] = r.op;
      row[SERIES_INDEX.wall_ms] = r.wallMs;
      row[SERIES_INDEX.arenas] = r.arenas;
      row[SERIES_INDEX.arena_bytes] = r.arenas * this.arenaSize;
      row[SERIES_INDEX.arenas_highwater] = this.realPeak;
      // The latest RSS the agent read (every 100 ms), over the same axis as the arenas; 0 before the first.
      row[SERIES_INDEX.rss_bytes] = r.rssBytes ?? 0;
      for (let k = 0; k < SERIES_COUNT; k++) columns[k]!.push(row[k]!);
    }
    if (columns[0]!.length > 0) this.sink.event(this.ids.real, { type: 'samples', columns, coalesced: 0 });
  }

  /** Splits a stream into lines, queued for the next notice. */
  private lines(stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr'): void {
    if (stream === null) return;
    this.openStreams++;
    stream.setEncoding('utf8');
    let partial = '';
    const push = (line: string): void => {
      const cut = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
      const last = this.pending[this.pending.length - 1];
      if (last?.stream === name) last.lines.push(cut);
      else this.pending.push({ stream: name, lines: [cut] });
      if (this.pendingCount() > MAX_LINES_PER_FLUSH) {
        this.pending[0]!.lines.shift();
        if (this.pending[0]!.lines.length === 0) this.pending.shift();
        this.dropped++;
      }
    };
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const p of parts) push(p.replace(/\r$/, ''));
      // A line with no end in sight is passed on in pieces rather than held without bound.
      if (partial.length > MAX_LINE) {
        push(partial);
        partial = '';
      }
    });
    stream.on('close', () => {
      if (partial !== '') push(partial);
      partial = '';
      if (--this.openStreams === 0) {
        clearInterval(this.outputTimer);
        this.flushOutput();
      }
    });
  }

  private pendingCount(): number {
    let n = 0;
    for (const p of this.pending) n += p.lines.length;
    return n;
  }

  private flushOutput(): void {
    if (this.dropped > 0) {
      this.sink.output('stderr', [`[arenascope] ${this.dropped} line(s) of output not shown (the program wrote faster than the console shows)`]);
      this.dropped = 0;
    }
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.sink.output(p.stream, p.lines);
  }
}
