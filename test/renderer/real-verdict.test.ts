// The compare panel's verdict: which ticked model run is a real run's twin, and the command line's
// verdict computed from the host's windows.
import { describe, expect, it } from 'vitest';
import { exact, realPairs, VERDICT_KEYS, verdictOf } from '../../renderer/src/model/real-verdict';
import type { RunSummary, WindowResult } from '../../shared/protocol/bridge';

const summary = (runId: string, real: boolean, version = '3.12.1', seed = '1'): RunSummary => ({
  runId,
  name: runId,
  config: { workload: 'seed-16b-fill-free', params: { N: 10 }, seed, python: version, sampleEvery: 10, ...(real ? { real: { interpreter: '/py' } } : {}) },
  state: 'done',
  ops: 20,
  wallMs: 1,
  runningMs: 1,
  pauses: [],
  python: { version, family: '3.12', arenas: 'aligned' },
  params: null,
  reason: null,
  samples: 3,
  budgetPause: null,
});

/** A window asked with `values`: each sample's value; the points' max is the envelope (here 9 above). */
function window(runId: string, arenas: number[], withValues = true): WindowResult {
  const x = [0, 10, 20];
  const y = (k: string): number[] => (k === 'arenas' ? arenas : [0, 0, 0]);
  const series = Object.fromEntries(
    VERDICT_KEYS.map((k) => [k, { x, min: y(k), max: y(k).map((v) => v + 9), ...(withValues ? { samples: { x, y: y(k) } } : {}) }]),
  );
  return { runId, axis: 'op', range: [0, 20], series, phases: [] };
}

describe('real-run verdicts in the compare panel', () => {
  it('pairs a real run with the ticked model run of the same workload, seed and version, and no other', () => {
    const model = summary('m', false);
    const other = summary('o', false, '3.11.7');
    const seed2 = summary('s', false, '3.12.1', '2');
    const real = summary('r', true);
    expect(realPairs([other, seed2, model, real])).toEqual([{ real, model }]);
    expect(realPairs([other, real])).toEqual([{ real, model: null }]);
    expect(realPairs([model, other])).toEqual([]);
  });

  it("gives a profiled program's real process no twin: it is measured, not the model's stream replayed", () => {
    const model = summary('m', false);
    const base = summary('r', true);
    const recorded: RunSummary = { ...base, config: { ...base.config, real: { interpreter: '/usr/bin/python3', recorded: true } } };
    expect(realPairs([model, recorded])).toEqual([]);
  });

  it('says identical when every common sample agrees, and names the first difference otherwise', () => {
    const model = summary('m', false);
    const real = summary('r', true);
    const same = verdictOf({ run: model, name: 'model', result: window('m', [0, 1, 1]) }, { run: real, name: 'real', result: window('r', [0, 1, 1]) });
    expect(same).toMatchObject({ compared: 3, identical: 3, first: null });
    const differs = verdictOf({ run: model, name: 'model', result: window('m', [0, 1, 1]) }, { run: real, name: 'real', result: window('r', [0, 1, 2]) });
    expect(differs).toMatchObject({ compared: 3, identical: 2, first: 'at op 20: arenas model 1, real 2' });
  });

  it("compares each sample's own value, never its window's envelope, and only when the host gave them", () => {
    expect(exact(window('m', [0, 1, 1]))).toBe(true);
    expect(exact(window('m', [0, 1, 1], false))).toBe(false);
  });
});
