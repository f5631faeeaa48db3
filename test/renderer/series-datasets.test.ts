import { describe, expect, it } from 'vitest';
import { twoPointWindow } from '../support/window-result';
import { chartJsConfig } from '../../electron/host/export/png';
import { opAtX, overlayDatasets, runDatasets } from '../../renderer/src/charts/series-datasets';
import { buildRunChart, legendShows, MIN_SUFFIX, REAL_RUN_DASH, RUN_CHARTS, runInfo, THEMES } from '../../shared/charts';
import { phaseMarks } from '../../shared/charts/spec';
import type { WindowResult } from '../../shared/protocol/bridge';

const result: WindowResult = {
  runId: 'run-1',
  axis: 'op',
  range: [0, 300],
  series: {
    arena_bytes: { x: [0, 100, 200, 300], min: [0, 10, 20, 20], max: [0, 15, 40, 20] },
    pool_bytes: { x: [0, 100], min: [1, 2], max: [3, 4] },
  },
  phases: [
    { op: 0, wallMs: 0, label: 'fill' },
    { op: 200, wallMs: null, label: 'free' },
  ],
};

describe('series to datasets', () => {
  it('keeps the requested order and skips absent series', () => {
    const ds = runDatasets(result, ['pool_bytes', 'block_bytes', 'arena_bytes']);
    expect(ds.map((d) => d.label)).toEqual(['pool_bytes', `pool_bytes${MIN_SUFFIX}`, 'arena_bytes', `arena_bytes${MIN_SUFFIX}`]);
  });

  it('overlays runs with one colour each', () => {
    const ds = overlayDatasets(
      [
        { name: 'A', result },
        { name: 'B', result },
      ],
      'arena_bytes',
    );
    expect(ds.map((d) => d.label)).toEqual(['A', `A${MIN_SUFFIX}`, 'B', `B${MIN_SUFFIX}`]);
    expect(ds[0]!.borderColor).not.toBe(ds[2]!.borderColor);
  });

  it("draws a real run dashed in its model twin's colour", () => {
    const result = twoPointWindow('r');
    const ds = overlayDatasets(
      [
        { name: 'model', result, colorOf: 'run-1' },
        { name: 'other', result, colorOf: 'run-2' },
        { name: 'real', result, colorOf: 'run-1', dashed: true },
      ],
      'arena_bytes',
    );
    expect(ds[4]!.borderColor).toBe(ds[0]!.borderColor);
    expect(ds[2]!.borderColor).not.toBe(ds[0]!.borderColor);
    expect(ds[4]!.borderDash).toEqual(REAL_RUN_DASH);
    expect(ds[0]!.borderDash).toBeUndefined();
  });

  it('places phase marks on the axis, skipping those without a wall time on the time axis', () => {
    expect(phaseMarks(result)).toEqual([
      { x: 0, label: 'fill' },
      { x: 200, label: 'free' },
    ]);
    expect(phaseMarks({ ...result, axis: 'wall_ms' })).toEqual([{ x: 0, label: 'fill' }]);
  });

  it('maps a picked x to an op', () => {
    expect(opAtX(result, 149.6)).toBe(150);
    const wall: WindowResult = { ...result, axis: 'wall_ms', series: { op: { x: [0, 50, 100], min: [0, 900, 1900], max: [800, 1800, 2500] } } };
    expect(opAtX(wall, 60)).toBe(1800);
    expect(opAtX(wall, -5)).toBe(0);
    expect(opAtX({ ...wall, series: {} }, 60)).toBeNull();
  });
});

describe('the screen and the PNG export', () => {
  it('draw a run chart with the same band datasets and leave the same ones out of the legend', () => {
    const info = runInfo('run-1', { workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 1000 });
    const config = chartJsConfig(buildRunChart(RUN_CHARTS.memory, result, info), THEMES.light);
    expect(config.data.datasets).toEqual(runDatasets(result, RUN_CHARTS.memory.keys));
    expect(config.data.datasets.map((d) => d.label)).toEqual(['arena_bytes', `arena_bytes${MIN_SUFFIX}`, 'pool_bytes', `pool_bytes${MIN_SUFFIX}`]);
    expect(config.options?.plugins?.legend?.labels?.filter).toBe(legendShows);
  });
});
