/**
 * Starts, supervises and stops runs: one worker process each, any number at once.
 *
 * Every message from a worker is validated (a malformed one is logged, counted and ignored) and
 * passed on as a typed event; the manager keeps each run's status (state, operations, wall time,
 * configuration, what the worker resolved, why it failed) but not its samples: those go to
 * whoever listens (the series store). A worker that dies before `done` marks its run `crashed`
 * with the reason; the other runs go on. `dispose` ends every worker and a process 'exit' hook
 * kills any still alive, so no worker outlives the host.
 */
import { parseMessage, PROTOCOL_VERSION, WorkerToHostSchema, type RunState, type WorkerToHost } from '../../shared/protocol/worker-messages';
import { RunConfigSchema, type RunConfig } from '../../shared/protocol/run-config';
import { SERIES_INDEX } from '../../shared/run/sample';
import type { Launcher, WorkerExit, WorkerHandle } from './launcher';

export type StartedInfo = Omit<Extract<WorkerToHost, { type: 'started' }>, 'type'>;

/** What a listener hears about a run: the worker's own messages, or what the host saw happen to it. */
export type RunEvent =
  | WorkerToHost
  /** The worker ended before finishing, on its own (not asked to by the host). */
  | { type: 'crashed'; reason: string }
  /** The worker process is gone (always the run's last event). */
  | { type: 'exit'; code: number | null; signal: string | null };

export interface RunManagerEvent {
  runId: string;
  event: RunEvent;
}

export type RunStatusState = RunState | 'crashed';

export interface RunStatus {
  runId: string;
  state: RunStatusState;
  /** Operations applied, as last reported (status, samples or done). */
  ops: number;
  wallMs: number;
  config: RunConfig;
  /** The worker's resolution of the config (versions, effective parameters); null until `started`. */
  started: StartedInfo | null;
  /** Why the run failed (the worker's fatal error) or crashed (how the process ended). */
  reason: string | null;
  /** Worker messages ignored because they did not parse. */
  malformed: number;
  pid: number | undefined;
  /** The worker process has ended. */
  exited: boolean;
}

export interface RunManagerOptions {
  /** How long `stopAll` waits at each step (stop message, SIGTERM) before the next. Default 2000 ms. */
  graceMs?: number;
  /** Where the manager reports what it ignored; default: stderr. */
  log?: (line: string) => void;
  /**
   * Whether a worker's error may quote an input file's content (its `quoted` form): true (the
   * default) where the user owns the files, false for a browser server's clients.
   */
  quoteFileContent?: boolean;
}

export class UnknownRunError extends Error {
  constructor(readonly runId: string) {
    super(`no run '${runId}'`);
    this.name = 'UnknownRunError';
  }
}

interface Run {
  status: RunStatus;
  handle: WorkerHandle;
  /** `done` arrived: whatever the process does next is no crash. */
  finished: boolean;
  /** The host asked it to end (stopAll / dispose): an exit by signal is expected. */
  stopping: boolean;
  exited: Promise<void>;
}

