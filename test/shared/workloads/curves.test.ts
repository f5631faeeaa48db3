/**
 * The retained-memory stories the workloads exist to tell, asserted on the engine's statistics at
 * their phase markers (docs/workloads.md, whose catalogue gives each curve's expected numbers).
 */
import { describe, expect, it } from 'vitest';
import { createAllocator, resolveVersion, type StatsSnapshot } from '../../../shared/engine';
import { RunLoop } from '../../../shared/run/run-loop';
import { getWorkload } from '../../../shared/workloads/registry';
import { resolveParams } from '../../../shared/workloads/params';
import { targetOf } from '../../../shared/run/target';

interface Phase {
  label: string;
  stats: StatsSnapshot;
}

/** Runs a workload to its end (or `budget` ops); returns the stats at each phase marker and at the end. */
function run(name: string, python: string, params: Record<string, unknown>, budget = Infinity, arenas?: 'aligned' | 'misaligned') {
  const v = resolveVersion(python);
  const a = arenas ?? v.preset.defaultArenas;
  const def = getWorkload(name);
  const alloc = createAllocator(v, { arenas: a });
  const phases: Phase[] = [];
  const loop = new RunLoop(def.create(resolveParams(def, params), 1, targetOf(v, a)), alloc, {
    sampleEvery: 1 << 20,
    clock: () => 0,
    onMark: (m) => phases.push({ label: m.label, stats: alloc.stats() }),
  });
  while (!loop.done && loop.ops < budget) loop.run(Math.min(1 << 22, budget - loop.ops));
  return { phases, end: alloc.stats(), alloc };
}

const at = (phases: Phase[], label: string): StatsSnapshot => {
  const p = phases.find((x) => x.label === label);
  if (!p) throw new Error(`no phase '${label}' in ${phases.map((x) => x.label).join(', ')}`);
  return p.stats;
};

describe('seed-16b-fill-free', () => {
  it.each([
    ['2.4', undefined, 658, 658],
    ['2.7.6', undefined, 658, 0],
    ['3.8', undefined, 648, 0],
    ['3.9', undefined, 648, 1],
    ['3.11', 'misaligned', 164, 1],
    ['3.11', 'aligned', 161, 1],
  ] as const)('%s %s: peak %i arenas, %i after the free phase', (python, arenas, peak, after) => {
    const { phases, end } = run('seed-16b-fill-free', python, {}, Infinity, arenas);
    expect(at(phases, 'free').arenas.current).toBe(peak);
    expect(end.arenas.current).toBe(after);
    expect(end.bytes.arenas).toBe(after * resolveVersion(python).preset.ARENA_SIZE);
    expect(end.bytes.requested).toBe(0);
  });
});

describe('keep-every-kth', () => {
  it.each(['2.4', '3.8', '3.9', '3.11'])('k = 256 pins every arena under %s', (python) => {
    const { phases } = run('keep-every-kth', python, { k: 256, hold_ops: 0, hold_live: 0 });
    const fill = at(phases, 'thin');
    const thin = at(phases, 'release');
    expect(thin.arenas.current).toBe(fill.arenas.current);
    expect(thin.bytes.requested).toBe(Math.ceil(10_485_760 / 256) * 16);
  });

  it('k = 10^6 lets 3.9+ release the arenas between survivors; 2.4 releases none', () => {
    const g5 = run('keep-every-kth', '3.11', { k: 1_000_000, hold_ops: 0, hold_live: 0 }).phases;
    expect(at(g5, 'release').arenas.current).toBeLessThan(at(g5, 'thin').arenas.current / 4);
    const g0 = run('keep-every-kth', '2.4', { k: 1_000_000, hold_ops: 0, hold_live: 0 }).phases;
    expect(at(g0, 'release').arenas.current).toBe(at(g0, 'thin').arenas.current);
  });
});

describe('arena-edge-thrash', () => {
  it('allocates a new arena on nearly every loop under 3.8, once under 3.9', () => {
    const loops = 2000;
    const g3 = run('arena-edge-thrash', '3.8', { loops });
    const g4 = run('arena-edge-thrash', '3.9', { loops });
    const arenas = 4;
    expect(at(g3.phases, 'drain').arenas.allocatedTotal).toBeGreaterThanOrEqual(arenas + loops * 0.99);
    expect(at(g4.phases, 'drain').arenas.allocatedTotal).toBe(arenas + 1);
    const g0 = run('arena-edge-thrash', '2.4', { loops });
    expect(at(g0.phases, 'drain').arenas.allocatedTotal).toBe(arenas + 1);
  });
});

describe('int-list-del', () => {
  it('keep = L[::1000] pins the arenas under 2.7 and 3.11 until the second del', () => {
    for (const python of ['2.7', '3.11']) {
      const { phases, end } = run('int-list-del', python, { N: 2_000_000, stride: 1000 });
      // After `del L` the survivors keep (nearly) every arena; after `del keep` they are gone.
      const peak = at(phases, 'del').arenas.current;
      expect(at(phases, 'del-keep').arenas.current).toBeGreaterThan(peak * 0.9);
      expect(end.arenas.current).toBeLessThanOrEqual(1);
    }
  });

  it('with py2 ints, 2.4 keeps the int blocks on the large path forever', () => {
    const { end } = run('int-list-del', '2.4', { N: 100_000, int_mode: 'py2' });
    expect(end.large.count).toBe(Math.ceil(100_000 / 41));
    expect(end.bytes.requested).toBe(0);
  });
});
