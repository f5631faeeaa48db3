/**
 * The host half of the bridge (shared/protocol/bridge.ts), shared by the desktop app (Electron
 * main, workers as utility processes) and the browser server (plain Node, forked workers): the
 * launcher is injected.
 *
 * It owns the runs of one session: a RunManager for the live workers, a RunRecorder (runs/recorder.ts)
 * that keeps each run's record and feeds a SeriesStore with every run's samples and phases, a bounded
 * DetailStore per run, the autosave file and the page's events. Subscribers
 * hear `runs` (the list changed), `run` (one run's summary changed), `samples` (new data, at most
 * ten notices a second per run: the page asks for the window it shows), `phase` and `notice`.
 *
 * With an `autosaveDir`, every run started is written to a session file there as it goes
 * (docs/session-format.md), so a crash of the host loses seconds, not runs. Sessions opened from a
 * file join the list as finished runs (without detail snapshots: files do not hold them) and are
 * not copied into the autosave file; `saveSession` writes every run in the list.
 */
import { mkdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import {
  type Bridge,
  type BridgeEvent,
  type DetailSnapshot,
  type ExportRequest,
  type ExportResult,
  type InterpreterChoice,
  type ProgramConsoleState,
  PROTOCOL_VERSION,
  type RunCommand,
  type RunSummary,
  type VersionInfo,
  type WindowQuery,
  type WindowResult,
  type WorkloadInfo,
} from '../../shared/protocol/bridge';
import { DEFAULT_SAMPLE_EVERY, type RunConfig, RunConfigSchema } from '../../shared/protocol/run-config';
import { PATH_PURPOSES, type PathPurpose, type ProgramRequest, ProgramRequestSchema, type ProgramStarted } from '../../shared/protocol/program-request';
import { NEW_RUN_RECORD, runningMs, statusOf, suggestedBudgetMB, type RunRecord } from '../../shared/protocol/run-record';
import { parseMessage } from '../../shared/protocol/worker-messages';
import { resolveRun } from '../../shared/run/resolve-run';
import { SERIES_INDEX } from '../../shared/run/sample';
import { DEFAULT_PIN_THRESHOLD, type PinReport } from '../../shared/pins';
import { SeriesStore } from '../../shared/series';
import { storeWindow } from '../../shared/charts/window';
import { versionInfos, workloadInfos } from './catalogue/catalogue';
import { renderExportRequest } from './export/request';
import { DetailStore, toSnapshot } from './runs/detail-store';
import type { Launcher } from './workers/launcher';
import { RunManager } from './workers/run-manager';
import { type ExactRun, ExactStates } from './runs/exact-state';
import { type RecordedRun, RunRecorder, type RunSink } from './runs/recorder';
import { seriesSink, sessionSink, type SessionSink } from './runs/sinks';
import { openSession, saveSession, SessionWriter, type SessionRun, FINAL_STATES } from './session/file';
import { DESKTOP_POLICY, type HostPolicy } from './policy/capabilities';
import { admitRun } from './policy/run-access';
import { RealInterpreters } from './workers/real-interpreters';
import { ProgramBacklog } from './runs/program-backlog';
import { ProgramRuns, programConfigs } from './runs/program-runs';
import { prepareProgram, type PreparedProgram } from '../node/record/program-run';
import { discoverInterpreters } from '../node/python/discover';
import { locateAgent } from '../node/agent/locate';
import { errorDetail, errorMessage, InputError } from '../../shared/errors';

/** At most this many `samples` notices a second per run. */
export const SAMPLES_NOTICE_MS = 100;

export interface AppHostOptions {
  launcher: Launcher;
  /** Folder of the autosaved session files; none: no autosave. */
  autosaveDir?: string | null;
  /** Application name and version for session headers. */
  app?: string;
  /** RunManager's grace between stop, SIGTERM and SIGKILL when quitting. */
  graceMs?: number;
  /** Session writer flush interval (default 2 s). */
  flushMs?: number;
  /** Detail snapshots kept per run. */
  detailCapacity?: number;
  /** Where the host logs what it refused or failed at; default stderr. */
  log?: (line: string) => void;
  /**
   * Bytes of full-resolution samples each run keeps in memory once it has a session file to spill
   * older ones to (autosaved and opened runs; default 32 MiB): see shared/series/run-spill.ts.
   */
  seriesBudgetBytes?: number;
  /** What a client may do with the host's files and programs (policy/capabilities.ts); default: the desktop's, everything. */
  policy?: HostPolicy;
  /**
   * The largest memory budget a client may give a run paused at its budget, MB, and the option
   * that sets it (serve's `--run-memory`); none: any (the desktop's user owns the machine).
   */
  maxRunMemory?: { megabytes: number; option: string };
  /**
   * A native path dialog on the host's screen (electron/main/path-dialog.ts), for bridge.choosePath;
   * none (serve, tests): the method is refused, and a browser types its paths.
   */
  choosePath?: (purpose: PathPurpose, current: string | undefined) => Promise<string | null>;
}

/** A request the host refuses: its message says which field or run is at fault. */
export class BridgeInputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'BridgeInputError';
  }
}

