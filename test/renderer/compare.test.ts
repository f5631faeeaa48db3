import { afterAll, describe, expect, it } from 'vitest';
import { AppHost } from '../../electron/host/app-host';
import { NodeLauncher } from '../../electron/host/workers/node-launcher';
import type { RunSummary } from '../../shared/protocol/bridge';
import type { RunConfig } from '../../shared/protocol/run-config';
import { compareRows, lastFreePhase, phaseColumns, phaseKeys } from '../../renderer/src/model/compare';
import { fetchRunFigures } from '../../renderer/src/services/compare-figures';

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
      { runId: 'a', name: 'A', peak: 100, final: 50, afterFree: 40, phases: [] },
      { runId: 'b', name: 'B', peak: 120, final: 30, afterFree: null, phases: [] },
      { runId: 'c', name: 'C', peak: null, final: null, afterFree: null, phases: [] },
    ]);
    expect(rows[0]).toEqual({
      runId: 'a',
      name: 'A',
      peak: { value: 100, diff: null },
      final: { value: 50, diff: null },
      retainedAfterFree: { value: 40, diff: null },
      retainedSource: 'free-phase',
      phases: [],
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

  it('compares the end of each phase by label, numbering repeated labels, with a dash where a run has no such phase', () => {
    expect(phaseKeys(['fill', 'free', 'fill', 'free', 'fill'])).toEqual(['fill', 'free', 'fill 2', 'free 2', 'fill 3']);
    // Two runs alike but for their phases: the value at the end of each, by key.
    const run = (id: string, phases: Record<string, number>) => ({
      runId: id.toLowerCase(),
      name: id,
      peak: 9,
      final: 1,
      afterFree: null,
      phases: Object.entries(phases).map(([key, value]) => ({ key, value })),
    });
    const runs = [run('A', { fill: 9, thin: 7 }), run('B', { fill: 8, hold: 3 })];
    expect(phaseColumns(runs)).toEqual(['fill', 'thin', 'hold']);
    const rows = compareRows(runs);
    expect(rows[0]!.phases).toEqual([
      { value: 9, diff: null },
      { value: 7, diff: null },
      { value: null, diff: null },
    ]);
    expect(rows[1]!.phases).toEqual([
      { value: 8, diff: -1 },
      { value: null, diff: null },
      { value: 3, diff: null },
    ]);
  });
});

describe('fetchRunFigures', () => {
  // A real host running a real workload: seed-16b-fill-free has a fill and a free phase, and its
  // arena bytes stay up after the frees only as far as obmalloc keeps arenas.
  const host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: () => undefined, graceMs: 1000 });
  afterAll(() => host.dispose());

  async function finished(config: RunConfig): Promise<RunSummary> {
    const ended = new Promise<RunSummary>((resolve) => {
      const off = host.subscribe((e) => {
        if (e.type === 'run' && e.run.runId === id && e.run.state !== 'running' && e.run.state !== 'starting') {
          off();
          resolve(e.run);
        }
      });
    });
    const { runId: id } = await host.startRun(config);
    return ended;
  }

  it('reads peak, final and the end of the free phase from tiny windows', async () => {
    const run = await finished({ workload: 'seed-16b-fill-free', params: { N: 200_000 }, seed: '1', python: '3.11', sampleEvery: 1000 });
    expect(run.state).toBe('done');
    const all = await host.window({ runId: run.runId, series: ['arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 10_000, axis: 'op', values: true });
    const samples = all.series['arena_bytes']!.samples!;
    const free = all.phases.find((p) => p.label === 'free')!;
    const figures = await fetchRunFigures(host, run);
    expect(figures.peak).toBe(Math.max(...samples.y));
    expect(figures.final).toBe(samples.y.at(-1));
    // 3.11 returns every emptied arena but one: after the frees the run keeps far less than its peak.
    expect(figures.afterFree).toBe(samples.y.at(-1));
    expect(free.op).toBeGreaterThan(0);
    expect(figures.afterFree!).toBeLessThan(figures.peak!);
  });

  it('has nothing for a run without samples', async () => {
    const run = await finished({ workload: 'seed-16b-fill-free', params: { N: 1000 }, seed: '1', python: '3.11', sampleEvery: 1000 });
    const figures = await fetchRunFigures({ window: async (q) => ({ runId: q.runId, axis: q.axis, range: null, series: {}, phases: [] }) }, run);
    expect(figures).toEqual({ runId: run.runId, name: run.name, peak: null, final: null, afterFree: null, phases: [] });
  });

  it("reads arena bytes at the end of each of keep-every-kth's phases: the sample where the next one begins", async () => {
    const run = await finished({
      workload: 'keep-every-kth',
      params: { N: 300_000, k: 1000, hold_live: 20_000, hold_ops: 100_000 },
      seed: '2',
      python: '3.11',
      sampleEvery: 5000,
    });
    const all = await host.window({ runId: run.runId, series: ['arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 10_000, axis: 'op', values: true });
    const samples = all.series['arena_bytes']!.samples!;
    const at = (op: number): number => samples.y[samples.x.filter((x) => x <= op).length - 1]!;
    const figures = await fetchRunFigures(host, run);
    expect(figures.phases.map((p) => p.key)).toEqual(all.phases.map((p) => p.label));
    expect(figures.phases.map((p) => p.key)).toEqual(['fill', 'thin', 'hold', 'release']);
    const ends = [...all.phases.slice(1).map((p) => p.op), run.ops];
    expect(figures.phases.map((p) => p.value)).toEqual(ends.map(at));
    // Thinning keeps every 1000th block: the arenas stay; releasing the survivors gives them back.
    expect(figures.phases[1]!.value).toBe(figures.phases[0]!.value);
    expect(figures.phases[3]!.value!).toBeLessThan(figures.phases[2]!.value!);
  });
});
