/**
 * A pins job (shared/pins: why each arena is kept) run by a scratch worker for the host: the host
 * sends `pins` (the run's config, the operation to analyse at, the threshold), the worker replays
 * the run's stream to that operation with birth records, and answers `pins-progress` as it goes and
 * `pins-report` with the analysis (or a fatal `error`). Both sides validate: a worker is another
 * process.
 */
import * as v from 'valibot';
import type { PinReport } from '../pins/analyze';
import { RunConfigSchema } from './run-config';

const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Num = v.pipe(v.number(), v.finite());
const NumOrNull = v.nullable(Num);
const Text = v.pipe(v.string(), v.maxLength(4096));

export const PinsJobSchema = v.strictObject({
  type: v.literal('pins'),
  protocolVersion: v.number(),
  config: RunConfigSchema,
  /** Analyse the state after this many operations (≥ 0). */
  op: Count,
  /** How full (0–1) an arena with live blocks may be and still count as pinned. */
  threshold: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
});
export type PinsJob = v.InferOutput<typeof PinsJobSchema>;

const ClassCountSchema = v.strictObject({ szidx: Count, blockSize: Count, blocks: Count });

export const PinReportSchema = v.strictObject({
  summary: v.strictObject({
    op: Count,
    arenaSize: Count,
    threshold: Num,
    arenas: Count,
    emptyArenas: Count,
    retainedBytes: Count,
    liveBlocks: Count,
    liveBytes: Count,
    pinnedArenas: Count,
    pinnedArenaBytes: Count,
    pinningBlocks: Count,
    pinningBytes: Count,
    pinningShare: Num,
  }),
  arenas: v.array(
    v.strictObject({
      slot: Count,
      usedPools: Count,
      liveBlocks: Count,
      liveBytes: Count,
      requestedBytes: v.nullable(Count),
      fill: Num,
      releasable: Count,
      pinned: v.boolean(),
      classes: v.array(ClassCountSchema),
      minAge: NumOrNull,
      medianAge: NumOrNull,
    }),
  ),
  origins: v.array(
    v.strictObject({
      id: Count,
      label: Text,
      file: v.optional(Text),
      line: v.optional(Count),
      func: v.optional(Text),
      blocks: Count,
      bytes: Count,
      arenas: Count,
      arenaBytes: Num,
    }),
  ),
});

// Compile-time: the schema describes exactly what the analysis returns.
const _reportFits = (r: v.InferOutput<typeof PinReportSchema>): PinReport => r;
const _schemaFits = (r: PinReport): v.InferInput<typeof PinReportSchema> => r;
void _reportFits;
void _schemaFits;

export const PinsProgressSchema = v.strictObject({ type: v.literal('pins-progress'), ops: Count });
export const PinsReportMessageSchema = v.strictObject({ type: v.literal('pins-report'), report: PinReportSchema });