interface HostRun extends RecordedRun {
  createdAt: string;
  details: DetailStore;
  /** A worker was started for it (false for runs opened from a file). */
  live: boolean;
  /** In the autosave file. */
  autosaved: boolean;
  lastSamplesNotice: number;
  samplesTimer: ReturnType<typeof setTimeout> | null;
  /** The config its worker got (paths resolved), for rebuilding its exact state; null when opened from a file. */
  streamConfig: RunConfig | null;
  /** A profiled program's run: its name is the program's, and stopping it stops the program. */
  program?: ProgramRuns;
  /** Its name was given when it was added (a profiled program's): `started` keeps it. */
  ownName?: boolean;
}

const OP = SERIES_INDEX.op;
const WALL_MS = SERIES_INDEX.wall_ms;

export class AppHost implements Bridge {
  readonly protocolVersion = PROTOCOL_VERSION;
  readonly store: SeriesStore;
  private readonly manager: RunManager;
  private readonly runsById: RunRecorder<HostRun>;
  private readonly sessionRecords: SessionSink<HostRun>;
  private readonly listeners = new Set<(event: BridgeEvent) => void>();
  private readonly log: (line: string) => void;
  private readonly autosaveDir: string | null;
  readonly policy: HostPolicy;
  private session: Promise<SessionWriter | null> | null = null;
  /** The autosave writer once open; every write goes through it synchronously, in event order. */
  private writer: SessionWriter | null = null;
  private sessionFailed = false;
  private seq = 0;
  private disposed = false;
  /** Interpreters for real-interpreter runs, each with its run manager. */
  private readonly reals: RealInterpreters;
  /** Each live run's manager (the engine's, or its interpreter's). */
  private readonly managers = new Map<string, RunManager>();
  /** Exact states at any operation, by scratch replay. */
  private readonly exact: ExactStates;
  /** Profiled programs still running. */
  private readonly programs = new Set<ProgramRuns>();
  /** Each profiled program's output tail and figures, while any of its runs is listed. */
  private readonly backlogs = new Set<ProgramBacklog>();
  private programSeq = 0;

  constructor(private readonly options: AppHostOptions) {
    this.log = options.log ?? ((line) => void process.stderr.write(`${line}\n`));
    this.autosaveDir = options.autosaveDir ?? null;
    this.store = new SeriesStore(options.seriesBudgetBytes !== undefined ? { spill: { budgetBytes: options.seriesBudgetBytes } } : {});
    this.policy = options.policy ?? DESKTOP_POLICY;
    this.manager = new RunManager(options.launcher, {
      log: this.log,
      quoteFileContent: this.policy.quoteFileContent,
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    });
    this.sessionRecords = sessionSink<HostRun>(
      (run) => (run.autosaved && !this.sessionFailed ? this.writer : null),
      (error) => this.writeFailed(error),
    );
    this.runsById = new RunRecorder<HostRun>(
      [seriesSink(this.store), this.sessionRecords, { detail: (run, d) => run.details.add(d) }, this.bridgeEvents()],
      this.log,
    );
    this.listenTo(this.manager);
    this.reals = new RealInterpreters({
      policy: this.policy,
      log: this.log,
      ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
      added: (m) => this.listenTo(m),
    });
    this.exact = new ExactStates({
      launcher: options.launcher,
      streamConfig: async (run) => {
        const own = this.runsById.get(run.runId)?.streamConfig;
        if (own) return own;
        // A run opened from a file: its trace, if it has one, must still be readable under this host's policy.
        return admitRun(this.policy, run.config, resolveRun(run.config));
      },
      progress: (runId, op, applied) => this.emit({ type: 'replay', runId, op, applied }),
    });
  }

