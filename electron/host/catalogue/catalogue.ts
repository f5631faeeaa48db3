/**
 * What the run form offers: the CPython version families (from the presets table) with versions
 * to pick, and the workloads with their parameter schemas (the registry, plus trace-replay).
 */
import { FAMILIES, type FamilyId, resolveVersion } from '../../../shared/engine';
import type { VersionInfo, WorkloadInfo } from '../../../shared/protocol/bridge';
import { WORKLOADS } from '../../../shared/workloads/registry';
import { TRACE_REPLAY } from '../../../shared/workloads/trace-replay';

/** Versions the picker offers per family, newest first; each resolves to its family (tested). */
export const VERSION_EXAMPLES: Readonly<Record<FamilyId, readonly string[]>> = {
  G5: ['3.14', '3.13', '3.12', '3.11', '3.10'],
  G4: ['3.9'],
  G3: ['3.8', '3.7', '2.7'],
  G2: ['3.6', '3.5', '3.4', '3.3'],
  G1: ['2.7.6', '2.6', '2.5'],
  G0: ['2.4', '2.3'],
};

/** Newest family first, as the picker lists them. */
const FAMILY_ORDER: readonly FamilyId[] = ['G5', 'G4', 'G3', 'G2', 'G1', 'G0'];

export function versionInfos(): VersionInfo[] {
  return FAMILY_ORDER.map((id) => {
    const p = FAMILIES[id];
    const examples = [...VERSION_EXAMPLES[id]];
    return {
      family: p.family,
      covers: p.covers,
      policy: p.policy,
      examples,
      releases: examples.map((v) => resolveVersion(v).version),
      defaultArenas: p.defaultArenas,
    };
  });
}

/** The examples' families, for the test that keeps VERSION_EXAMPLES true to the presets. */
export function exampleFamilies(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const list of Object.values(VERSION_EXAMPLES)) for (const v of list) out[v] = resolveVersion(v).preset.family;
  return out;
}

export function workloadInfos(): WorkloadInfo[] {
  const builtIn: WorkloadInfo[] = WORKLOADS.map((w) => ({
    name: w.name,
    id: w.id,
    title: w.title,
    description: w.description,
    finite: w.finite,
    params: w.params,
  }));
  const replay: WorkloadInfo = {
    name: TRACE_REPLAY.name,
    id: 'W16',
    title: TRACE_REPLAY.title,
    description: TRACE_REPLAY.description,
    finite: true,
    params: TRACE_REPLAY.params,
  };
  return [...builtIn, replay];
}
