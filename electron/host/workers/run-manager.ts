/**
 * Starts, supervises and stops worker processes: one per run, any number at once.
 *
 * Every message from a worker is validated (a malformed one is logged, counted and ignored) and
 * passed on as a typed `RunEvent`; the end of the process follows as an `exit` event saying
 * whether the host ended it. The manager keeps no run state: what a run's events mean (its state,
 * operations, why it ended) is `reduceRun`'s (shared/protocol/run-record.ts) and the recorder's
 * (runs/recorder.ts). It only knows what supervising needs: whether the worker said its last word
 * (no more commands) and whether the process is gone. `dispose` ends every worker and a process
 * 'exit' hook kills any still alive, so no worker outlives the host.
 */
import { parseMessage, PROTOCOL_VERSION, WorkerToHostSchema, type WorkerToHost } from '../../../shared/protocol/worker-messages';
import { RunConfigSchema, type RunConfig } from '../../../shared/protocol/run-config';
import type { RunEvent } from '../../../shared/protocol/run-record';
import type { Launcher, WorkerExit, WorkerHandle } from './launcher';
import { errorDetail, InputError } from '../../../shared/errors';

export type { RunEvent };

export interface RunManagerEvent {
  runId: string;
  event: RunEvent;
}

/** What the manager knows of a worker process. */
export interface ProcessStatus {
  runId: string;
  config: RunConfig;
  pid: number | undefined;
  /** The worker sent `done` or a fatal error: it takes no more commands. */
  finished: boolean;
  /** The process has ended. */
  exited: boolean;
  /** Worker messages ignored because they did not parse. */
  malformed: number;
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

export class UnknownRunError extends InputError {
  constructor(readonly runId: string) {
    super(`no run '${runId}'`);
    this.name = 'UnknownRunError';
  }
}

interface Run {
  status: ProcessStatus;
  handle: WorkerHandle;
  /** The host asked it to end (stopAll / dispose): an exit by signal is expected. */
  stopping: boolean;
  exited: Promise<void>;
}

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
      status: { runId: id, config: parsed.value, pid: handle.pid, finished: false, exited: false, malformed: 0 },
      handle,
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

  /** The worker's memory budget from now on, MB; a run paused at its budget continues on `resume`. */
  setBudget(runId: string, megabytes: number): boolean {
    return this.command(runId, { type: 'set-budget', megabytes });
  }

  setSampling(runId: string, sampleEvery: number, maxSampleIntervalMs?: number): boolean {
    return this.command(
      runId,
      maxSampleIntervalMs === undefined ? { type: 'set-sampling', sampleEvery } : { type: 'set-sampling', sampleEvery, maxSampleIntervalMs },
    );
  }

  /** A copy of the worker's status, or undefined for an unknown id. */
  status(runId: string): ProcessStatus | undefined {
    const run = this.runs.get(runId);
    return run && snapshot(run);
  }

  list(): ProcessStatus[] {
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
      if (!run.status.finished) run.handle.send({ type: 'stop' });
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
    if (message.type === 'done' || (message.type === 'error' && message.fatal)) run.status.finished = true;
    this.emit(run.status.runId, message);
  }

  private exited(run: Run, exit: WorkerExit): void {
    run.status.exited = true;
    // Ended by the host before its last word: the recorder calls the run stopped, not crashed.
    const byHost = run.stopping && !run.status.finished;
    this.emit(run.status.runId, { type: 'exit', code: exit.code, signal: exit.signal, reason: exit.reason, byHost });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private command(runId: string, message: Parameters<WorkerHandle['send']>[0]): boolean {
    const run = this.runs.get(runId);
    if (!run) throw new UnknownRunError(runId);
    if (run.status.exited || run.status.finished) return false;
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
        this.log(`arenascope: a run event listener threw: ${errorDetail(error)}`);
      }
    }
  }
}

/** A copy, with the pid as known now (an Electron utility process has one only once spawned). */
function snapshot(run: Run): ProcessStatus {
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
