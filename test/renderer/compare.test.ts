import { describe, expect, it } from 'vitest';
import { compareRows, lastFreePhase } from '../../renderer/src/model/compare';
import { fetchRunFigures } from '../../renderer/src/services/compare-figures';
import { createMockBridge } from '../../renderer/src/bridge/mock-bridge';

describe('lastFreePhase', () => {
  it('runs from the last free mark to the next mark or the end', () => {
    const phases = [
      { op: 0, label: 'fill' },
      { op: 100, label: 'free' },
      { op: 200, label: 'fill-2' },
      { op: 300, label: 'free-2' },
    ];
    expect(lastFreePhase(phases, 400)).toEqual({ start: 300, end: 400 });
    expect(lastFreePhase(phases.slice(0, 3), 400)).toEqual({ start: 100, end: 200 });
    expect(lastFreePhase([{ op: 0, label: 'freeze' }], 10)).toBeNull();
    expect(lastFreePhase([], 10)).toBeNull();
  });
});

describe('compareRows', () => {
  it('diffs against the first run and falls back to the final value without a free phase', () => {
    const rows = compareRows([
      { runId: 'a', name: 'A', peak: 100, final: 50, afterFree: 40 },
      { runId: 'b', name: 'B', peak: 120, final: 30, afterFree: null },
      { runId: 'c', name: 'C', peak: null, final: null, afterFree: null },
    ]);
    expect(rows[0]).toEqual({
      runId: 'a', name: 'A',
      peak: { value: 100, diff: null }, final: { value: 50, diff: null }, retainedAfterFree: { value: 40, diff: null },
      retainedSource: 'free-phase',
    });
    expect(rows[1]!.peak).toEqual({ value: 120, diff: 20 });
    expect(rows[1]!.final).toEqual({ value: 30, diff: -20 });
    expect(rows[1]!.retainedAfterFree).toEqual({ value: 30, diff: -10 });
    expect(rows[1]!.retainedSource).toBe('final');
    expect(rows[2]!.peak).toEqual({ value: null, diff: null });
  });

  it('is empty for no runs', () => {
    expect(compareRows([])).toEqual([]);
  });
});

describe('fetchRunFigures', () => {
  it('reads peak, final and the end of the free phase from tiny windows', async () => {
    const bridge = createMockBridge({ runs: 1, samples: 101 });
    const [run] = await bridge.runs();
    const all = await bridge.window({ runId: run!.runId, series: ['arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 100_000, axis: 'op' });
    const ys = all.series['arena_bytes']!.max;
    const free = all.phases.find((p) => p.label === 'free')!;
    const next = all.phases.find((p) => p.op > free.op)!;
    const figures = await fetchRunFigures(bridge, run!);
    expect(figures.peak).toBe(Math.max(...ys));
    expect(figures.final).toBe(ys.at(-1));
    expect(figures.afterFree).toBe(ys[all.series['arena_bytes']!.x.indexOf(next.op)]);
    expect(figures.afterFree!).toBeLessThan(figures.peak!);
  });

  it('has nothing for a run without samples', async () => {
    const bridge = createMockBridge();
    const { runId } = await bridge.startRun({ workload: 'w', params: {}, seed: '1', python: '3.12', sampleEvery: 1 });
    const [run] = await bridge.runs();
    expect(run!.runId).toBe(runId);
    // The mock's first sample is written at start; a window past it is empty.
    const figures = await fetchRunFigures({ ...bridge, window: async (q) => ({ runId: q.runId, axis: q.axis, range: null, series: {}, phases: [] }) }, run!);
    expect(figures).toEqual({ runId, name: run!.name, peak: null, final: null, afterFree: null });
  });
});
