// Chart specs from series data: titles name version, workload and seed; colours are the screen's;
// bands carry true minima and maxima; ticks are nice; the report's figures read the pyramid exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCompareChart,
  buildRunChart,
  type ChartedKey,
  COMPARE_KEYS,
  colorFor,
  formatDelta,
  lastFreePhase,
  niceTicks,
  RUN_CHARTS,
  RUN_COLORS,
  runFigures,
  runInfo,
  runSubtitle,
  SERIES_COLORS,
  seriesTitle,
  storeWindow,
  yExtent,
} from '../../../shared/charts';
import { SERIES } from '../../../shared/run/sample';
import { SeriesStore } from '../../../shared/series';

const config = { workload: 'steady-churn', params: {}, seed: '42', python: '3.11', sampleEvery: 1 };
const started = { engineVersion: 'e1', workloadVersion: 3, python: { version: '3.11.14', family: 'G5', arenas: 'misaligned' as const } };

function store(
  n = 100,
  phases = [
    { op: 20, label: 'fill' },
    { op: 60, label: 'free' },
    { op: 80, label: 'idle' },
  ],
): SeriesStore {
  const s = new SeriesStore();
  const cols = SERIES.map((d) =>
    Array.from({ length: n }, (_, i) => (d.key === 'op' ? i : d.key === 'wall_ms' ? i * 2 : d.key === 'arena_bytes' ? (i < 70 ? i * 1000 : 5000) : i % 7)),
  );
  s.loadRun('r', cols, phases);
  return s;
}

describe('titles', () => {
  it('name the resolved version, family, workload with its version, and the seed', () => {
    expect(runSubtitle(runInfo('r', config, started))).toBe('CPython 3.11.14 (G5, misaligned arenas) · steady-churn v3 · seed 42');
    expect(runSubtitle(runInfo('r', config))).toBe('CPython 3.11 · steady-churn · seed 42');
  });

  it('and colours: every series but the x axes has its own title and a colour (the compiler asks for both)', () => {
    // @ts-expect-error the x axes are not charted on their own
    const axis: ChartedKey = 'op';
    expect(COMPARE_KEYS).toEqual(SERIES.map((s) => s.key).filter((k) => k !== axis && k !== 'wall_ms'));
    expect(new Set(COMPARE_KEYS.map(seriesTitle)).size).toBe(COMPARE_KEYS.length);
    expect(seriesTitle('arena_bytes')).toBe('Arena bytes (retained)');
    expect(seriesTitle('wall_ms')).toBe('Wall ms');
    for (const k of COMPARE_KEYS) expect(colorFor(k), k).toBe(SERIES_COLORS[k]);
    expect(Object.keys(SERIES_COLORS).sort()).toEqual([...COMPARE_KEYS].sort());
  });
});

