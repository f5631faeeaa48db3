/**
 * One run's events, from wherever they come, to everything that keeps or shows them.
 *
 * The recorder holds each run's `RunRecord` (shared/protocol/run-record.ts), applies every event
 * with `reduceRun`, and fans the event out to its sinks: the series store, the detail store, the
 * session writer, the dashboard's notices (AppHost), samples.csv and run.json (the command line).
 * The app and the command line build the same recorder with different sinks, so a run's state,
 * operations and reason are decided once, the same way, for both.
 *
 * A sink that throws is logged and skipped: it must not starve the others (the session file must
 * not stop because a chart notice failed).
 */
import type { DetailMessage } from '../../../shared/protocol/detail-message';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { reduceRun, type RunEvent, type RunRecord, type StartedInfo } from '../../../shared/protocol/run-record';
import { errorDetail } from '../../../shared/errors';

/** A run the recorder keeps; owners extend it with their own fields (AppHost's summary, the CLI's files). */
export interface RecordedRun {
  readonly runId: string;
  readonly config: RunConfig;
  /** "3.11.14 steady-churn". */
  name: string;
  record: RunRecord;
}

/** Where a run's events go. Every method is optional; `run.record` is already up to date when it is called. */
export interface RunSink<R extends RecordedRun = RecordedRun> {
  started?(run: R, info: StartedInfo): void;
  /** Sample rows as columns in SERIES order; `coalesced` samples the worker dropped. */
  samples?(run: R, columns: number[][], coalesced: number): void;
  phase?(run: R, op: number, label: string): void;
  detail?(run: R, detail: DetailMessage): void;
  /** Something the worker refused or failed at (a fatal one also ends the run: `ended` follows). */
  error?(run: R, message: string, fatal: boolean): void;
  /** The run paused at its memory budget (`run.record.budgetPause` says where and why). */
  budget?(run: R): void;
  /** The run's state or counters may have changed (status, done, a fatal error, the process's end). */
  changed?(run: R, previous: RunRecord): void;
  /** The run's verdict is in (done, stopped, failed or crashed; `run.record.reason` says why). */
  ended?(run: R, previous: RunRecord): void;
}

/** A run's events as a source emits them (RunManager's `onEvent`). */
export interface RunEventSource {
  onEvent(listener: (event: { runId: string; event: RunEvent }) => void): () => void;
}

export class RunRecorder<R extends RecordedRun = RecordedRun> {
  private readonly runs = new Map<string, R>();

  constructor(
    private readonly sinks: readonly RunSink<R>[],
    private readonly log: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
  ) {}

  /** Starts keeping a run (before its first event). */
  add(run: R): R {
    if (this.runs.has(run.runId)) throw new Error(`a run '${run.runId}' is recorded already`);
    this.runs.set(run.runId, run);
    return run;
  }

  get(runId: string): R | undefined {
    return this.runs.get(runId);
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  list(): R[] {
    return [...this.runs.values()];
  }

  /** Forgets a run: its later events are ignored. */
  remove(runId: string): void {
    this.runs.delete(runId);
  }

  /** Feeds every event of `source` to the runs recorded here; returns the function that stops it. */
  listen(source: RunEventSource): () => void {
    return source.onEvent(({ runId, event }) => this.feed(runId, event));
  }

  /** Applies one event to its run and tells the sinks. Events of a run not recorded (removed) are ignored. */
  feed(runId: string, event: RunEvent): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    const previous = run.record;
    run.record = reduceRun(previous, event);
    switch (event.type) {
      case 'started':
        this.tell(run, 'started', (s) => s.started?.(run, run.record.started!));
        break;
      case 'samples':
        this.tell(run, 'samples', (s) => s.samples?.(run, event.columns, event.coalesced));
        break;
      case 'phase':
        this.tell(run, 'phase', (s) => s.phase?.(run, event.op, event.label));
        break;
      case 'detail':
        this.tell(run, 'detail', (s) => s.detail?.(run, event));
        break;
      case 'error':
        this.tell(run, 'error', (s) => s.error?.(run, event.message, event.fatal));
        break;
      case 'budget':
        this.tell(run, 'budget', (s) => s.budget?.(run));
        break;
      case 'status':
      case 'done':
      case 'exit':
      case 'pong':
        break;
    }
    if (event.type === 'status' || event.type === 'budget' || event.type === 'done' || event.type === 'exit' || (event.type === 'error' && event.fatal)) {
      this.tell(run, 'changed', (s) => s.changed?.(run, previous));
    }
    const r = run.record;
    if ((r.finished && !previous.finished) || (r.exited && !previous.exited && !previous.finished)) {
      this.tell(run, 'ended', (s) => s.ended?.(run, previous));
    }
  }

  private tell(run: R, what: string, call: (sink: RunSink<R>) => void): void {
    for (const sink of this.sinks) {
      try {
        call(sink);
      } catch (error) {
        this.log(`arenascope: run ${run.runId}: a ${what} sink failed: ${errorDetail(error)}`);
      }
    }
  }
}