const OP = SERIES_INDEX['op']!;
const WALL_MS = SERIES_INDEX['wall_ms']!;

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly listeners = new Set<(event: RunManagerEvent) => void>();
  private readonly graceMs: number;
  private readonly log: (line: string) => void;
  private readonly quoteFileContent: boolean;
  private seq = 0;
  private disposed = false;
  /** Worker messages ignored, all runs together. */
  malformed = 0;

  /** Last resort: a host that exits without `dispose` still takes its workers with it. */
  private readonly exitHook = (): void => {
    for (const run of this.runs.values()) if (!run.status.exited) run.handle.kill('SIGKILL');
  };

  constructor(
    private readonly launcher: Launcher,
    options: RunManagerOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 2000;
    this.log = options.log ?? ((line) => void process.stderr.write(`${line}\n`));
    this.quoteFileContent = options.quoteFileContent ?? true;
    process.on('exit', this.exitHook);
  }

  /** Starts a run in a new worker and returns its id (`run-1`, `run-2`, … unless given). */
  start(config: RunConfig, runId?: string): string {
    if (this.disposed) throw new Error('the run manager has been disposed');
    const parsed = parseMessage(RunConfigSchema, config);
    if (!parsed.ok) throw new TypeError(`invalid run configuration: ${parsed.reason}`);
    const id = runId ?? this.nextId();
    if (this.runs.has(id)) throw new Error(`a run '${id}' exists already`);
    const handle = this.launcher.launch();
    let markExited: () => void = () => undefined;
    const run: Run = {
      status: {
        runId: id,
        state: 'starting',
        ops: 0,
        wallMs: 0,
        config: parsed.value,
        started: null,
        reason: null,
        malformed: 0,
        pid: handle.pid,
        exited: false,
      },
      handle,
      finished: false,
      stopping: false,
      exited: new Promise((resolve) => {
        markExited = resolve;
      }),
    };
    this.runs.set(id, run);
    handle.onMessage((raw) => this.received(run, raw));
    handle.onExit((exit) => {
      this.exited(run, exit);
      markExited();
    });
    handle.send({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: parsed.value });
    return id;
  }

  pause(runId: string): boolean {
    return this.command(runId, { type: 'pause' });
  }

  resume(runId: string): boolean {
    return this.command(runId, { type: 'resume' });
  }

  /** While paused: exactly `ops` more operations, then a sample and a status, still paused. */
  step(runId: string, ops: number): boolean {
    return this.command(runId, { type: 'step', ops });
  }

  /** Final sample, `done` (state 'stopped'), and the worker exits. */
  stop(runId: string): boolean {
    return this.command(runId, { type: 'stop' });
  }

  setSampling(runId: string, sampleEvery: number, maxSampleIntervalMs?: number): boolean {
    return this.command(runId, maxSampleIntervalMs === undefined ? { type: 'set-sampling', sampleEvery } : { type: 'set-sampling', sampleEvery, maxSampleIntervalMs });
  }

  /** A copy of the run's status, or undefined for an unknown id. */
  status(runId: string): RunStatus | undefined {
    const run = this.runs.get(runId);
    return run && snapshot(run);
  }

  list(): RunStatus[] {
    return [...this.runs.values()].map(snapshot);
  }

  /** Resolves once the run's worker process has ended. */
  whenExited(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    if (!run) return Promise.reject(new UnknownRunError(runId));
    return run.exited;
  }

  /** Drops an ended run's status. */
  forget(runId: string): void {
    if (this.runs.get(runId)?.status.exited) this.runs.delete(runId);
  }

  /** Listens to every run's events; returns the function that stops listening. */
  onEvent(listener: (event: RunManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Ends every live run: asks each worker to stop (so it sends its final sample), then SIGTERM
   * after the grace period, then SIGKILL after another. Resolves when every worker has exited.
   */
  async stopAll(graceMs = this.graceMs): Promise<void> {
    const live = [...this.runs.values()].filter((run) => !run.status.exited);
    for (const run of live) {
      run.stopping = true;
      if (!run.finished) run.handle.send({ type: 'stop' });
    }
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      await Promise.all(live.map((run) => withTimeout(run.exited, graceMs)));
      for (const run of live) if (!run.status.exited) run.handle.kill(signal);
    }
    await Promise.all(live.map((run) => run.exited));
  }

  /** Stops every run and refuses new ones; the host calls it when it quits. */
  async dispose(): Promise<void> {
    this.disposed = true;
    try {
      await this.stopAll();
    } finally {
      process.off('exit', this.exitHook);
      this.listeners.clear();
    }
  }

  // ---- worker → host ---------------------------------------------------------------------------

  private received(run: Run, raw: unknown): void {
    const parsed = parseMessage(WorkerToHostSchema, raw);
    if (!parsed.ok) {
      run.status.malformed++;
      this.malformed++;
      this.log(`arenascope: run ${run.status.runId}: ignored a malformed worker message: ${parsed.reason}`);
      return;
    }
    const message = this.quoteFileContent ? withQuote(parsed.value) : parsed.value;
    const status = run.status;
    switch (message.type) {
      case 'started': {
        const { type: _type, ...info } = message;
        status.started = info;
        break;
      }
      case 'status':
        if (!run.finished) status.state = message.state;
        status.ops = message.ops;
        status.wallMs = message.wallMs;
        break;
      case 'samples': {
        const rows = message.columns[OP]!.length;
        if (rows > 0) {
          status.ops = message.columns[OP]![rows - 1]!;
          status.wallMs = message.columns[WALL_MS]![rows - 1]!;
        }
        break;
      }
      case 'done':
        run.finished = true;
        status.state = message.state;
        status.ops = message.ops;
        status.wallMs = message.wallMs;
        break;
      case 'error':
        if (message.fatal) {
          run.finished = true;
          status.state = 'failed';
          status.reason = message.message;
        }
        break;
      case 'pong':
      case 'phase':
        break;
    }
    this.emit(status.runId, message);
  }

  private exited(run: Run, exit: WorkerExit): void {
    const status = run.status;
    status.exited = true;
    if (!run.finished) {
      if (run.stopping) {
        status.state = 'stopped';
        status.reason = `ended by the host before finishing (${exit.reason})`;
      } else {
        status.state = 'crashed';
        status.reason = exit.reason;
        this.emit(status.runId, { type: 'crashed', reason: exit.reason });
      }
    }
    this.emit(status.runId, { type: 'exit', code: exit.code, signal: exit.signal });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private command(runId: string, message: Parameters<WorkerHandle['send']>[0]): boolean {
    const run = this.runs.get(runId);
    if (!run) throw new UnknownRunError(runId);
    if (run.status.exited || run.finished) return false;
    run.handle.send(message);
    return true;
  }

  private nextId(): string {
    let id: string;
    do id = `run-${++this.seq}`;
    while (this.runs.has(id));
    return id;
  }

  private emit(runId: string, event: RunEvent): void {
    for (const listener of this.listeners) {
      try {
        listener({ runId, event });
      } catch (error) {
        // One faulty listener must not starve the others (the series store, the session file).
        this.log(`arenascope: a run event listener threw: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
  }
}

/** A copy, with the pid as known now (an Electron utility process has one only once spawned). */
function snapshot(run: Run): RunStatus {
  return { ...run.status, pid: run.status.pid ?? run.handle.pid };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** An error message in its quoting form (for the file's owner), when the worker gave one. */
function withQuote(message: WorkerToHost): WorkerToHost {
  return message.type === 'error' && message.quoted !== undefined ? { ...message, message: message.quoted } : message;
}