  /** A new live run: in the registry and the store, and in the autosaved session when there is one. */
  private registerRun(runId: string, config: RunConfig, name: string, streamConfig: RunConfig, session: SessionWriter | null): HostRun {
    const run = this.addRun(runId, config, name, true);
    run.streamConfig = streamConfig;
    this.store.addRun(runId);
    if (session !== null && !this.sessionFailed) {
      run.autosaved = true;
      this.sessionRecords.add(run, { name, createdAt: run.createdAt });
      // Old rows leave memory once written: the file holds them (autosave failing later only stops the spilling).
      if (!this.sessionFailed) this.store.spillTo(runId, session.spillSource(runId));
    }
    return run;
  }

  private listenTo(manager: RunManager): void {
    this.runsById.listen(manager);
    manager.onEvent(({ runId, event }) => {
      if (event.type !== 'exit') return;
      this.managers.delete(runId);
      // A removed run's worker is forgotten once it has gone.
      if (!this.runsById.has(runId)) manager.forget(runId);
    });
  }

  private managerOf(runId: string): RunManager {
    return this.managers.get(runId) ?? this.manager;
  }

  // ---- Bridge -----------------------------------------------------------------------------------

  /**
   * Interpreters a real run may also use (`config.real`): none where the host starts no programs
   * (a browser of serve without --allow-programs).
   */
  async interpreters(): Promise<InterpreterChoice[]> {
    return this.reals.choices();
  }

  async versions(): Promise<VersionInfo[]> {
    return versionInfos();
  }

  async workloads(): Promise<WorkloadInfo[]> {
    return workloadInfos();
  }

  async runs(): Promise<RunSummary[]> {
    return this.summaries();
  }

  /** Validates the configuration (the error names the field or parameter) and starts a worker. */
  /**
   * `resolveUpload`: for a browser's connection, the file behind a trace it uploaded (`path` =
   * `upload:<id>`, shared/protocol/uploads.ts); the run keeps the client's reference in its config.
   */
  async startRun(config: RunConfig, options: { resolveUpload?: (ref: string) => string } = {}): Promise<{ runId: string }> {
    if (this.disposed) throw new Error('the host is shutting down');
    const parsed = parseMessage(RunConfigSchema, config);
    if (!parsed.ok) throw new BridgeInputError(`invalid run configuration: ${parsed.reason}`);
    // A real-interpreter run starts a program on the host: the policy decides which (docs/real-runs.md).
    const real = parsed.value.real ? await this.reals.open(parsed.value.real.interpreter, parsed.value.arenas) : null;
    let name: string;
    let resolved;
    try {
      resolved = resolveRun(real ? { ...parsed.value, python: real.info.version } : parsed.value);
      name = real ? `${real.info.version} real ${resolved.workload.name}` : `${resolved.version.version} ${resolved.workload.name}`;
    } catch (error) {
      if (error instanceof InputError) throw new BridgeInputError(`invalid run configuration: ${error.message}`);
      throw error;
    }
    // A path on the host or a program to start: the policy decides (the worker gets the path it resolved).
    const workerConfig = await admitRun(this.policy, parsed.value, resolved, options.resolveUpload);
    const session = await this.autosave();
    if (this.disposed) throw new Error('the host is shutting down');
    this.writer = session;
    const runId = this.nextId();
    this.registerRun(runId, parsed.value, name, workerConfig, session);
    try {
      const manager = real ? this.reals.managerFor(real) : this.manager;
      this.managers.set(runId, manager);
      manager.start(real ? { ...workerConfig, python: real.info.version, real: { interpreter: real.info.path } } : workerConfig, runId);
    } catch (error) {
      this.managers.delete(runId);
      this.runsById.remove(runId);
      this.store.removeRun(runId);
      throw error;
    }
    this.emit({ type: 'runs', runs: this.summaries() });
    return { runId };
  }