describe('run charts', () => {
  it('one band per key with the screen colours, phases on the axis, the run extent', () => {
    const s = store();
    const w = storeWindow(s, { runId: 'r', series: [...RUN_CHARTS.memory.keys], from: -Infinity, to: Infinity, maxPoints: 10, axis: 'wall_ms' });
    const spec = buildRunChart(RUN_CHARTS.memory, w, runInfo('r', config, started));
    expect(spec.title).toBe('Retained memory');
    expect(spec.bands.map((b) => [b.key, b.color])).toEqual(RUN_CHARTS.memory.keys.map((k) => [k, colorFor(k)]));
    expect(spec.phases).toEqual([
      { x: 40, label: 'fill' },
      { x: 120, label: 'free' },
      { x: 160, label: 'idle' },
    ]);
    expect(spec.xRange).toEqual([0, 198]);
    expect(spec.bands[0]!.x.length).toBeLessThanOrEqual(10);
    // Bands keep the true extremes: the top of the arena band is the series' maximum.
    expect(Math.max(...spec.bands[0]!.max)).toBe(69_000);
    expect(yExtent(spec)).toEqual([0, 69_000]);
  });

  it('several series read at once are each what it is alone; `last: false` leaves out the last values', () => {
    const s = store();
    const keys = [...RUN_CHARTS.memory.keys];
    const query = { runId: 'r', series: keys, from: 30, to: 150, maxPoints: 7, axis: 'wall_ms' as const };
    const w = storeWindow(s, query);
    for (const k of keys) {
      const alone = storeWindow(s, { ...query, series: [k] });
      expect(w.series[k], k).toEqual(alone.series[k]);
      expect(w.series[k]!.last, k).toBe(s.lastValue('r', k, 30, 150, 'wall_ms'));
    }
    const bare = storeWindow(s, { ...query, last: false });
    for (const k of keys) {
      expect(Object.hasOwn(bare.series[k]!, 'last'), k).toBe(false);
      const { last: _, ...buckets } = w.series[k]!;
      expect(bare.series[k], k).toEqual(buckets);
    }
  });

  it('a comparison: one band per run in the run colours, the union of their extents', () => {
    const a = store(50);
    const w1 = storeWindow(a, { runId: 'r', series: ['arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 20, axis: 'op' });
    const w2 = { ...w1, runId: 'q', range: [0, 80] as [number, number] };
    const spec = buildCompareChart('arena_bytes', [
      { info: runInfo('r', config, started), result: w1 },
      { info: runInfo('q', { ...config, python: '2.4' }), result: w2 },
    ]);
    expect(spec.id).toBe('compare-arena_bytes');
    expect(spec.bands.map((b) => b.color)).toEqual(RUN_COLORS.slice(0, 2));
    expect(spec.xRange).toEqual([0, 80]);
    // What the runs share is said once; what differs, per run.
    expect(spec.subtitle).toBe('CPython 3.11.14 vs 2.4 · steady-churn v3 / steady-churn · seed 42');
    expect(COMPARE_KEYS).not.toContain('op');
    expect(COMPARE_KEYS).toContain('arena_bytes');
  });
});

describe('ticks', () => {
  it('cover the data at 1-2-5 steps', () => {
    fc.assert(
      // Spans from a millionth of the values' magnitude up: charts never zoom finer than that.
      fc.property(
        fc.double({ min: -1e12, max: 1e12, noNaN: true }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.integer({ min: 2, max: 12 }),
        (lo, ratio, count) => {
          const span = Math.max(1e-3, Math.abs(lo) * ratio);
          const t = niceTicks(lo, lo + span, count);
          expect(t.min).toBeLessThanOrEqual(lo);
          expect(t.max).toBeGreaterThanOrEqual(lo + span * (1 - 1e-9));
          expect(t.values.length).toBeGreaterThanOrEqual(2);
          expect(t.values.length).toBeLessThanOrEqual(2 * count + 2);
          const step = t.values[1]! - t.values[0]!;
          const mantissa = step / 10 ** Math.floor(Math.log10(step));
          expect([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-3 * m)).toBe(true);
        },
      ),
    );
    expect(niceTicks(0, 1000, 6).values).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(5, 5, 5).values.length).toBeGreaterThan(1);
  });

  it('keeps count ticks whole: one arena reads 0, 1, not 0, 0.5, 1', () => {
    expect(niceTicks(0, 1, 6).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 1, 6, false, 1).values).toEqual([0, 1]);
    expect(niceTicks(0, 3, 6, false, 1).values).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 1000, 6, false, 1).values).toEqual([0, 200, 400, 600, 800, 1000]);
  });
});

describe('figures', () => {
  it('peak, final and retained after the last free phase', () => {
    const f = runFigures(store(), 'r');
    expect(f.samples).toBe(100);
    expect(f.series['arena_bytes']).toEqual({ peak: 69_000, final: 5000 });
    // The free phase runs from op 60 to the next mark (80): arena bytes there end at 5000.
    expect(f.retainedSource).toBe('free-phase');
    expect(f.retainedAfterFree).toBe(5000);
    expect(lastFreePhase([{ op: 5, label: 'free-2' }], 9)).toEqual({ start: 5, end: 9 });
    expect(runFigures(store(10, []), 'r').retainedSource).toBe('final');
  });

  it('deltas are signed in their unit', () => {
    expect(formatDelta('bytes', 1_048_576)).toBe('+1 MiB');
    expect(formatDelta('arenas', -3)).toBe('−3');
    expect(formatDelta('bytes', 0)).toBe('0');
  });
});
