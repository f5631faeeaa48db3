/**
 * From a run's configuration (what the user chose) to what a runner executes: the resolved
 * CPython version, the workload's generator with its effective parameters, and the budgets.
 * Pure: a trace-replay run gets an empty `BatchFeed` and the path, and the caller reads the file.
 * Every refusal is a `RunConfigError` whose message names the field or parameter at fault.
 */
import { resolveVersion, type ArenaAlignment, type ResolvedVersion } from '../engine';
import { DEFAULT_ENDLESS_OPS, DEFAULT_MAX_SAMPLE_INTERVAL_MS, DEFAULT_MAX_SAMPLE_RATE, type RunConfig } from '../protocol/run-config';
import { ParamError, parseSeed, resolveParams } from '../workloads/params';
import { getWorkload } from '../workloads/registry';
import { TRACE_REPLAY } from '../workloads/trace-replay';
import type { Generator, ParamValue, WorkloadDef, WorkloadTarget } from '../workloads/workload';
import { BatchFeed } from './batch-feed';
import { targetOf } from './target';
import { InputError } from '../errors';

export class RunConfigError extends InputError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunConfigError';
  }
}

export interface ResolvedRun {
  version: ResolvedVersion;
  arenas: ArenaAlignment;
  seed: bigint;
  /** `origins`: the names of its origin tags (WorkloadDef.origins), for the pins analysis. */
  workload: { name: string; version: number; finite: boolean; origins?: readonly string[] };
  /** Every parameter of the workload with its effective value (defaults filled in). */
  params: Record<string, ParamValue>;
  /** The operation source; for trace-replay an empty `BatchFeed` to fill from `tracePath`. */
  generator: Generator;
  tracePath: string | null;
  /** Stop after this many operations (`Infinity`: the workload's end or the duration stops it). */
  opsBudget: number;
  /** Stop after this much running time (`Infinity`: no limit). */
  durationMs: number;
  sampleEvery: number;
  maxSampleIntervalMs: number;
  /** Samples a second at most (0: no cap); see RunConfig.maxSampleRate. */
  maxSampleRate: number;
}

/** Makes a catalogue workload's generator from checked parameters (the worker's runs it on a thread of its own). */
export type MakeGenerator = (def: WorkloadDef, params: Record<string, ParamValue>, seed: bigint, target: WorkloadTarget) => Generator;

const inThisThread: MakeGenerator = (def, params, seed, target) => def.create(params, seed, target);

export function resolveRun(config: RunConfig, makeGenerator: MakeGenerator = inThisThread): ResolvedRun {
  let version: ResolvedVersion;
  try {
    version = resolveVersion(config.python);
  } catch (error) {
    if (error instanceof InputError) throw new RunConfigError(`python: ${error.message}`, { cause: error });
    throw error;
  }
  const arenas = config.arenas ?? version.preset.defaultArenas;
  try {
    const seed = parseSeed(config.seed);
    let generator: Generator;
    let params: Record<string, ParamValue>;
    let workload: ResolvedRun['workload'];
    let tracePath: string | null = null;
    if (config.workload.trim() === TRACE_REPLAY.name) {
      tracePath = tracePathOf(config.params);
      generator = new BatchFeed();
      params = { path: tracePath };
      workload = { name: TRACE_REPLAY.name, version: TRACE_REPLAY.version, finite: true };
    } else {
      const def = getWorkload(config.workload);
      const resolved = resolveParams(def, config.params);
      generator = makeGenerator(def, resolved, seed, targetOf(version, arenas));
      params = { ...resolved };
      workload = { name: def.name, version: def.version, finite: def.finite, ...(def.origins ? { origins: def.origins } : {}) };
    }
    const durationMs = config.durationMs ?? Infinity;
    // An endless workload with neither budget would run until stopped: give it the default budget.
    const opsBudget = config.ops ?? (workload.finite || durationMs < Infinity ? Infinity : DEFAULT_ENDLESS_OPS);
    return {
      version,
      arenas,
      seed,
      workload,
      params,
      generator,
      tracePath,
      opsBudget,
      durationMs,
      sampleEvery: config.sampleEvery,
      maxSampleIntervalMs: config.maxSampleIntervalMs ?? DEFAULT_MAX_SAMPLE_INTERVAL_MS,
      maxSampleRate: config.maxSampleRate ?? DEFAULT_MAX_SAMPLE_RATE,
    };
  } catch (error) {
    // Bad input anywhere in the configuration (a parameter, a workload name, a size distribution).
    if (error instanceof InputError) throw new RunConfigError(error.message, { cause: error });
    throw error;
  }
}

/** trace-replay takes exactly one parameter, the file's path. */
function tracePathOf(params: Readonly<Record<string, unknown>>): string {
  for (const [name, value] of Object.entries(params)) {
    if (name !== 'path') throw new ParamError(name, value, `unknown parameter of '${TRACE_REPLAY.name}': valid are path`);
  }
  const path = params['path'];
  if (typeof path !== 'string' || path.trim() === '') throw new ParamError('path', path, 'expected the path of a trace file');
  return path;
}