  /**
   * Profiles a Python program (docs/recording.md): checks the request (the error names the field),
   * the policy (serve: --allow-programs, a discovered interpreter) and the program (interpreter,
   * script or module, models), then starts it under the recording agent. Its runs, one per model
   * and one for the real process, are in the list before this returns; its trace is written beside
   * the autosaved session (or in the temporary folder), so the session can replay it later.
   */
  async profileProgram(request: ProgramRequest): Promise<ProgramStarted> {
    if (this.disposed) throw new Error('the host is shutting down');
    const parsed = parseMessage(ProgramRequestSchema, request);
    if (!parsed.ok) throw new BridgeInputError(`invalid program request: ${parsed.reason}`);
    const r = parsed.value;
    this.policy.startProgram('profiling a Python program');
    const python = await this.policy.interpreterPath(
      r.interpreter,
      discoverInterpreters().map((d) => d.path),
      'profiling a Python program: interpreter',
    );
    const cwd = r.cwd ?? process.cwd();
    if (!isAbsolute(cwd)) throw new BridgeInputError(`invalid program request: cwd must be an absolute path, not '${cwd}'`);
    const dir = await stat(cwd).catch(() => null);
    if (dir === null || !dir.isDirectory()) throw new BridgeInputError(`invalid program request: cwd '${cwd}' is not a folder`);
    const session = await this.autosave();
    if (this.disposed) throw new Error('the host is shutting down');
    this.writer = session;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const traceDir = this.autosaveDir !== null && session !== null ? join(this.autosaveDir, 'traces') : join(tmpdir(), 'arenascope-programs');
    const tracePath = join(traceDir, `program-${stamp}-${process.pid}-${++this.programSeq}.pymtrace.gz`);
    let prepared: PreparedProgram;
    try {
      prepared = await prepareProgram({
        python,
        target: r.script !== undefined ? { kind: 'script', path: r.script } : { kind: 'module', name: r.module! },
        args: r.args,
        cwd,
        // The console shows its lines as they are written, not when a buffer fills.
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
        models: r.models,
        domains: r.domains,
        checkpointEvery: r.checkpointEvery,
        maxOps: r.maxOps,
        sampleEvery: DEFAULT_SAMPLE_EVERY,
        stdio: 'pipe',
        tracePath,
        deferred: r.deferred,
      });
      // The agent is the host's to have: missing, it is said before any run is listed or saved.
      locateAgent();
    } catch (error) {
      if (error instanceof InputError) throw new BridgeInputError(`profiling a Python program: ${programFieldNames(error.message)}`);
      throw error;
    }
    const what = r.script !== undefined ? r.script : `-m ${r.module}`;
    const own = prepared.interpreter.version;
    const configs = programConfigs(prepared);
    const ids = { models: prepared.versions.map(() => this.nextId()), real: '' };
    const added: HostRun[] = [];
    const add = (id: string, config: RunConfig, name: string): void => {
      const run = this.registerRun(id, config, name, config, session);
      run.ownName = true;
      added.push(run);
    };
    prepared.versions.forEach((v, i) => add(ids.models[i]!, configs.models[i]!, `${what} on ${own}, modelled as ${v.version}`));
    ids.real = this.nextId();
    add(ids.real, configs.real, `${what} on ${own}, the real process`);
    const realRun = added[added.length - 1]!;
    realRun.streamConfig = null;
    // What a page that connects later is given of it: kept until its last run is removed.
    const backlog = new ProgramBacklog([...ids.models, ids.real]);
    this.backlogs.add(backlog);
    let program: ProgramRuns;
    try {
      program = new ProgramRuns(prepared, ids, {
        event: (runId, event) => this.runsById.feed(runId, event),
        output: (stream, lines) => {
          backlog.output(stream, lines);
          this.emit({ type: 'output', runIds: [...ids.models, ids.real], stream, lines });
        },
        figures: (figures) => {
          backlog.setFigures(figures);
          this.emit({ type: 'program', runIds: [...ids.models, ids.real], ...figures });
        },
      });
    } catch (error) {
      this.backlogs.delete(backlog);
      for (const run of added) {
        this.runsById.remove(run.runId);
        this.store.removeRun(run.runId);
      }
      if (error instanceof InputError) throw new BridgeInputError(`profiling a Python program: ${error.message}`);
      throw error;
    }
    for (const run of added) run.program = program;
    this.programs.add(program);
    program.ended.catch((error: unknown) => this.log(`arenascope: profiling ${what}: ${errorMessage(error)}`)).finally(() => this.programs.delete(program));
    this.emit({ type: 'runs', runs: this.summaries() });
    return { runIds: ids.models, realRunId: ids.real };
  }

