/**
 * The screen's band fills: one whole-pixel rectangle per bucket where the band is dense (from the
 * bucket's maximum down to its minimum), the polygon between the lines where it is sparse, nothing
 * for a hidden band; and only the minima of a band are handed to the plugin instead of the Filler.
 */
import { describe, expect, it } from 'vitest';
import { bandColumnsPlugin, drawLineColumns, withBandColumns } from '../../renderer/src/charts/band-columns-plugin';

type Call = [string, ...number[]];

/** A 2D context that records every call, and every fill style set. */
function recordingContext() {
  const calls: Call[] = [];
  const styles: unknown[] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get:
      (_t, name: string) =>
      (...args: number[]) =>
        void calls.push([name, ...args]),
    set: (_t, name: string, value: unknown) => {
      if (name === 'fillStyle') styles.push(value);
      return true;
    },
  });
  return { ctx, calls, styles };
}

function fakeChart(hi: { x: number; y: number }[], lo: { x: number; y: number }[], visible = [true, true]) {
  const { ctx, calls } = recordingContext();
  const chart = {
    ctx,
    chartArea: { left: 0, top: 0, width: 1000, height: 500 },
    data: { datasets: [{ fill: false }, { fill: false, bandColumns: true, backgroundColor: 'rgba(0,0,0,0.2)' }] },
    isDatasetVisible: (i: number) => visible[i]!,
    getDatasetMeta: (i: number) => ({ data: i === 0 ? hi : lo }),
  };
  (bandColumnsPlugin.beforeDatasetsDraw as unknown as (c: unknown) => void)(chart);
  return calls;
}

describe('bandColumnsPlugin', () => {
  it('draws a dense band as one rectangle per bucket, maximum down to minimum, on whole pixels', () => {
    const hi = [0, 1, 2, 3].map((k) => ({ x: 10 + k, y: 100.4 - k }));
    const lo = [0, 1, 2, 3].map((k) => ({ x: 10 + k, y: 200 + k }));
    const rects = fakeChart(hi, lo).filter((c) => c[0] === 'fillRect');
    expect(rects).toEqual([
      ['fillRect', 10, 100, 1, 100],
      ['fillRect', 11, 99, 1, 102],
      ['fillRect', 12, 98, 1, 104],
      ['fillRect', 13, 97, 1, 106],
    ]);
  });

  it('draws a sparse band as the polygon between its lines, and a hidden band not at all', () => {
    const hi = [
      { x: 0, y: 10 },
      { x: 500, y: 20 },
    ];
    const lo = [
      { x: 0, y: 50 },
      { x: 500, y: 60 },
    ];
    const calls = fakeChart(hi, lo);
    expect(calls.filter((c) => c[0] === 'fillRect')).toEqual([]);
    expect(calls.filter((c) => c[0] === 'lineTo' || c[0] === 'moveTo')).toEqual([
      ['moveTo', 0, 10],
      ['lineTo', 500, 20],
      ['lineTo', 500, 60],
      ['lineTo', 0, 50],
    ]);
    expect(calls.some((c) => c[0] === 'fill')).toBe(true);
    const hidden = fakeChart(hi, lo, [true, false]);
    expect(hidden.some((c) => c[0] === 'fill' || c[0] === 'fillRect')).toBe(false);
  });

  it("takes over only a band's minima from the Filler, and the solid lines (not the dashed ones)", () => {
    const out = withBandColumns([
      { label: 'a', fill: false },
      { label: 'a (min)', fill: '-1' },
      { label: 'b', fill: 'origin' },
      { label: 'real', fill: false, borderDash: [4, 3] },
    ]);
    expect(out).toEqual([
      { label: 'a', fill: false, lineColumns: true },
      { label: 'a (min)', fill: false, bandColumns: true, lineColumns: true },
      { label: 'b', fill: 'origin', lineColumns: true },
      { label: 'real', fill: false, borderDash: [4, 3] },
    ]);
  });
});

/** drawLineColumns on a one-dataset chart: what it drew, and whether Chart.js is left to stroke the line. */
function lineChart(points: { x: number; y: number }[], dataset: Record<string, unknown>) {
  const { ctx, calls, styles } = recordingContext();
  const chart = {
    ctx,
    chartArea: { left: 0, top: 0, width: 1000, height: 500 },
    data: { datasets: [dataset] },
    getDatasetMeta: () => ({ data: points }),
  };
  const chartJsDraws = drawLineColumns(chart as never, 0);
  return { chartJsDraws, rects: calls.filter((c) => c[0] === 'fillRect'), styles, clipped: calls.some((c) => c[0] === 'clip') };
}

describe('drawLineColumns', () => {
  it('draws a dense solid line as one column per segment, upper end to lower end, as thick as the line, and tells Chart.js not to stroke it', () => {
    const points = [
      { x: 10, y: 100 },
      { x: 11, y: 140.4 },
      { x: 12.6, y: 120 },
      { x: 14, y: 120 },
    ];
    const out = lineChart(points, { lineColumns: true, borderColor: '#123456', borderWidth: 2 });
    expect(out.chartJsDraws).toBe(false);
    expect(out.clipped).toBe(true);
    expect(out.styles).toEqual(['#123456']);
    expect(out.rects).toEqual([
      // 100 … 140.4 ± 1 px
      ['fillRect', 10, 99, 1, 42],
      // 140.4 … 120 ± 1 px, two pixels wide (11 → 13)
      ['fillRect', 11, 119, 2, 22],
      ['fillRect', 13, 119, 1, 2],
      // The last point: one pixel wide.
      ['fillRect', 14, 119, 1, 2],
    ]);
  });

  it('leaves a sparse line, a dashed one and any other dataset to Chart.js', () => {
    const sparse = [
      { x: 0, y: 10 },
      { x: 500, y: 20 },
    ];
    expect(lineChart(sparse, { lineColumns: true, borderColor: 'red' })).toMatchObject({ chartJsDraws: true, rects: [] });
    const dense = [0, 1, 2, 3].map((k) => ({ x: k, y: 10 * k }));
    expect(lineChart(dense, { borderColor: 'red', borderDash: [4, 3] })).toMatchObject({ chartJsDraws: true, rects: [] });
    expect(lineChart(dense.slice(0, 1), { lineColumns: true, borderColor: 'red' })).toMatchObject({ chartJsDraws: true, rects: [] });
  });
});
