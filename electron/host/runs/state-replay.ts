/**
 * Scratch workers: every run is deterministic (a seeded workload, or a trace), so what the engine
 * held at any operation can be rebuilt by replaying the run's own stream to it in a worker of its
 * own. Two jobs use one:
 * - the exact state at an operation (`replayState`): an ordinary run (same entry, same protocol)
 *   given the run's config with an operation budget of exactly `op` and nothing else that could end
 *   it earlier (no duration, no real interpreter); its samples serve only as progress, its detail
 *   snapshot at the end is the answer;
 * - why the arenas are kept at an operation (`replayPins`): a pins job (shared/protocol/pins-message.ts).
 * A scratch worker is never a run: nothing of it reaches the run list, the series store or a session.
 */
import * as v from 'valibot';
import type { PinReport } from '../../../shared/pins';
import type { DetailMessage } from '../../../shared/protocol/detail-message';
import { PinsProgressSchema, PinsReportMessageSchema, type PinsJob } from '../../../shared/protocol/pins-message';
import { type RunConfig } from '../../../shared/protocol/run-config';
import { type HostToWorker, parseMessage, PROTOCOL_VERSION, WorkerToHostSchema } from '../../../shared/protocol/worker-messages';
import { SERIES_INDEX } from '../../../shared/run/sample';
import type { Launcher } from '../workers/launcher';

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

export interface ScratchJob<T> {
  readonly result: Promise<T>;
  /** Ends the scratch worker; `result` rejects with ReplayCancelled. */
  cancel(): void;
}

/** What a job makes of one message from its worker: nothing yet, or its outcome. */
type Reading<T> = { done: false } | { done: true; outcome: T | Error };
const MORE = { done: false } as const;

/** Starts a worker, sends `start`, and settles with the first outcome `read` finds (or the worker's end). */
function scratchJob<T>(launcher: Launcher, start: HostToWorker | PinsJob, what: string, read: (raw: unknown) => Reading<T>): ScratchJob<T> {
  const handle = launcher.launch();
  let settled = false;
  let resolve!: (value: T) => void;
  let reject!: (e: Error) => void;
  const result = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const settle = (outcome: T | Error): void => {
    if (settled) return;
    settled = true;
    if (outcome instanceof Error) reject(outcome);
    else resolve(outcome);
    handle.kill('SIGKILL');
  };
  handle.onMessage((raw) => {
    const reading = read(raw);
    if (reading.done) settle(reading.outcome);
  });
  handle.onExit((exit) => settle(new Error(`the ${what}'s worker ended before it finished: ${exit.reason}`)));
  handle.send(start as HostToWorker);
  return { result, cancel: () => settle(new ReplayCancelled()) };
}

/**
 * The detail snapshot after exactly `op` (≥ 1) operations of `config` (a config the worker accepts:
 * paths resolved, policy checked). `onProgress(applied)` as it goes.
 */
export function replayState(launcher: Launcher, config: RunConfig, op: number, onProgress: (applied: number) => void): ScratchJob<DetailMessage> {
  let latest: DetailMessage | null = null;
  return scratchJob<DetailMessage>(launcher, { type: 'start', protocolVersion: PROTOCOL_VERSION, config: replayConfig(config, op) }, 'replay', (raw) => {
    const parsed = parseMessage(WorkerToHostSchema, raw);
    if (!parsed.ok) return { done: true, outcome: new Error(`the replay's worker sent a malformed message: ${parsed.reason}`) };
    const m = parsed.value;
    switch (m.type) {
      case 'samples': {
        const last = m.columns[SERIES_INDEX.op]?.at(-1);
        if (last !== undefined) onProgress(last);
        return MORE;
      }
      case 'detail':
        latest = m;
        return MORE;
      case 'error':
        return m.fatal ? { done: true, outcome: new Error(m.message) } : MORE;
      case 'budget':
        return { done: true, outcome: new Error(`the replay reached the worker's memory budget before op ${op}: ${m.message}`) };
      case 'done':
        if (latest !== null && latest.op === op) return { done: true, outcome: latest };
        return { done: true, outcome: new Error(`the run's stream ends at op ${m.ops}, before op ${op}`) };
      default:
        return MORE;
    }
  });
}

const PinsAnswerSchema = v.variant('type', [
  PinsProgressSchema,
  PinsReportMessageSchema,
  v.strictObject({ type: v.literal('error'), message: v.string(), fatal: v.boolean(), quoted: v.optional(v.string()) }),
]);

/** The pins analysis after exactly `op` operations of `config`, arenas up to `threshold` full counting as pinned. */
export function replayPins(launcher: Launcher, config: RunConfig, op: number, threshold: number, onProgress: (applied: number) => void): ScratchJob<PinReport> {
  const { durationMs: _duration, real: _real, ...stream } = config;
  const job: PinsJob = { type: 'pins', protocolVersion: PROTOCOL_VERSION, config: stream, op, threshold };
  return scratchJob<PinReport>(launcher, job, 'pins analysis', (raw) => {
    const parsed = parseMessage(PinsAnswerSchema, raw);
    if (!parsed.ok) return { done: true, outcome: new Error(`the pins worker sent a malformed message: ${parsed.reason}`) };
    const m = parsed.value;
    if (m.type === 'pins-progress') {
      onProgress(m.ops);
      return MORE;
    }
    if (m.type === 'error') return m.fatal ? { done: true, outcome: new Error(m.message) } : MORE;
    return { done: true, outcome: m.report };
  });
}
