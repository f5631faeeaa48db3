/**
 * The exact engine state at any operation of a model run, rebuilt on demand: every run is
 * deterministic (a seeded workload, or a trace), so a scratch worker replays the run's own stream
 * to that operation and sends the detail snapshot there. The run's periodic snapshots stay a cache;
 * this is what a click on a chart asks for (docs/dashboard.md, "The detail panel").
 *
 * The scratch worker is an ordinary worker (same entry, same protocol) given the run's config with
 * an operation budget of exactly `op` and nothing else that could end it earlier (no duration, no
 * real interpreter); its samples serve only as progress. It is never a run: nothing of it reaches
 * the run list, the series store or a session file.
 */
import type { DetailMessage } from '../../../shared/protocol/detail-message';
import { type RunConfig } from '../../../shared/protocol/run-config';
import { parseMessage, PROTOCOL_VERSION, WorkerToHostSchema } from '../../../shared/protocol/worker-messages';
import { SERIES_INDEX } from '../../../shared/run/sample';
import type { Launcher, WorkerHandle } from '../launcher';

/** About this many progress reports over a replay (each one a sample the worker takes). */
const PROGRESS_STEPS = 50;

/** The scratch config: the run's stream, stopped exactly at `op`, sampled only for progress. */
export function replayConfig(config: RunConfig, op: number): RunConfig {
  const { durationMs: _duration, real: _real, maxSampleIntervalMs: _interval, ...rest } = config;
  return { ...rest, ops: op, sampleEvery: Math.max(1, Math.ceil(op / PROGRESS_STEPS)), maxSampleRate: 0 };
}

export class ReplayCancelled extends Error {
  constructor() {
    super('the replay was cancelled');
    this.name = 'ReplayCancelled';
  }
}

export interface StateReplay {
  /** The snapshot at exactly the operation asked for. */
  readonly result: Promise<DetailMessage>;
  /** Ends the scratch worker; `result` rejects with ReplayCancelled. */
  cancel(): void;
}

/**
 * Replays `config` (a config the worker accepts: paths resolved, policy checked) to operation `op`
 * (≥ 1) in a scratch worker. `onProgress(applied)` as it goes.
 */
export function replayState(launcher: Launcher, config: RunConfig, op: number, onProgress: (applied: number) => void): StateReplay {
  const handle: WorkerHandle = launcher.launch();
  let settled = false;
  let latest: DetailMessage | null = null;
  let resolve!: (d: DetailMessage) => void;
  let reject!: (e: Error) => void;
  const result = new Promise<DetailMessage>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const settle = (outcome: DetailMessage | Error): void => {
    if (settled) return;
    settled = true;
    if (outcome instanceof Error) reject(outcome);
    else resolve(outcome);
    handle.kill('SIGKILL');
  };
  handle.onMessage((raw) => {
    const parsed = parseMessage(WorkerToHostSchema, raw);
    if (!parsed.ok) return settle(new Error(`the replay's worker sent a malformed message: ${parsed.reason}`));
    const m = parsed.value;
    switch (m.type) {
      case 'samples': {
        const ops = m.columns[SERIES_INDEX.op];
        const last = ops?.at(-1);
        if (last !== undefined) onProgress(last);
        return;
      }
      case 'detail':
        latest = m;
        return;
      case 'error':
        if (m.fatal) settle(new Error(m.message));
        return;
      case 'budget':
        return settle(new Error(`the replay reached the worker's memory budget before op ${op}: ${m.message}`));
      case 'done':
        if (latest !== null && latest.op === op) return settle(latest);
        return settle(new Error(`the run's stream ends at op ${m.ops}, before op ${op}`));
      default:
        return;
    }
  });
  handle.onExit((exit) => settle(new Error(`the replay's worker ended before op ${op}: ${exit.reason}`)));
  handle.send({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: replayConfig(config, op) });
  return {
    result,
    cancel: () => settle(new ReplayCancelled()),
  };
}
