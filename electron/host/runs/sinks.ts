/**
 * The sinks both the app and the command line plug into a RunRecorder: the series store (charts,
 * exports) and the session file. Their owners decide which store or writer; the sinks decide what
 * of a run goes where, once.
 */
import { statusOf } from '../../../shared/protocol/run-record';
import type { SeriesStore } from '../../../shared/series';
import type { RunMeta } from '../session/records';
import type { SessionWriter } from '../session/writer';
import type { RecordedRun, RunSink } from './recorder';

/** Samples and phases into a series store. */
export function seriesSink<R extends RecordedRun>(store: SeriesStore): RunSink<R> {
  return {
    samples: (run, columns) => {
      if (columns[0]!.length > 0) store.append(run.runId, columns);
    },
    phase: (run, op, label) => store.addPhase(run.runId, op, label),
  };
}

export interface SessionSink<R extends RecordedRun> extends RunSink<R> {
  /** Adds the run to the session file (before its first event). */
  add(run: R, meta: RunMeta): void;
}

/**
 * A run's records into a session file: `run` when added, `started`, `samples`, `phase`, and its
 * `status` when the verdict is in. `writerOf` picks the file (null: this run is not saved);
 * `onError` receives what the writer refused (without it, the error is the recorder's to log).
 */
export function sessionSink<R extends RecordedRun>(writerOf: (run: R) => SessionWriter | null, onError?: (error: Error) => void): SessionSink<R> {
  const write = (run: R, call: (writer: SessionWriter) => void): void => {
    const writer = writerOf(run);
    if (writer === null) return;
    try {
      call(writer);
    } catch (error) {
      if (onError === undefined) throw error;
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  return {
    add: (run, meta) => write(run, (w) => w.addRun(run.runId, run.config, meta)),
    started: (run, info) => write(run, (w) => w.setStarted(run.runId, info)),
    samples: (run, columns, coalesced) => write(run, (w) => w.appendSamples(run.runId, columns, coalesced)),
    phase: (run, op, label) => write(run, (w) => w.addPhase(run.runId, op, label)),
    ended: (run) => write(run, (w) => w.setStatus(run.runId, statusOf(run.record))),
  };
}
