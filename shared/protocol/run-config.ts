/**
 * A run's full configuration: what the user chose in the dashboard's form or on the command line.
 * It crosses every boundary (renderer → host → worker → session file), so its schema lives here.
 */
import * as v from 'valibot';

/** Values of a workload parameter: numbers, or words (choices, size distributions, a trace path). */
export const ParamValueSchema = v.union([v.pipe(v.number(), v.finite()), v.pipe(v.string(), v.maxLength(4096))]);

/** The highest sample-rate cap a config may ask for (samples a second). */
export const MAX_SAMPLE_RATE = 1000;

export const RunConfigSchema = v.strictObject({
  /** Workload name (`steady-churn`, …, or `trace-replay`). */
  workload: v.pipe(v.string(), v.maxLength(200)),
  /** Parameters as the user gave them; the worker validates them against the workload's schema. */
  params: v.record(v.pipe(v.string(), v.maxLength(200)), ParamValueSchema),
  /** Seed as a decimal or 0x string (an unsigned 64-bit integer). */
  seed: v.pipe(v.string(), v.maxLength(40)),
  /** CPython version or family name, as the user typed it. */
  python: v.pipe(v.string(), v.maxLength(40)),
  /** Arena alignment; the family's default when absent. */
  arenas: v.optional(v.picklist(['aligned', 'misaligned'])),
  /** Stop after this many allocator operations (absent: the workload's end, or a default for endless ones). */
  ops: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  /** Stop after this much wall time. */
  durationMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(1))),
  /** Take a sample every this many operations (and at least every `maxSampleIntervalMs`). */
  sampleEvery: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  maxSampleIntervalMs: v.optional(v.pipe(v.number(), v.finite(), v.minValue(10), v.maxValue(60_000))),
  /**
   * At most this many samples a second (docs/runs.md, "sampling"): absent means
   * DEFAULT_MAX_SAMPLE_RATE, 0 means no cap (a sample at every `sampleEvery` operations, however
   * fast the run). The first FREE_SAMPLES samples and steps are never capped.
   */
  maxSampleRate: v.optional(
    v.pipe(
      v.number('maxSampleRate must be a number'),
      v.finite(),
      v.minValue(0, 'maxSampleRate must be ≥ 0 (0: no cap)'),
      v.maxValue(MAX_SAMPLE_RATE, `maxSampleRate must be at most ${MAX_SAMPLE_RATE} samples a second`),
    ),
  ),
  /**
   * A real-interpreter run: the same stream through this installed interpreter's own allocator
   * (docs/real-runs.md) instead of the engine; `python` above is then its version.
   */
  real: v.optional(
    v.strictObject({
      interpreter: v.pipe(v.string(), v.minLength(1), v.maxLength(4096)),
      /**
       * The real process of a profiled program (bridge.profileProgram): its own arena count as the
       * agent's hook saw it, not this stream replayed from an empty heap, so no model run is its
       * exact twin (blocks born before the hook are in it, not in the trace).
       */
      recorded: v.optional(v.literal(true)),
    }),
  ),
});

export type RunConfig = v.InferOutput<typeof RunConfigSchema>;

/** Operations of an endless workload when neither `ops` nor `durationMs` is given. */
export const DEFAULT_ENDLESS_OPS = 10_000_000;
export const DEFAULT_SAMPLE_EVERY = 10_000;
export const DEFAULT_MAX_SAMPLE_INTERVAL_MS = 250;
/** Samples a second at most when a config does not say (a 24-hour run: 1.7 M samples). */
export const DEFAULT_MAX_SAMPLE_RATE = 20;
