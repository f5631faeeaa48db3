/**
 * What a chart's title says about its run: the CPython version (and family, arena alignment), the
 * workload (and its version), the seed and the engine's version. Built from the run's config and,
 * once the worker started, what it resolved.
 */
import type { RunConfig } from '../protocol/run-config';
import { labelParts, nonDefaultParams } from './run-labels';

/** The parts of a worker's `started` report a title uses (structurally the host's StartedInfo). */
export interface StartedLike {
  engineVersion: string;
  workloadVersion: number;
  python: { version: string; family: string; arenas: 'aligned' | 'misaligned' };
  /** Effective parameters (defaults filled in). */
  params?: Readonly<Record<string, number | string>>;
}

export interface RunInfo {
  runId: string;
  /** The run's short name ("3.11.14 steady-churn"). */
  name: string;
  workload: string;
  workloadVersion: number | null;
  /** The resolved version once started, else the version as requested. */
  python: string;
  family: string | null;
  arenas: 'aligned' | 'misaligned' | null;
  seed: string;
  engineVersion: string | null;
  /** Effective parameters once started, else the ones the user set. */
  params: Readonly<Record<string, number | string>>;
  /** What tells this run apart from the others named with it ("k=1000"); see `labelRunInfos`. */
  distinct: string[];
}

export function runInfo(runId: string, config: RunConfig, started?: StartedLike | null, name?: string | null): RunInfo {
  const python = started?.python.version ?? config.python;
  return {
    runId,
    name: name ?? `${python} ${config.workload}`,
    workload: config.workload,
    workloadVersion: started?.workloadVersion ?? null,
    python,
    family: started?.python.family ?? null,
    arenas: started?.python.arenas ?? config.arenas ?? null,
    seed: config.seed,
    engineVersion: started?.engineVersion ?? null,
    params: started?.params ?? config.params,
    distinct: [],
  };
}

/**
 * The infos of runs named together (one export), each named by what tells it apart from the others
 * ("3.11.14 keep-every-kth · k=1000"). A lone run has nothing to differ from, so it carries the
 * parameters it sets away from its workload's defaults, when `defaultsOf` knows them.
 */
export function labelRunInfos(
  infos: readonly RunInfo[],
  defaultsOf: (workload: string) => Readonly<Record<string, number | string>> | null = () => null,
): RunInfo[] {
  const sources = infos.map((i) => ({ name: i.name, workload: i.workload, params: i.params, seed: i.seed, arenas: i.arenas }));
  if (infos.length === 1) {
    const info = infos[0]!;
    const defaults = defaultsOf(info.workload);
    const distinct = defaults ? nonDefaultParams(info.params, defaults) : [];
    return [{ ...info, distinct, name: [info.name, ...distinct].join(' · ') }];
  }
  const parts = labelParts(sources);
  return infos.map((info, i) => ({ ...info, distinct: parts[i]!, name: [info.name, ...parts[i]!].join(' · ') }));
}

/** "CPython 3.11.14 (G4, aligned arenas) · steady-churn v1 · seed 1" */
export function runSubtitle(info: RunInfo): string {
  const family = [info.family, info.arenas ? `${info.arenas} arenas` : null].filter((x) => x !== null).join(', ');
  const python = `CPython ${info.python}${family ? ` (${family})` : ''}`;
  const workload = `${info.workload}${info.workloadVersion !== null ? ` v${info.workloadVersion}` : ''}`;
  return [`${python} · ${workload} · seed ${info.seed}`, ...info.distinct.filter((d) => !d.startsWith('seed '))].join(' · ');
}

/** The subtitle of an overlay of several runs: what they share, then the versions compared. */
export function compareSubtitle(infos: readonly RunInfo[]): string {
  if (infos.length === 0) return '';
  const same = <T>(f: (i: RunInfo) => T): T | null => (infos.every((i) => f(i) === f(infos[0]!)) ? f(infos[0]!) : null);
  const label = (i: RunInfo): string => `${i.workload}${i.workloadVersion !== null ? ` v${i.workloadVersion}` : ''}`;
  const workload = same(label);
  const seed = same((i) => i.seed);
  const parts = [
    `CPython ${infos.map((i) => i.python).join(' vs ')}`,
    workload ?? infos.map(label).join(' / '),
    seed !== null ? `seed ${seed}` : `seeds ${infos.map((i) => i.seed).join(' / ')}`,
  ];
  // What else tells the runs apart (a parameter): "k=1000 vs k=100000".
  const rest = infos.map((i) => i.distinct.filter((d) => !d.startsWith('seed ')).join(' '));
  if (rest.some((r) => r !== '')) parts.push(rest.map((r) => r || '—').join(' vs '));
  return parts.join(' · ');
}
