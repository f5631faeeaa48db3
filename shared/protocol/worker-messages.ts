/**
 * Messages between the host and a worker process (Electron utility process or forked Node child).
 * Both sides validate what they receive: a message crossed a process boundary. A message that does
 * not parse is rejected with the reason and changes nothing.
 *
 * Samples travel as columns (one number array per series, in shared/run/sample.ts SERIES order,
 * then the envelope's minimum and maximum columns: SAMPLE_WIDTH in all), never as one object per
 * sample. A source that cannot know what happened between two samples sends the SERIES columns only.
 */
import * as v from 'valibot';
import { SAMPLE_WIDTH, SERIES_COUNT } from '../run/sample';
import { DetailMessageSchema } from './detail-message';
import { describeIssues } from './issues';
import { MAX_SAMPLE_RATE, RunConfigSchema } from './run-config';
import { PROTOCOL_VERSION } from './version';

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

// ---- host → worker ---------------------------------------------------------------------------

export const HostToWorkerSchema = v.variant('type', [
  v.strictObject({ type: v.literal('ping') }),
  /** Start the run (once). */
  v.strictObject({ type: v.literal('start'), protocolVersion: v.number(), config: RunConfigSchema }),
  v.strictObject({ type: v.literal('pause') }),
  v.strictObject({ type: v.literal('resume') }),
  /** While paused: run exactly `ops` more operations, report, stay paused. */
  v.strictObject({ type: v.literal('step'), ops: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) }),
  /** Finish now: final sample, `done`, exit. */
  v.strictObject({ type: v.literal('stop') }),
  /**
   * The worker's memory budget from now on, MB (memory-budget.ts). A run paused at its budget
   * continues only on a `resume` after it (and pauses again if still over).
   */
  v.strictObject({ type: v.literal('set-budget'), megabytes: v.pipe(v.number(), v.finite(), v.gtValue(0), v.maxValue(1 << 24)) }),
  v.strictObject({
    type: v.literal('set-sampling'),
    sampleEvery: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
    maxSampleIntervalMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(10), v.maxValue(60_000))),
    /** Samples a second at most from now on (0: no cap). */
    maxSampleRate: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_SAMPLE_RATE))),
  }),
]);

export type HostToWorker = v.InferOutput<typeof HostToWorkerSchema>;

// ---- worker → host ---------------------------------------------------------------------------

/** The states a worker reports of itself; the host's `RunState` (run-record.ts) adds `crashed`. */
export const WorkerRunStateSchema = v.picklist(['starting', 'running', 'paused', 'done', 'stopped', 'failed']);
export type WorkerRunState = v.InferOutput<typeof WorkerRunStateSchema>;

export const WorkerToHostSchema = v.variant('type', [
  v.strictObject({ type: v.literal('pong'), protocolVersion: v.number() }),
  /** The worker resolved the config: versions and the effective parameters. */
  v.strictObject({
    type: v.literal('started'),
    engineVersion: v.string(),
    workloadVersion: v.number(),
    python: v.strictObject({ version: v.string(), family: v.string(), arenas: v.picklist(['aligned', 'misaligned']) }),
    params: v.record(v.string(), v.union([v.number(), v.string()])),
  }),
  v.strictObject({ type: v.literal('status'), state: WorkerRunStateSchema, ops: Count, wallMs: v.number() }),
  /**
   * Sample rows as columns; `coalesced` counts samples dropped because the host was slow (their
   * envelopes merged into the rows kept, so no spike is lost with them).
   */
  v.strictObject({
    type: v.literal('samples'),
    columns: v.pipe(
      v.array(v.array(v.number())),
      v.check(
        (columns) => columns.length === SERIES_COUNT || columns.length === SAMPLE_WIDTH,
        `expected ${SAMPLE_WIDTH} columns (one per series, then the envelope's minima and maxima), or ${SERIES_COUNT} without an envelope`,
      ),
      v.check((columns) => columns.every((c) => c.length === columns[0]!.length), 'every column must hold the same number of rows'),
    ),
    coalesced: Count,
  }),
  /**
   * The run reached its memory budget and paused (a `status` 'paused' follows): `message` says
   * where and what the memory is made of; `megabytes` is the budget it reached.
   */
  v.strictObject({ type: v.literal('budget'), ops: Count, megabytes: v.number(), message: v.pipe(v.string(), v.maxLength(1000)) }),
  v.strictObject({ type: v.literal('phase'), op: Count, label: v.pipe(v.string(), v.maxLength(200)) }),
  /** The engine's state for the size-class table and the arena map (shared/run/detail.ts). */
  DetailMessageSchema,
  /**
   * Something the worker refused or failed at; `fatal` ends the run. `message` quotes nothing of an
   * input file; `quoted`, when there is more to say, is the message with the offending text, for
   * hosts whose user owns the file (the app, the command line; not a browser of `serve`).
   */
  v.strictObject({ type: v.literal('error'), message: v.string(), fatal: v.boolean(), quoted: v.optional(v.string()) }),
  /** `reason`: why it ended, when there is more to say than its state (a recorded program's exit status). */
  v.strictObject({
    type: v.literal('done'),
    state: v.picklist(['done', 'stopped']),
    ops: Count,
    wallMs: v.number(),
    reason: v.optional(v.pipe(v.string(), v.maxLength(4096))),
  }),
]);

export type WorkerToHost = v.InferOutput<typeof WorkerToHostSchema>;

export { PROTOCOL_VERSION };

/** Parse a message, or say why it is not one (the reason names the offending field). */
export function parseMessage<T>(schema: v.GenericSchema<unknown, T>, data: unknown): { ok: true; value: T } | { ok: false; reason: string } {
  const r = v.safeParse(schema, data);
  if (r.success) return { ok: true, value: r.output };
  return { ok: false, reason: describeIssues(r.issues) };
}