  async command(runId: string, command: RunCommand): Promise<void> {
    const run = this.get(runId);
    const state = run.record.state;
    switch (command.type) {
      case 'remove':
        return this.remove(runId, run);
      case 'stop':
        // Stopping an ended run is not an error: the user's intent is already met.
        if (run.program) run.program.stop();
        else if (run.live && !run.record.exited) this.managerOf(runId).stop(runId);
        return;
    }
    // A program runs at its own pace: the host cannot hold it at an operation.
    if (run.program) throw new BridgeInputError(`run '${runId}' records a Python program: it cannot ${command.type}, only stop (which stops the program)`);
    switch (command.type) {
      case 'pause':
      case 'resume':
        if (command.type === 'resume' && command.budgetMB !== undefined) this.setBudget(runId, run, command.budgetMB);
        if (!this.managerOf(runId).status(runId) || !(command.type === 'pause' ? this.managerOf(runId).pause(runId) : this.managerOf(runId).resume(runId))) {
          throw new BridgeInputError(`run '${runId}' has ended (${state}): it cannot ${command.type}`);
        }
        return;
      case 'step':
        if (state !== 'paused') throw new BridgeInputError(`run '${runId}' is ${state}: step is for a paused run (pause it first)`);
        if (!this.managerOf(runId).step(runId, command.ops)) throw new BridgeInputError(`run '${runId}' has ended: it cannot step`);
        return;
    }
  }

  /** What the run list shows of a run. */
  private summaryOf(run: HostRun): RunSummary {
    const r = run.record;
    const pause = r.budgetPause;
    return {
      runId: run.runId,
      name: run.name,
      config: run.config,
      state: r.state,
      ops: r.ops,
      wallMs: r.wallMs,
      runningMs: runningMs(r),
      pauses: [...r.pauses, ...(r.pausedAt === null ? [] : [{ op: r.ops, fromMs: r.pausedAt, toMs: r.wallMs }])],
      python: r.started?.python ?? null,
      params: r.started?.params ?? null,
      reason: r.reason,
      samples: r.samples,
      budgetPause: pause === null ? null : { ...pause, ...this.budgetOffer(pause.megabytes) },
    };
  }

  /** The larger budget to offer a run paused at `megabytes`: none when the host's limit is no larger. */
  private budgetOffer(megabytes: number): { suggestedMB: number | null; limit: string | null } {
    const max = this.options.maxRunMemory;
    const suggested = suggestedBudgetMB(megabytes);
    if (max === undefined) return { suggestedMB: suggested, limit: null };
    const limit = `at most ${max.megabytes} MB a run here (${max.option})`;
    return { suggestedMB: max.megabytes > megabytes ? Math.min(suggested, max.megabytes) : null, limit };
  }

  /** A new memory budget for a live run (the worker applies it before the `resume` that follows). */
  private setBudget(runId: string, run: HostRun, megabytes: number): void {
    const max = this.options.maxRunMemory;
    if (max !== undefined && megabytes > max.megabytes) {
      throw new BridgeInputError(`limit: a run's memory budget is at most ${max.megabytes} MB here (${max.option}); run ${runId} asked for ${megabytes} MB`);
    }
    if (!run.live || !this.managerOf(runId).status(runId) || !this.managerOf(runId).setBudget(runId, megabytes)) {
      throw new BridgeInputError(`run '${runId}' has ended (${run.record.state}): it cannot resume`);
    }
  }

  async window(query: WindowQuery): Promise<WindowResult> {
    this.get(query.runId);
    return storeWindow(this.store, query);
  }

  async detail(runId: string, op: number): Promise<DetailSnapshot | null> {
    const d = this.get(runId).details.at(op);
    return d === null ? null : toSnapshot(runId, d);
  }

  /**
   * The exact engine state at operation `op` of a model run: a snapshot of exactly that operation,
   * rebuilt by a scratch replay when the run kept none (./runs/exact-state.ts); `replay` events tell
   * the page how far it got. Its wall time is the run's at its first sample from `op` on.
   */
  async stateAt(runId: string, op: number): Promise<DetailSnapshot> {
    const d = await this.replayed(runId, (run) => this.exact.at(run, op));
    const snapshot = toSnapshot(runId, d);
    return { ...snapshot, wallMs: this.store.has(runId) ? (this.store.wallAtOp(runId, op) ?? 0) : 0 };
  }

  /** Why the arenas are kept at operation `op` of a model run (./runs/exact-state.ts, by scratch replay). */
  async pinsAt(runId: string, op: number, threshold = DEFAULT_PIN_THRESHOLD): Promise<PinReport> {
    return this.replayed(runId, (run) => this.exact.pins(run, op, threshold));
  }

