/**
 * Which engine preset and arena options model a given real interpreter, from what its helper
 * measured. The version names a family, but a build may differ from upstream (the 3.6.15 builds
 * we know carry the 16-byte alignment backport): when the measured size-class spacing or pool size
 * disagrees with the version's family, the nearest family with the measured geometry and the same
 * arena policy is used, and the choice says so.
 */
import { FAMILIES, type AllocatorOptions, type FamilyId, type Preset, type ResolvedVersion } from '../../../shared/engine';
import type { HelperReady } from './real-helper';

export interface ModelChoice {
  version: ResolvedVersion;
  /** Why another family than the version's was chosen (null when it was not). */
  note: string | null;
}

const ORDER: readonly FamilyId[] = ['G0', 'G1', 'G2', 'G3', 'G4', 'G5'];

function fits(p: Preset, g: HelperReady): boolean {
  return p.ALIGNMENT_SHIFT === g.align_shift && p.POOL_SIZE === g.pool_size && p.ARENA_SIZE === g.arena_size && p.SMALL_REQUEST_THRESHOLD === g.threshold;
}

export function chooseModel(version: ResolvedVersion, measured: HelperReady): ModelChoice {
  const own = version.preset;
  if (fits(own, measured)) return { version, note: null };
  const at = ORDER.indexOf(own.family);
  const candidates = ORDER.map((id) => FAMILIES[id])
    .filter((p) => fits(p, measured) && p.arenaRelease === own.arenaRelease && p.freepools === own.freepools)
    .sort((a, b) => Math.abs(ORDER.indexOf(a.family) - at) - Math.abs(ORDER.indexOf(b.family) - at));
  const pick = candidates[0];
  if (!pick) {
    throw new Error(
      `no engine family has the allocator geometry measured in ${version.version} (${1 << measured.align_shift}-byte classes, ${measured.pool_size}-byte pools)`,
    );
  }
  return {
    version: { requested: version.requested, version: version.version, preset: pick },
    note: `this ${version.version} build uses ${1 << measured.align_shift}-byte size classes: modelled as ${pick.family}, not ${own.family}`,
  };
}

/** Run-length encoding of pools per arena: [64, 64, 63] → [[64, 2], [63, 1]]. */
export function runLengths(seq: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of seq) {
    const last = out[out.length - 1];
    if (last && last[0] === x) last[1]++;
    else out.push([x, 1]);
  }
  return out;
}

/** Allocator options matching how the helper placed arenas (`arenaPools`: what a native run saw). */
export function modelOptions(mode: string, arenaPools: readonly number[] | null): AllocatorOptions {
  if (mode === 'aligned' || mode === 'misaligned') return { arenas: mode };
  if (arenaPools && arenaPools.length > 0) return { arenaSequence: runLengths(arenaPools) };
  return {};
}
