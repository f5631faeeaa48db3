/**
 * What every built-in workload is: a parameter schema plus a factory of generators that write
 * operations into columnar batches (`OpBatch`), never one object per operation.
 *
 * Glossary
 * - id: the object's public name, a counter that is never reused (below 2^53).
 * - slot: a small dense integer, unique among live objects and reused after a free; the engine
 *   indexes its handle table with it.
 * - step: the unit a generator writes atomically (an ALLOC+FREE replacement, one request of a
 *   server, …). A batch boundary never falls inside a step, except through the spill the base
 *   class keeps for batches smaller than one step; so the runner can stop "at the end of the
 *   current step" by simply not asking for more.
 */
import type { OpBatch } from '../ops/op-batch';
import type { Seed } from './prng';

/** A numeric parameter. Ranges are inclusive unless `exclusiveMin` / `exclusiveMax` say otherwise. */
export interface NumberParam {
  kind: 'number';
  name: string;
  /** Unit shown next to the value: "bytes", "objects", "ops", "" for a plain number. */
  unit: string;
  default: number;
  min: number;
  max: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  integer: boolean;
  description: string;
}

/** One of a fixed list of words. */
export interface ChoiceParam {
  kind: 'choice';
  name: string;
  default: string;
  choices: readonly string[];
  description: string;
}

/** A request-size distribution in the syntax of `sizes.ts` ("py312-mix", "uniform(57, 120)", …). */
export interface SizesParam {
  kind: 'sizes';
  name: string;
  default: string;
  description: string;
}

export type ParamSpec = NumberParam | ChoiceParam | SizesParam;
export type ParamValue = number | string;

/** Parameters after validation: every schema entry present, each of the right type and range. */
export type ResolvedParams = Readonly<Record<string, ParamValue>>;

/**
 * What the run models, for the few parameters the spec defines per profile (object layouts of a
 * CPython version, blocks per arena). Every field is optional; without it a workload assumes
 * CPython 3.12 on the 3.10+ geometry (16 KiB pools, 1 MiB arenas of 63 usable pools).
 */
export interface WorkloadTarget {
  /** "major.minor" of the modelled interpreter, e.g. "3.12" or "2.4". */
  python?: string;
  poolSize?: number;
  poolOverhead?: number;
  /** Pools of an arena that hold blocks (63 or 64 for aligned/misaligned arenas). */
  usablePools?: number;
  /** Size classes are 1 << alignmentShift bytes apart. */
  alignmentShift?: number;
}

export interface Generator {
  /**
   * Appends operations until `batch.full` or the workload ends. Never clears the batch: the
   * caller does. Writes whole steps only (see the glossary).
   */
  fill(batch: OpBatch): void;
  /** True once the workload has written its last operation (finite workloads and after `finish`). */
  readonly done: boolean;
  /** Objects currently live (allocated and not yet freed by the ops written so far). */
  readonly liveCount: number;
  /** ALLOCs written so far: also the next id minus the first. */
  readonly allocCount: number;
  /**
   * Stop at the end of the current step and free every live object: the next `fill` calls write
   * `PHASE(drain)` and the frees, then `done` becomes true. Idempotent.
   */
  finish(): void;
  /**
   * True when every operation it writes was already checked by an OpGuard (shared/run/op-guard.ts)
   * on the way in, so the run loop need not check it again: a ring whose writer checks on the
   * generator's thread (shared/ops/op-ring.ts). Absent: the run loop checks.
   */
  readonly checked?: boolean;
}

export interface WorkloadDef {
  /** Stable name used by the CLI, session files and the catalogue, e.g. "steady-churn". */
  readonly name: string;
  /** Bumped whenever the stream a given (params, seed) produces changes. */
  readonly version: number;
  /** Catalogue number, "W01" … "W15". */
  readonly id: string;
  readonly title: string;
  /** One paragraph: the pattern and what to look for. */
  readonly description: string;
  /** Whether the workload ends by itself (otherwise the runner's op budget stops it). */
  readonly finite: boolean;
  readonly params: readonly ParamSpec[];
  /**
   * Names of the origin tags its generators put on their ALLOCs (op-batch.ts): tag t is
   * `origins[t − 1]`, the kind of object the workload models ("kept block", "cache key"). The pins
   * analysis groups the blocks that keep arenas by them (docs/pins.md, docs/workloads.md).
   */
  readonly origins?: readonly string[];
  /** Cross-parameter rules (e.g. k ≤ N); throws ParamError. Called by `resolveParams`. */
  check?(params: ResolvedParams): void;
  /** A generator for validated parameters (see `resolveParams`). */
  create(params: ResolvedParams, seed: Seed, target?: WorkloadTarget): Generator;
}