  /** Asks `exact` about a run; a question the run cannot answer is the caller's to fix. */
  private async replayed<T>(runId: string, ask: (run: ExactRun) => Promise<T>): Promise<T> {
    const run = this.get(runId);
    try {
      return await ask({ runId, name: run.name, config: run.config, details: run.details, ops: run.record.ops });
    } catch (error) {
      if (error instanceof InputError) throw new BridgeInputError(error.message);
      throw error;
    }
  }

  /**
   * Renders an export of some runs (live ones as far as they got) with the same code as the command
   * line (./export); the page saves the files. Several files come back as one zip when asked.
   */
  async export(request: ExportRequest): Promise<ExportResult> {
    const runs = request.runIds.map((id) => this.get(id));
    return renderExportRequest(request, {
      store: this.store,
      ...(this.options.app !== undefined ? { app: this.options.app } : {}),
      runs: runs.map((run) => {
        const detail = run.details.at(Infinity);
        return {
          id: run.runId,
          name: run.name,
          config: run.config,
          started: run.record.started,
          status: statusOf(run.record),
          createdAt: run.createdAt,
          coalesced: run.record.coalesced,
          detail: detail === null ? null : toSnapshot(run.runId, detail),
        };
      }),
      // The report and the JSON say why each model run's arenas are kept at its end (a scratch replay).
      pinsOf: async (id) => {
        const run = this.get(id);
        if (run.config.real || run.record.ops === 0) return null;
        try {
          return await this.pinsAt(id, run.record.ops);
        } catch (error) {
          this.log(`arenascope: export: no pins analysis for ${id}: ${errorMessage(error)}`);
          return null;
        }
      },
    });
  }

