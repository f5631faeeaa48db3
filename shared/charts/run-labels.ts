/**
 * Labels that tell runs apart. Two runs of keep-every-kth that differ only in `k` both have the
 * name "3.11.14 keep-every-kth"; wherever runs are named together (run list, compare legend and
 * table, exported titles) each gets what differs between them ("k=1000"), so no two read alike.
 * Pure: the dashboard and the exports call it with the runs they name together.
 */

type ParamValue = number | string;

/** What a label is derived from: a run's config as the user gave it (structurally a RunConfig). */
export interface LabelSource {
  /** The short name ("3.11.14 keep-every-kth"). */
  name: string;
  workload: string;
  /** Effective parameters when known (defaults filled in), else the ones the user set. */
  params: Readonly<Record<string, ParamValue>>;
  seed: string;
  arenas?: 'aligned' | 'misaligned' | null | undefined;
}

/** "k=1000", "dist=[16,32]" — a parameter as the user would type it with `--set`. */
export function paramText(name: string, value: ParamValue | undefined): string {
  return `${name}=${value === undefined ? 'default' : String(value)}`;
}

/**
 * Per run, what distinguishes it from the others of the set, in a stable order: the parameters whose
 * values differ among runs of the same workload, then the seed and the arena alignment when they
 * differ. Empty for a run that nothing distinguishes by config (a lone run, or identical configs:
 * see `runLabels` for those).
 */
export function distinguishingParts(runs: readonly LabelSource[]): string[][] {
  const byWorkload = new Map<string, LabelSource[]>();
  for (const r of runs) byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r]);
  const differing = new Map<string, string[]>();
  for (const [workload, group] of byWorkload) {
    const names = [...new Set(group.flatMap((r) => Object.keys(r.params)))].sort();
    differing.set(
      workload,
      names.filter((n) => new Set(group.map((r) => JSON.stringify(r.params[n] ?? null))).size > 1),
    );
  }
  const seeds = new Set(runs.map((r) => r.seed)).size > 1;
  const arenas = new Set(runs.map((r) => r.arenas ?? 'default')).size > 1;
  return runs.map((r) => [
    ...(differing.get(r.workload) ?? []).map((n) => paramText(n, r.params[n])),
    ...(seeds ? [`seed ${r.seed}`] : []),
    ...(arenas && r.arenas ? [`${r.arenas} arenas`] : []),
  ]);
}

/**
 * Per run, its distinguishing parts; runs still alike after that (the same config started twice)
 * get their ordinal among their twins ("#2").
 */
export function labelParts(runs: readonly LabelSource[]): string[][] {
  const parts = distinguishingParts(runs);
  const keys = runs.map((r, i) => [r.name, ...parts[i]!].join(' · '));
  const total = new Map<string, number>();
  for (const k of keys) total.set(k, (total.get(k) ?? 0) + 1);
  const seen = new Map<string, number>();
  return keys.map((k, i) => {
    if (total.get(k)! < 2) return parts[i]!;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return [...parts[i]!, `#${n}`];
  });
}

/** Each run's name followed by what distinguishes it: "3.11.14 keep-every-kth · k=1000". */
export function runLabels(runs: readonly LabelSource[]): string[] {
  const parts = labelParts(runs);
  return runs.map((r, i) => [r.name, ...parts[i]!].join(' · '));
}

/** Every parameter and the seed, one line: a run list tooltip, a report's caption. */
export function paramsLine(params: Readonly<Record<string, ParamValue>>, seed: string): string {
  const names = Object.keys(params).sort();
  return [...names.map((n) => paramText(n, params[n])), `seed ${seed}`].join(', ');
}

/**
 * The parameters a run sets away from its workload's defaults ("k=1000"): what a single run's
 * exported subtitle adds, since there is no other run to differ from.
 */
export function nonDefaultParams(params: Readonly<Record<string, ParamValue>>, defaults: Readonly<Record<string, ParamValue>>): string[] {
  return Object.keys(params)
    .sort()
    .filter((n) => n in defaults && JSON.stringify(params[n]) !== JSON.stringify(defaults[n]))
    .map((n) => paramText(n, params[n]));
}
