/**
 * The built-in workloads, in catalogue order, and lookup by name.
 *
 * `trace-replay` (replaying a captured pymtrace stream) is not listed here: it takes a file,
 * not numeric parameters; see `trace-replay.ts`.
 */
import { TRACE_REPLAY } from './trace-replay';
import { arenaEdgeThrash } from './catalogue/arena-edge-thrash';
import { dictOfListsEtl } from './catalogue/dict-of-lists-etl';
import { intListDel } from './catalogue/int-list-del';
import { interpreterMix } from './catalogue/interpreter-mix';
import { keepEveryKth } from './catalogue/keep-every-kth';
import { larsonServer } from './catalogue/larson-server';
import { lruCacheServer } from './catalogue/lru-cache-server';
import { mixedLargeSmall } from './catalogue/mixed-large-small';
import { paretoLifetimes } from './catalogue/pareto-lifetimes';
import { rampCycles } from './catalogue/ramp-cycles';
import { refcountTemporaries } from './catalogue/refcount-temporaries';
import { seed16bFillFree } from './catalogue/seed-16b-fill-free';
import { sizeSweepWindow } from './catalogue/size-sweep-window';
import { steadyChurn } from './catalogue/steady-churn';
import { stringBuilder } from './catalogue/string-builder';
import { resolveParams } from './params';
import type { Seed } from './prng';
import type { Generator, WorkloadDef, WorkloadTarget } from './workload';
import { InputError } from '../errors';

export const WORKLOADS: readonly WorkloadDef[] = [
  seed16bFillFree,
  steadyChurn,
  rampCycles,
  keepEveryKth,
  paretoLifetimes,
  lruCacheServer,
  larsonServer,
  dictOfListsEtl,
  stringBuilder,
  mixedLargeSmall,
  intListDel,
  arenaEdgeThrash,
  interpreterMix,
  refcountTemporaries,
  sizeSweepWindow,
];

export class UnknownWorkloadError extends InputError {
  constructor(readonly requested: string) {
    super(`unknown workload '${requested}': known are ${[...WORKLOADS.map((w) => w.name), TRACE_REPLAY.name].join(', ')}`);
    this.name = 'UnknownWorkloadError';
  }
}

/** The workload called `name` (or its catalogue number, "W07"); throws UnknownWorkloadError. */
export function getWorkload(name: string): WorkloadDef {
  const key = name.trim();
  const def = WORKLOADS.find((w) => w.name === key || w.id.toLowerCase() === key.toLowerCase());
  if (def === undefined) throw new UnknownWorkloadError(name);
  return def;
}

/** Validates `params` (ParamError) and creates a generator: the one call a runner needs. */
export function createGenerator(name: string, params: Readonly<Record<string, unknown>> = {}, seed: Seed = 1, target?: WorkloadTarget): Generator {
  const def = getWorkload(name);
  return def.create(resolveParams(def, params), seed, target);
}
