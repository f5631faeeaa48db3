// Runs are named by what tells them apart: the parameters that differ among runs of one workload,
// then seed and arenas; identical configs get an ordinal; a lone export names its non-default params.
import { describe, expect, it } from 'vitest';
import { twoPointWindow } from '../../support/window-result';
import {
  buildCompareChart,
  distinguishingParts,
  labelRunInfos,
  nonDefaultParams,
  paramsLine,
  runInfo,
  runLabels,
  runSubtitle,
  compareSubtitle,
} from '../../../shared/charts';

const kth = (k: number, seed = '1') => ({ name: '3.11.14 keep-every-kth', workload: 'keep-every-kth', params: { k, n: 5000 }, seed });

describe('run labels', () => {
  it('name the parameter that differs between two runs of one workload', () => {
    expect(runLabels([kth(100000), kth(1000)])).toEqual(['3.11.14 keep-every-kth · k=100000', '3.11.14 keep-every-kth · k=1000']);
  });

  it('compare parameters only among runs of the same workload, and add seed and arenas when they differ', () => {
    const churn = { name: '3.12 steady-churn', workload: 'steady-churn', params: { live: 10 }, seed: '2', arenas: 'misaligned' as const };
    expect(distinguishingParts([kth(1), kth(1), churn])).toEqual([['seed 1'], ['seed 1'], ['seed 2', 'misaligned arenas']]);
    expect(distinguishingParts([kth(5)])).toEqual([[]]);
  });

  it('treat a parameter one run lacks as its default', () => {
    const bare = { ...kth(1), params: { n: 5000 } };
    expect(runLabels([bare, kth(7)])).toEqual(['3.11.14 keep-every-kth · k=default', '3.11.14 keep-every-kth · k=7']);
  });

  it('number identical configs so that no two labels read alike', () => {
    const labels = runLabels([kth(1), kth(1), kth(2)]);
    expect(labels).toEqual(['3.11.14 keep-every-kth · k=1 · #1', '3.11.14 keep-every-kth · k=1 · #2', '3.11.14 keep-every-kth · k=2']);
    expect(new Set(labels).size).toBe(3);
  });

  it('list every parameter and the seed, and the ones away from the defaults', () => {
    expect(paramsLine({ n: 5000, k: 10 }, '7')).toBe('k=10, n=5000, seed 7');
    expect(nonDefaultParams({ k: 10, n: 5000, extra: 1 }, { k: 100, n: 5000 })).toEqual(['k=10']);
  });
});

describe('exported titles carry the labels', () => {
  const config = (k: number) => ({ workload: 'keep-every-kth', params: { k }, seed: '1', python: '3.11', sampleEvery: 1 });
  it('a compare chart names each band and its subtitle by the differing parameter', () => {
    const infos = labelRunInfos([runInfo('a', config(100000)), runInfo('b', config(1000))]);
    expect(infos.map((i) => i.name)).toEqual(['3.11 keep-every-kth · k=100000', '3.11 keep-every-kth · k=1000']);
    expect(compareSubtitle(infos)).toBe('CPython 3.11 vs 3.11 · keep-every-kth · seed 1 · k=100000 vs k=1000');
    const result = twoPointWindow('a');
    const spec = buildCompareChart(
      'arena_bytes',
      infos.map((info) => ({ info, result })),
    );
    expect(spec.bands.map((b) => b.label)).toEqual(infos.map((i) => i.name));
  });

  it('a lone run names the parameters it sets away from the defaults', () => {
    const [info] = labelRunInfos([runInfo('a', config(1000))], () => ({ k: 100 }));
    expect(runSubtitle(info!)).toBe('CPython 3.11 · keep-every-kth · seed 1 · k=1000');
    const [plain] = labelRunInfos([runInfo('a', config(100))], () => ({ k: 100 }));
    expect(runSubtitle(plain!)).toBe('CPython 3.11 · keep-every-kth · seed 1');
  });
});
