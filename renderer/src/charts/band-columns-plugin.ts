/**
 * The dashboard's band fills, drawn as one rectangle per bucket — from the bucket's maximum down to
 * its minimum, as wide as the bucket — instead of Chart.js's Filler polygon between the two lines.
 *
 * Why: the fill between a band's lines is a polygon of twice the window's points (2,800 vertices at
 * 1,400 px), anti-aliased edge by edge; where the bands are tall (a week-long run, thousands of
 * samples a pixel) rasterising them was about 450 ms a redraw in a software-rendered canvas, most
 * of a zoom's latency. Axis-aligned rectangles on whole pixels are the cheapest thing a canvas
 * fills, and a bucket's range is what the band means. A sparse band (points more than DENSE_PX
 * apart: a short run, or zoomed in past the samples) is the polygon between the lines, as before:
 * few vertices, and steps there would misdraw what lies between two samples. The PNG export keeps
 * the Filler (its reference picture is checked pixel for pixel); only the screen draws this way.
 *
 * The bands' edge lines go the same way where they are dense: a polyline of 1,400 points whose
 * segments jump the height of the chart is an anti-aliased stroke Skia rasterises path by path, about
 * 60 ms a redraw of the main chart on a week-long run (software canvas), more than the rest of a zoom.
 * Dense, a line is drawn as one whole-pixel column per segment, from the segment's upper end to its
 * lower, as thick as the line and as wide as the step (at most DENSE_PX): what a stroke that steep
 * covers. A sparse or dashed line is Chart.js's stroke, as before.
 */
import type { Chart, Plugin } from 'chart.js';

/** A dataset whose fill this plugin draws: the minima of a band, filled up to the dataset before it (the maxima). */
export interface BandColumnsDataset {
  bandColumns?: boolean;
  backgroundColor?: unknown;
  /** Its line is drawn by this plugin where dense (the screen's solid lines). */
  lineColumns?: boolean;
  borderColor?: unknown;
  borderWidth?: unknown;
  borderDash?: unknown;
}

/** Points at most this far apart on average (pixels) are drawn as columns; sparser bands as the polygon. */
const DENSE_PX = 2;

export const bandColumnsPlugin: Plugin<'line'> = {
  id: 'bandColumns',
  beforeDatasetDraw(chart: Chart<'line'>, args: { index: number }) {
    return drawLineColumns(chart, args.index);
  },
  beforeDatasetsDraw(chart: Chart<'line'>) {
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    chart.data.datasets.forEach((ds, i) => {
      const band = ds as BandColumnsDataset;
      if (band.bandColumns !== true || i === 0 || !chart.isDatasetVisible(i) || !chart.isDatasetVisible(i - 1)) return;
      const lo = chart.getDatasetMeta(i).data;
      const hi = chart.getDatasetMeta(i - 1).data;
      const n = Math.min(lo.length, hi.length);
      if (n === 0) return;
      ctx.fillStyle = String(band.backgroundColor);
      const span = lo[n - 1]!.x - lo[0]!.x;
      if (span > DENSE_PX * n) {
        // Sparse (a short run, or zoomed in past its samples): the polygon between the two lines, as
        // the Filler draws it; few points, so it costs little.
        ctx.beginPath();
        ctx.moveTo(hi[0]!.x, hi[0]!.y);
        for (let k = 1; k < n; k++) ctx.lineTo(hi[k]!.x, hi[k]!.y);
        for (let k = n - 1; k >= 0; k--) ctx.lineTo(lo[k]!.x, lo[k]!.y);
        ctx.closePath();
        ctx.fill();
        return;
      }
      for (let k = 0; k < n; k++) {
        const x0 = Math.round(lo[k]!.x);
        const x1 = k + 1 < n ? Math.round(lo[k + 1]!.x) : x0 + 1;
        const a = hi[k]!.y;
        const b = lo[k]!.y;
        const top = Math.round(Math.min(a, b));
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), Math.max(1, Math.round(Math.max(a, b)) - top));
      }
    });
    ctx.restore();
  },
};

/**
 * Draws a dense solid line's dataset as columns and tells Chart.js not to stroke it (`false`);
 * `true` (Chart.js draws it) for any other dataset.
 */
export function drawLineColumns(chart: Chart<'line'>, index: number): boolean {
  const ds = chart.data.datasets[index] as BandColumnsDataset | undefined;
  if (ds?.lineColumns !== true) return true;
  const points = chart.getDatasetMeta(index).data;
  const n = points.length;
  if (n < 2 || points[n - 1]!.x - points[0]!.x > DENSE_PX * n) return true;
  const width = typeof ds.borderWidth === 'number' ? ds.borderWidth : 1;
  const half = width / 2;
  const { ctx, chartArea } = chart;
  ctx.save();
  ctx.beginPath();
  ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
  ctx.clip();
  ctx.fillStyle = String(ds.borderColor);
  for (let k = 0; k < n; k++) {
    const x0 = Math.round(points[k]!.x);
    const next = k + 1 < n ? points[k + 1]! : points[k]!;
    const x1 = k + 1 < n ? Math.round(next.x) : x0 + 1;
    const a = points[k]!.y;
    const b = next.y;
    const top = Math.round(Math.min(a, b) - half);
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), Math.max(1, Math.round(Math.max(a, b) + half) - top));
  }
  ctx.restore();
  return false;
}

/** The screen's datasets: each band's minima filled by this plugin, not by the Filler; solid lines drawn by it where dense. */
export function withBandColumns<T extends { fill?: unknown; borderDash?: unknown }>(datasets: readonly T[]): T[] {
  return datasets.map((d) => {
    const lines = d.borderDash === undefined ? { lineColumns: true } : {};
    return d.fill === '-1' ? { ...d, fill: false, bandColumns: true, ...lines } : { ...d, ...lines };
  });
}
