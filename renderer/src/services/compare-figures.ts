/**
 * The few numbers the compare table needs per run, read exactly from the host's min/max pyramid
 * with tiny windows instead of downloading the series: peak, final, retained after the last free
 * phase, and the value at the end of every phase.
 */
import type { Bridge, RunSummary } from '../../../shared/protocol/bridge';
import type { SeriesKey } from '../../../shared/run/sample';
import { lastFreePhase, phaseKeys } from '../model/compare';
import type { RunFigures } from '../model/compare';

const KEY: SeriesKey = 'arena_bytes';
/** Runs with more phases than this get no per-phase figures. */
export const MAX_PHASES = 16;

export async function fetchRunFigures(bridge: Pick<Bridge, 'window'>, run: RunSummary): Promise<RunFigures> {
  const base = { runId: run.runId, axis: 'op' as const, series: [KEY] };
  // One bucket over everything: its max is the run's true peak.
  const all = await bridge.window({ ...base, from: -Infinity, to: Infinity, maxPoints: 1 });
  const figures: RunFigures = { runId: run.runId, name: run.name, peak: null, final: null, afterFree: null, phases: [] };
  if (!all.range) return figures;
  const lastOp = all.range[1];
  const maxima = all.series[KEY]?.max ?? [];
  figures.peak = maxima.length > 0 ? Math.max(...maxima) : null;
  // The last sample's own value (its bucket's maximum would be the envelope since the sample before).
  const last = await bridge.window({ ...base, from: lastOp, to: lastOp, maxPoints: 1 });
  figures.final = last.series[KEY]?.last ?? null;
  const free = lastFreePhase(all.phases, lastOp);
  if (free) {
    // Fine buckets over the free phase: the last one ends at the phase's end; its minimum is what
    // is left once the phase's frees are applied (arena bytes only fall during a free phase).
    const w = await bridge.window({ ...base, from: free.start, to: free.end, maxPoints: 4096 });
    figures.afterFree = w.series[KEY]?.min.at(-1) ?? null;
  }
  // Each phase's end: the last sample up to where the next phase begins (or the run's last sample).
  // A trace's checkpoints can be thousands of phases: a table of them says nothing, so none.
  if (all.phases.length > MAX_PHASES) return figures;
  const keys = phaseKeys(all.phases.map((p) => p.label));
  figures.phases = await Promise.all(
    all.phases.map(async (p, i) => {
      const end = all.phases[i + 1]?.op ?? lastOp;
      const w = await bridge.window({ ...base, from: p.op, to: end, maxPoints: 1 });
      return { key: keys[i]!, value: w.series[KEY]?.last ?? null };
    }),
  );
  return figures;
}
