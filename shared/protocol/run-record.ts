/**
 * What the host knows of one run, and the one rule that turns a run's events into it.
 *
 * Every part of the host that shows or stores a run's state (the dashboard's run list, the session
 * file, the command line's report and run.json, exports) reads a `RunRecord` made by `reduceRun`,
 * so they cannot disagree about a run's state, operations, wall time or the reason it ended.
 */
import * as v from 'valibot';
import { SERIES_INDEX } from '../run/sample';
import { WorkerRunStateSchema, type WorkerToHost } from './worker-messages';

// ---- states -------------------------------------------------------------------------------------

/** Every state a worker reports, plus `crashed`: the host's verdict when a worker process died. */
export const RunStateSchema = v.picklist([...WorkerRunStateSchema.options, 'crashed']);
export type RunState = v.InferOutput<typeof RunStateSchema>;

/** States after which a run changes no more. */
export const FINAL_STATES: ReadonlySet<RunState> = new Set(['done', 'stopped', 'failed', 'crashed']);

// ---- what a run's status looks like in a session file and an export ------------------------------

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Finite = v.pipe(v.number(), v.finite());
const Text = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** The worker's `started` message without its type: what the run actually ran. */
export const StartedInfoSchema = v.strictObject({
  engineVersion: Text(100),
  workloadVersion: Finite,
  python: v.strictObject({ version: Text(40), family: Text(40), arenas: v.picklist(['aligned', 'misaligned']) }),
  params: v.record(Text(200), v.union([Finite, Text(4096)])),
});
export type StartedInfo = v.InferOutput<typeof StartedInfoSchema>;

export const RunStatusSchema = v.strictObject({
  state: RunStateSchema,
  ops: Count,
  wallMs: Finite,
  /** Why a run failed, crashed or was ended by the host (an error message, an exit code or signal). */
  reason: v.optional(Text(4096)),
  /** Wall time spent paused (absent: none, or a file written before pauses were counted). */
  pausedMs: v.optional(v.pipe(Finite, v.minValue(0))),
});
export type RunStatus = v.InferOutput<typeof RunStatusSchema>;

// Compile-time: a worker's `started` message always fits what a session records.
const _startedFits = (s: Omit<Extract<WorkerToHost, { type: 'started' }>, 'type'>): StartedInfo => s;
void _startedFits;

// ---- events and the record ----------------------------------------------------------------------

/** How a worker process ended, as the host saw it. */
export interface RunExit {
  type: 'exit';
  code: number | null;
  signal: string | null;
  /** In words: "exited with code 1: <last stderr line>", "killed by SIGKILL", … */
  reason: string;
  /** The host ended it (quitting): no crash, whatever the exit looked like. */
  byHost: boolean;
}

/** Everything that happens to a run: the worker's own messages, then the end of its process (always last). */
export type RunEvent = WorkerToHost | RunExit;

export interface RunRecord {
  readonly state: RunState;
  /** Operations applied, as last reported (status, samples or done). */
  readonly ops: number;
  readonly wallMs: number;
  /** The worker's resolution of the config (versions, effective parameters); null until `started`. */
  readonly started: StartedInfo | null;
  /** Why the run failed, crashed, was ended by the host or stopped at its memory budget; null otherwise. */
  readonly reason: string | null;
  /** Sample rows received. */
  readonly samples: number;
  /** Samples the worker dropped because the host was slow. */
  readonly coalesced: number;
  /** The worker said its last word (`done` or a fatal error): whatever its process does next is no crash. */
  readonly finished: boolean;
  /** The worker process has ended. */
  readonly exited: boolean;
  /**
   * Set while the run is paused at its memory budget (the worker's `budget` event): where, the
   * budget it reached, and why; null once it runs again or ends.
   */
  readonly budgetPause: BudgetPause | null;
  /** Wall time spent in the pauses that have ended, ms. */
  readonly pausedMs: number;
  /** The wall time (`wallMs`) the current pause began at; null while not paused. */
  readonly pausedAt: number | null;
  /** The pauses so far (the first MAX_PAUSES), for marking them on the wall-time axis. */
  readonly pauses: readonly RunPause[];
}

/** One pause: at operation `op`, from wall time `fromMs` to `toMs` (ms since the run began). */
export interface RunPause {
  readonly op: number;
  readonly fromMs: number;
  readonly toMs: number;
}

/** Pauses kept for marking (their total is always counted). */
export const MAX_PAUSES = 100;

/** Wall time the run spent running (not paused), ms: what elapsed time and rates are counted in. */
export function runningMs(record: Pick<RunRecord, 'wallMs' | 'pausedMs' | 'pausedAt'>): number {
  const open = record.pausedAt === null ? 0 : Math.max(0, record.wallMs - record.pausedAt);
  return Math.max(0, record.wallMs - record.pausedMs - open);
}

export interface BudgetPause {
  readonly ops: number;
  readonly megabytes: number;
  readonly message: string;
}

