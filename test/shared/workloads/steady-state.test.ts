/**
 * Steady state by default: over a long run a workload's live set (the requested bytes of its live
 * objects) stops growing, unless a parameter asks for growth (`leak_rate`, `cap = 0`). Each check
 * compares a run's level at N and at 4N operations; the length parameters are scaled down from the
 * defaults (same shape, fewer operations) so that the steady state comes within a fast test.
 */
import { describe, expect, it } from 'vitest';
import { createGenerator, getWorkload } from '../../../shared/workloads/registry';
import type { NumberParam } from '../../../shared/workloads/workload';
import { LiveBytes } from './live-bytes';

/** Peak live bytes of each phase whose label starts with `prefix`, by its number ("phase-7" → 7). */
function phasePeaks(name: string, params: Record<string, unknown>, ops: number, prefix: string): { run: LiveBytes; peaks: number[] } {
  const run = new LiveBytes(createGenerator(name, params, 11), 4096);
  const peaks: number[] = [];
  let current = -1;
  run.onMark = (label, peak) => {
    if (current >= 0) peaks[current] = Math.max(peaks[current] ?? 0, peak);
    current = label.startsWith(prefix) ? Number(label.slice(label.lastIndexOf('-') + 1)) : -1;
  };
  run.runTo(ops);
  return { run, peaks };
}

const maxOf = (xs: number[], from: number, to: number): number => Math.max(...xs.slice(from, to).map((x) => x ?? 0));

describe('interpreter-mix reaches a steady state', () => {
  // Defaults but 50× shorter phases and medium lives (5·10^6 → 10^5 ops, 10^6 → 2·10^4 allocations).
  const SCALED = { phase_len: 100_000, medium_max: 20_000 };
  const N = 2_500_000;

  it('phase peaks at 4N operations are those at N (no growth after the import)', () => {
    const { peaks } = phasePeaks('interpreter-mix', SCALED, 4 * N + 600_000, 'phase-');
    // About 24 phases fit in N ops: compare the phases around N with those around 4N.
    const early = maxOf(peaks, 20, 25);
    const late = maxOf(peaks, 90, 95);
    expect(peaks.length).toBeGreaterThan(95);
    expect(early).toBeGreaterThan(0);
    expect(late).toBeLessThan(early * 1.05);
    expect(late).toBeGreaterThan(early * 0.8);
  }, 60_000);

  it('leak_rate > 0 grows the live set by about the leaked share', () => {
    const run = new LiveBytes(createGenerator('interpreter-mix', { ...SCALED, leak_rate: 0.01 }, 11), 4096);
    const atN = run.runTo(N).live;
    const allocsBefore = run.allocs;
    const at4N = run.runTo(4 * N).live;
    const leaked = 0.01 * (run.allocs - allocsBefore);
    expect(at4N - atN).toBeGreaterThan(0.8 * leaked);
    expect(at4N - atN).toBeLessThan(1.2 * leaked);
  }, 60_000);

  it('without an import nothing is permanent: the live set stays at about two phases of long-lived objects', () => {
    const run = new LiveBytes(createGenerator('interpreter-mix', { ...SCALED, import_frac: 0, medium_max: 1000, short_max: 100 }, 11), 4096);
    let most = 0;
    for (let phase = 1; phase <= 30; phase++) most = Math.max(most, run.runTo(phase * 100_000).live);
    // About 49 000 allocations a phase, 10 % long-lived: those of the current phase plus, with
    // p_phase_end = 0.5, about one phase's worth carried over (1/2 + 1/4 + …), ≈ 10 000, and at most
    // ~1100 in the queue (lives ≤ 1000 allocations). The old default, which leaked 5 % of the
    // allocations, held 75 000 objects by now.
    expect(run.allocs).toBeGreaterThan(1_400_000);
    expect(most).toBeLessThan(15_000);
  }, 60_000);
});

describe('pareto-lifetimes stops growing at cap', () => {
  it('with cap the live set at 4N operations is that at N; with cap = 0 it keeps growing', () => {
    const capped = new LiveBytes(createGenerator('pareto-lifetimes', { cap: 100_000 }, 5), 4096);
    const free = new LiveBytes(createGenerator('pareto-lifetimes', { cap: 0 }, 5), 4096);
    const N = 1_000_000; // about 5 × cap allocations
    const cappedN = capped.runTo(N).bytes;
    const freeN = free.runTo(N).bytes;
    const capped4N = capped.runTo(4 * N).bytes;
    const free4N = free.runTo(4 * N).bytes;
    expect(capped4N).toBeLessThan(cappedN * 1.1);
    expect(capped4N).toBeGreaterThan(cappedN * 0.75);
    // alpha = 0.3: the live set grows like t^0.7, so 4× the run is about 2.6× the live set.
    expect(free4N).toBeGreaterThan(freeN * 2);
  }, 60_000);

  it('the default cap is finite, so the defaults reach a steady state', () => {
    const cap = getWorkload('pareto-lifetimes').params.find((p) => p.name === 'cap') as NumberParam;
    expect(cap.default).toBeGreaterThan(0);
  });
});

describe('ramp-cycles is bounded by Lmax', () => {
  it('every cycle peaks at the same level: odd cycles as cycle 1, even ones as cycle 2', () => {
    // Defaults with 100× fewer objects and plateau/trough ops.
    const { peaks, run } = phasePeaks('ramp-cycles', { Lmax: 20_000, T_flat: 20_000, T_trough: 10_000 }, Number.MAX_SAFE_INTEGER, 'flat-');
    expect(run.ops).toBeGreaterThan(0);
    expect(peaks.filter((p) => p !== undefined)).toHaveLength(10);
    for (let cycle = 3; cycle <= 10; cycle++) {
      const first = peaks[2 - (cycle % 2)]!;
      expect(peaks[cycle]!).toBeLessThan(first * 1.05);
      expect(peaks[cycle]!).toBeGreaterThan(first * 0.95);
    }
  }, 60_000);
});
