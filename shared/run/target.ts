/**
 * What a workload needs to know about the modelled interpreter (object layouts per CPython line,
 * pools per arena), derived from the resolved version and the arena alignment the run uses.
 */
import type { ArenaAlignment, ResolvedVersion } from '../engine';
import type { WorkloadTarget } from '../workloads/workload';

export function targetOf(v: ResolvedVersion, alignment: ArenaAlignment): WorkloadTarget {
  const p = v.preset;
  return {
    // A family name ("G3") stands for a release of that family.
    python: (/^\d/.test(v.version) ? v.version : p.example).split('.').slice(0, 2).join('.'),
    poolSize: p.POOL_SIZE,
    poolOverhead: p.POOL_OVERHEAD,
    // A misaligned arena loses its first partial pool (see Preset.defaultArenas).
    usablePools: alignment === 'aligned' ? p.ARENA_SIZE / p.POOL_SIZE : p.ARENA_SIZE / p.POOL_SIZE - 1,
    alignmentShift: p.ALIGNMENT_SHIFT,
  };
}
