// The fuzz target `params` found ramp-cycles freeing id −1 (fuzz seed 1385527667, path
// 48980:5:4:7:7:7:7:7). Cause: the victim ring was sized once from Lmax, but the ramp down is a
// random walk that can climb above Lmax first (here to 18 live with Lmax 14, ring of 16), so the
// ring wrapped over live slots and later named a freed one. The ring now grows when full.
import { describe, expect, it } from 'vitest';
import { createGenerator } from '../../../shared/workloads/registry';
import { runChecked } from '../../shared/workloads/stream-check';

/** The shrunk counterexample, as the fuzzer printed it (every other parameter at its default). */
const COUNTEREXAMPLE = { T_flat: 1, T_trough: 0, Lmax: 14 };

describe('ramp-cycles at small Lmax (fuzz counterexample)', () => {
  it('writes a valid stream to the end with the counterexample, at the seed the fuzzer used', () => {
    const r = runChecked(createGenerator('ramp-cycles', COUNTEREXAMPLE, 7), Number.MAX_SAFE_INTEGER);
    expect(r.done).toBe(true);
    // The walk of cycle 9 goes above the ring the old code sized from Lmax: the case still reaches it.
    expect(r.maxLive).toBeGreaterThan(16);
    expect(r.marks.filter((m) => m.startsWith('trough-'))).toHaveLength(10);
  });

  it.each(['random', 'oldest', 'newest'])('stays valid over many seeds with %s victims, drained to nothing', (victim) => {
    let above = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const r = runChecked(createGenerator('ramp-cycles', { ...COUNTEREXAMPLE, victim, p_down: 0.45, cycles: 20 }, seed), Number.MAX_SAFE_INTEGER, {
        batch: 97,
        finish: true,
      });
      expect(r.live).toBe(0);
      if (r.maxLive > 16) above++;
    }
    // With p_down 0.45 most runs climb past the old ring: the growth path is exercised.
    expect(above).toBeGreaterThan(100);
  });
});

describe('ramp-cycles phase lengths at their edges', () => {
  /** Ops between each mark and the next, by label. */
  function phaseOps(params: Record<string, unknown>): Map<string, number> {
    const gen = createGenerator('ramp-cycles', params, 3);
    const r = runChecked(gen, Number.MAX_SAFE_INTEGER, { batch: 1 });
    expect(r.done).toBe(true);
    return r.checker.phaseOps;
  }

  it('T_flat = 1 is one replacement (2 ops), T_trough = 0 an empty trough', () => {
    const ops = phaseOps({ ...COUNTEREXAMPLE, cycles: 3 });
    for (const c of [1, 2, 3]) {
      expect(ops.get(`flat-${c}`)).toBe(2);
      expect(ops.get(`trough-${c}`)).toBe(0);
    }
  });

  it('T_flat = 0 skips the plateau; T_trough = 3 rounds up to two replacements', () => {
    const ops = phaseOps({ Lmax: 10, T_flat: 0, T_trough: 3, cycles: 2 });
    expect(ops.get('flat-1')).toBe(0);
    expect(ops.get('trough-2')).toBe(4);
  });
});