/** A larger budget to offer when a run pauses at `megabytes`: double, and at least 64 MB more. */
export function suggestedBudgetMB(megabytes: number): number {
  return Math.ceil(Math.max(megabytes * 2, megabytes + 64));
}

export const NEW_RUN_RECORD: RunRecord = Object.freeze({
  state: 'starting',
  ops: 0,
  wallMs: 0,
  started: null,
  reason: null,
  samples: 0,
  coalesced: 0,
  finished: false,
  exited: false,
  budgetPause: null,
  pausedMs: 0,
  pausedAt: null,
  pauses: [],
});

/** The record once a pause begins at wall time `at` (no change when one is under way). */
function pauseAt(record: RunRecord, at: number): RunRecord {
  return record.pausedAt === null ? { ...record, pausedAt: at } : record;
}

/** The record once the current pause ends at wall time `at` (no change when not paused). */
function resumeAt(record: RunRecord, at: number): RunRecord {
  if (record.pausedAt === null) return record;
  const to = Math.max(record.pausedAt, at);
  const pause: RunPause = { op: record.ops, fromMs: record.pausedAt, toMs: to };
  return {
    ...record,
    pausedAt: null,
    pausedMs: record.pausedMs + (to - record.pausedAt),
    pauses: record.pauses.length < MAX_PAUSES ? [...record.pauses, pause] : record.pauses,
  };
}

const OP = SERIES_INDEX.op;
const WALL_MS = SERIES_INDEX.wall_ms;

/**
 * The run after one more event. Pure: the same events give the same record wherever they are
 * replayed (the app, the command line, a test).
 *
 * - `done` or a fatal `error` settle the run (done / stopped / failed); later `status` messages
 *   update the counters but not the state.
 * - The process ending without either is a crash (the exit's reason), unless the host ended it:
 *   then the run is `stopped`, saying so.
 */
export function reduceRun(record: RunRecord, event: RunEvent): RunRecord {
  switch (event.type) {
    case 'started': {
      const { type: _type, ...started } = event;
      return { ...record, started };
    }
    case 'status': {
      const state = record.finished || record.exited ? record.state : event.state;
      const timed = state === 'paused' ? pauseAt(record, event.wallMs) : resumeAt(record, event.wallMs);
      return {
        ...timed,
        state,
        ops: Math.max(record.ops, event.ops),
        wallMs: Math.max(record.wallMs, event.wallMs),
        // Only a paused run is paused at its budget: running again (or ending) clears it.
        budgetPause: state === 'paused' ? record.budgetPause : null,
      };
    }
    case 'budget':
      if (record.finished || record.exited) return record;
      return {
        ...pauseAt(record, record.wallMs),
        state: 'paused',
        ops: Math.max(record.ops, event.ops),
        budgetPause: { ops: event.ops, megabytes: event.megabytes, message: event.message },
      };
    case 'samples': {
      const rows = event.columns[OP]!.length;
      if (rows === 0) return event.coalesced === 0 ? record : { ...record, coalesced: record.coalesced + event.coalesced };
      return {
        ...record,
        ops: Math.max(record.ops, event.columns[OP]![rows - 1]!),
        wallMs: Math.max(record.wallMs, event.columns[WALL_MS]![rows - 1]!),
        samples: record.samples + rows,
        coalesced: record.coalesced + event.coalesced,
      };
    }
    case 'done':
      if (record.finished) return record;
      return {
        // Stopped while paused: the pause lasted until the end.
        ...resumeAt(record, event.wallMs),
        finished: true,
        budgetPause: null,
        state: event.state,
        // Stopped while paused at its budget: the session file and the report say so.
        ...(event.state === 'stopped' && record.budgetPause !== null ? { reason: `stopped at its memory budget: ${record.budgetPause.message}` } : {}),
        ...(event.reason !== undefined ? { reason: event.reason } : {}),
        ops: Math.max(record.ops, event.ops),
        wallMs: Math.max(record.wallMs, event.wallMs),
      };
    case 'error':
      if (!event.fatal || record.finished) return record;
      return { ...resumeAt(record, record.wallMs), finished: true, budgetPause: null, state: 'failed', reason: event.message };
    case 'exit':
      if (record.exited) return record;
      if (record.finished) return { ...record, exited: true };
      return event.byHost
        ? {
            ...resumeAt(record, record.wallMs),
            exited: true,
            budgetPause: null,
            state: 'stopped',
            reason: `ended by the host before finishing (${event.reason})`,
          }
        : { ...resumeAt(record, record.wallMs), exited: true, budgetPause: null, state: 'crashed', reason: event.reason };
    case 'phase':
    case 'detail':
    case 'pong':
      return record;
  }
}

/** The record as a session file and an export hold it. */
export function statusOf(record: RunRecord): RunStatus {
  const paused = record.wallMs - runningMs(record);
  return {
    state: record.state,
    ops: record.ops,
    wallMs: record.wallMs,
    ...(record.reason !== null ? { reason: record.reason } : {}),
    ...(paused > 0 ? { pausedMs: paused } : {}),
  };
}