  subscribe(listener: (event: BridgeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Tells every subscriber something (main's dialogs report their outcome this way). */
  notify(level: 'info' | 'error', message: string): void {
    this.emit({ type: 'notice', level, message });
  }

  // ---- sessions ---------------------------------------------------------------------------------

  /** The autosave file, once the first run has opened it (null without autosave). */
  async autosavePath(): Promise<string | null> {
    return (await this.session)?.path ?? null;
  }

  /**
   * Loads a session file's runs as finished runs (new ids). Warnings say what a damaged file lost.
   * A path from a client goes through the policy; `trusted` is for the operator's own (serve's
   * `--session FILE`, the app's dialogs).
   */
  async openSession(path: string, options: { trusted?: boolean; displayName?: string } = {}): Promise<{ runIds: string[]; warnings: string[] }> {
    const ids = new Map<string, string>();
    const real = options.trusted === true ? path : await this.policy.readablePath(path, 'session file');
    const { session, warnings } = await openSession(real, {
      store: this.store,
      spill: true,
      runId: (idInFile) => {
        const id = ids.get(idInFile) ?? this.nextId();
        ids.set(idInFile, id);
        return id;
      },
    });
    const runIds: string[] = [];
    for (const r of session.runs) {
      const stats = this.store.stats(r.id);
      const last = this.store.lastSample(r.id);
      const status = r.status;
      const finalState = status !== undefined && FINAL_STATES.has(status.state) ? status : null;
      const name = r.meta.name ?? (r.started ? `${r.started.python.version} ${r.config.workload}` : `${r.config.python} ${r.config.workload}`);
      const run = this.addRun(r.id, r.config, name, false, {
        state: finalState?.state ?? 'stopped',
        ops: Math.max(status?.ops ?? 0, last?.[OP] ?? 0),
        wallMs: Math.max(status?.wallMs ?? 0, last?.[WALL_MS] ?? 0),
        started: r.started ?? null,
        reason: finalState ? (finalState.reason ?? null) : 'the session file ends before the run did',
        samples: stats.samples,
        coalesced: r.coalesced,
        budgetPause: null,
        finished: true,
        exited: true,
        pausedMs: status?.pausedMs ?? 0,
        pausedAt: null,
        pauses: [],
      });
      run.createdAt = r.meta.createdAt ?? session.createdAt;
      runIds.push(r.id);
    }
    this.emit({ type: 'runs', runs: this.summaries() });
    for (const w of warnings) this.emit({ type: 'notice', level: 'error', message: w });
    this.emit({ type: 'notice', level: 'info', message: `opened ${options.displayName ?? path}: ${runIds.length} run${runIds.length === 1 ? '' : 's'}` });
    return { runIds, warnings };
  }

  /** Writes every run in the list (live ones as far as they got) to `path`, atomically. */
  async saveSession(path: string): Promise<void> {
    const runs: SessionRun[] = this.runsById.list().map((run) => ({
      id: run.runId,
      config: run.config,
      meta: { name: run.name, createdAt: run.createdAt },
      ...(run.record.started ? { started: run.record.started } : {}),
      status: statusOf(run.record),
      coalesced: run.record.coalesced,
    }));
    await saveSession(path, { runs, store: this.store }, this.options.app !== undefined ? { app: this.options.app } : {});
  }

  /** Stops every worker (each sends its final sample), then closes the autosave file. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.exact.dispose();
    try {
      for (const p of this.programs) p.stop();
      await Promise.all([...[this.manager, ...this.reals.all()].map((m) => m.dispose()), ...[...this.programs].map((p) => p.ended.catch(() => undefined))]);
    } finally {
      for (const run of this.runsById.list()) this.flushSamplesNotice(run);
      const session = await this.session;
      await session?.close().catch((error: unknown) => this.log(`arenascope: closing the session file failed: ${String(error)}`));
      this.listeners.clear();
    }
  }

  // ---- run events → bridge events --------------------------------------------------------------

  /** What the page hears of a run's events (the recorder keeps the run's record up to date first). */
  private bridgeEvents(): RunSink<HostRun> {
    return {
      started: (run, info) => {
        if (!run.ownName) run.name = `${info.python.version}${run.config.real ? ' real' : ''} ${run.config.workload}`;
        this.emit({ type: 'run', run: this.summaryOf(run) });
      },
      samples: (run) => this.samplesNotice(run),
      phase: (run, op, label) => this.emit({ type: 'phase', runId: run.runId, op, label }),
      error: (run, message, fatal) => {
        // A fatal error is told with the run's end (below), after the run's new state.
        if (!fatal) this.emit({ type: 'notice', level: 'error', message: `${run.name} (${run.runId}): ${message}` });
      },
      budget: (run) => {
        const pause = run.record.budgetPause!;
        this.emit({
          type: 'notice',
          level: 'error',
          message: `${run.name} (${run.runId}) paused at its memory budget: ${pause.message}. Continue it with a larger budget, or stop it (what it recorded stays).`,
        });
      },
      changed: (run) => {
        // The run's last samples are announced at once, not after the throttle's wait.
        if (run.record.finished || run.record.exited) this.flushSamplesNotice(run);
        this.emit({ type: 'run', run: this.summaryOf(run) });
      },
      ended: (run) => {
        const r = run.record;
        if (r.state === 'failed') this.emit({ type: 'notice', level: 'error', message: `${run.name} (${run.runId}): ${r.reason ?? 'failed'}` });
        if (r.state === 'crashed')
          this.emit({ type: 'notice', level: 'error', message: `${run.name} (${run.runId}) crashed: ${r.reason ?? 'no reason given'}` });
      },
    };
  }

  /** A `samples` notice now, or when SAMPLES_NOTICE_MS has passed since the last one. */
  private samplesNotice(run: HostRun): void {
    if (run.samplesTimer !== null) return;
    const wait = run.lastSamplesNotice + SAMPLES_NOTICE_MS - performance.now();
    if (wait <= 0) return this.sendSamplesNotice(run);
    // Node's timers keep their own millisecond clock, not performance.now(): on a loaded machine one
    // fired 85 ms after the last notice. The timer looks again and waits for the rest, if any.
    run.samplesTimer = setTimeout(() => {
      run.samplesTimer = null;
      this.samplesNotice(run);
    }, wait);
  }

  /** Sends a notice that is waiting for its turn, so the last samples of a run are announced at once. */
  private flushSamplesNotice(run: HostRun): void {
    if (run.samplesTimer !== null) this.sendSamplesNotice(run);
  }

  private sendSamplesNotice(run: HostRun): void {
    if (run.samplesTimer !== null) clearTimeout(run.samplesTimer);
    run.samplesTimer = null;
    run.lastSamplesNotice = performance.now();
    if (!this.runsById.has(run.runId)) return;
    this.emit({ type: 'samples', runId: run.runId, samples: run.record.samples, lastOp: run.record.ops });
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private addRun(runId: string, config: RunConfig, name: string, live: boolean, record: RunRecord = NEW_RUN_RECORD): HostRun {
    return this.runsById.add({
      runId,
      config,
      name,
      record,
      createdAt: new Date().toISOString(),
      details: new DetailStore(this.options.detailCapacity),
      live,
      autosaved: false,
      lastSamplesNotice: -Infinity,
      samplesTimer: null,
      streamConfig: null,
    });
  }

  private remove(runId: string, run: HostRun): void {
    // A live run is stopped; its exit is then forgotten by the manager listener. A program's run
    // leaves the list; the program goes on for its other runs until they are stopped or removed.
    if (run.program) {
      const program = run.program;
      if (!this.runsById.list().some((r) => r !== run && r.program === program)) program.stop();
    } else if (run.live && !run.record.exited) this.manager.stop(runId);
    else this.manager.forget(runId);
    if (run.samplesTimer !== null) clearTimeout(run.samplesTimer);
    this.exact.forget(runId);
    this.runsById.remove(runId);
    this.store.removeRun(runId);
    for (const b of this.backlogs) if (!b.runIds.some((id) => this.runsById.get(id) !== undefined)) this.backlogs.delete(b);
    this.emit({ type: 'runs', runs: this.summaries() });
  }

  /** A path from the desktop's native dialog (bridge.choosePath); refused where there is none. */
  async choosePath(purpose: PathPurpose, current?: string): Promise<string | null> {
    if (!(PATH_PURPOSES as readonly string[]).includes(purpose))
      throw new BridgeInputError(`invalid path request: purpose must be ${PATH_PURPOSES.join(', ')}`);
    const choose = this.options.choosePath;
    if (choose === undefined) throw new BridgeInputError('choosing a path in a dialog needs the desktop app: type the path instead');
    return choose(purpose, current);
  }

  /** Every profiled program's console as kept (bridge.programConsoles). */
  async programConsoles(): Promise<ProgramConsoleState[]> {
    return [...this.backlogs].map((b) => b.state());
  }

  private get(runId: string): HostRun {
    const run = this.runsById.get(runId);
    if (run === undefined) throw new BridgeInputError(`no run '${runId}'`);
    return run;
  }

  private summaries(): RunSummary[] {
    return this.runsById.list().map((run) => this.summaryOf(run));
  }

  private nextId(): string {
    let id: string;
    do id = `run-${++this.seq}`;
    while (this.runsById.has(id) || this.store.has(id));
    return id;
  }

  /** Opens the autosave file on first use; a failure is told once and the runs go on unsaved. */
  private autosave(): Promise<SessionWriter | null> {
    if (this.autosaveDir === null) return Promise.resolve(null);
    this.session ??= this.openAutosave(this.autosaveDir).catch((error: unknown) => {
      this.sessionFailed = true;
      const message = `autosave is off: ${errorMessage(error)}`;
      this.log(`arenascope: ${message}`);
      this.emit({ type: 'notice', level: 'error', message });
      return null;
    });
    return this.session;
  }

  private async openAutosave(dir: string): Promise<SessionWriter> {
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const writerOptions = {
      ...(this.options.flushMs !== undefined ? { flushMs: this.options.flushMs } : {}),
      ...(this.options.app !== undefined ? { app: this.options.app } : {}),
      onError: (error: Error) => this.writeFailed(error),
    };
    // Two hosts started in the same millisecond would pick the same name: the second takes a suffix.
    for (let n = 1; ; n++) {
      const path = join(dir, `session-${stamp}${n === 1 ? '' : `-${n}`}.arenascope.gz`);
      try {
        return await SessionWriter.open(path, writerOptions);
      } catch (error) {
        if (n >= 20 || !/EEXIST/.test(errorMessage(error))) throw error;
      }
    }
  }

  private writeFailed(error: Error): void {
    this.log(`arenascope: autosave: ${error.message}`);
    if (this.sessionFailed) return;
    this.sessionFailed = true;
    this.emit({ type: 'notice', level: 'error', message: `autosave stopped: ${error.message}` });
  }

  private emit(event: BridgeEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.log(`arenascope: a bridge event listener threw: ${errorDetail(error)}`);
      }
    }
  }
}

/** The record checks speak the command line's options; the bridge's caller knows them as the request's fields. */
function programFieldNames(message: string): string {
  return message.replace(/^--python /, 'interpreter ').replace(/^--model /, 'models: ');
}
