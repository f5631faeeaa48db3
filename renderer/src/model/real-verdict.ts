/**
 * The compare panel's verdict for a real-interpreter run beside its model run (docs/real-runs.md):
 * the twin is the ticked model run of the same workload, parameters, seed and version; the verdict
 * is the command line's (shared/run/sample-verdict.ts), from both runs' samples as the host's
 * windows give them when a window holds every sample (else the panel says to use `verify`).
 */
import type { RunSummary, WindowResult } from '../../../shared/protocol/bridge';
import { SERIES_INDEX, SERIES_KEYS, type SeriesKey } from '../../../shared/run/sample';
import { SamplesByOp, sampleVerdict, type SampleVerdict } from '../../../shared/run/sample-verdict';

/** Every series but wall time (op is the x axis): what a verdict compares. */
export const VERDICT_KEYS: readonly SeriesKey[] = SERIES_KEYS.filter((k) => k !== 'wall_ms' && k !== 'op');

/** Real runs among `runs`, each with its model twin when one is among them. */
export function realPairs(runs: readonly RunSummary[]): { real: RunSummary; model: RunSummary | null }[] {
  const key = (r: RunSummary): string =>
    JSON.stringify([r.config.workload, r.config.params, r.config.seed, r.config.arenas ?? null, r.config.ops ?? null, r.python?.version ?? r.config.python]);
  return (
    runs
      // A profiled program's real process is measured, not replayed: no model run is its exact twin.
      .filter((r) => r.config.real !== undefined && r.config.real.recorded !== true)
      .map((real) => ({ real, model: runs.find((m) => m.config.real === undefined && key(m) === key(real)) ?? null }))
  );
}

/** Whether the host gave each sample's value (it does when the window holds no more samples than points). */
export function exact(result: WindowResult): boolean {
  return result.series[VERDICT_KEYS[0]!]?.samples !== undefined;
}

/**
 * The samples of a window asked with `values` (each sample's own value, not its window's envelope),
 * by operation count; empty when the window did not hold every sample.
 */
export function samplesOf(result: WindowResult): SamplesByOp {
  const out = new SamplesByOp();
  const first = result.series[VERDICT_KEYS[0]!]?.samples;
  if (!first) return out;
  const row = new Float64Array(SERIES_KEYS.length);
  for (let i = 0; i < first.x.length; i++) {
    row.fill(0);
    row[SERIES_INDEX.op] = first.x[i]!;
    for (const k of VERDICT_KEYS) row[SERIES_INDEX[k]] = result.series[k]?.samples?.y[i] ?? Number.NaN;
    out.add(row);
  }
  return out;
}

export function verdictOf(
  model: { run: RunSummary; name: string; result: WindowResult },
  real: { run: RunSummary; name: string; result: WindowResult },
): SampleVerdict {
  // 2.x has no arena hook: the series only a hook measures are not compared (as on the command line).
  const hooked = !(real.run.python?.version ?? real.run.config.python).startsWith('2.');
  return sampleVerdict({ name: model.name, samples: samplesOf(model.result) }, { name: real.name, samples: samplesOf(real.result), hooked });
}
