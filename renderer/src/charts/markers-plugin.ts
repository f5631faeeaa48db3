/**
 * A tiny Chart.js plugin drawing phase marks as dashed vertical lines with their labels, pauses as
 * shaded bands (on the wall-time axis a pause would otherwise look like the workload going flat),
 * and the selected time as a solid line. Small enough that an annotation package is not worth adding.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';
import { PALETTES } from '../../../shared/charts/colors';

export interface MarkersOptions {
  phases: { x: number; label: string }[];
  /** Pauses, as [from, to] on the x axis, shaded and labelled "paused". */
  pauses: { from: number; to: number }[];
  /** The selected time (detail views read the engine at it), or null. */
  cursor: number | null;
  color: string;
  cursorColor: string;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType extends ChartType> {
    markers: Partial<MarkersOptions>;
  }
}

function vline(chart: Chart, x: number, color: string, dash: number[]): boolean {
  const { ctx, chartArea, scales } = chart;
  const scale = scales['x'];
  if (!scale) return false;
  const px = scale.getPixelForValue(x);
  if (!(px >= chartArea.left && px <= chartArea.right)) return false;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.setLineDash(dash);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(px, chartArea.top);
  ctx.lineTo(px, chartArea.bottom);
  ctx.stroke();
  ctx.restore();
  return true;
}

export const markersPlugin: Plugin<'line'> = {
  id: 'markers',
  afterDatasetsDraw(chart, _args, options: Partial<MarkersOptions>) {
    const { ctx, chartArea, scales } = chart;
    const scale = scales['x'];
    if (!scale) return;
    const color = options.color ?? PALETTES.light.muted;
    let lastLabelEnd = -Infinity;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    for (const p of options.pauses ?? []) {
      const from = Math.max(chartArea.left, scale.getPixelForValue(p.from));
      const to = Math.min(chartArea.right, scale.getPixelForValue(p.to));
      if (!(to > from)) continue;
      ctx.globalAlpha = 0.15;
      ctx.fillStyle = color;
      ctx.fillRect(from, chartArea.top, to - from, chartArea.bottom - chartArea.top);
      ctx.globalAlpha = 1;
      if (to - from > 40) {
        ctx.fillStyle = color;
        ctx.fillText('paused', from + 3, chartArea.bottom - 14);
      }
    }
    for (const m of options.phases ?? []) {
      if (!vline(chart as unknown as Chart, m.x, color, [4, 3])) continue;
      // Labels that would overlap the previous one are skipped; the line still shows the phase.
      const px = scale.getPixelForValue(m.x) + 3;
      const w = ctx.measureText(m.label).width;
      if (px > lastLabelEnd && px + w <= chartArea.right + 20) {
        ctx.fillStyle = color;
        ctx.fillText(m.label, px, chartArea.top + 2);
        lastLabelEnd = px + w + 4;
      }
    }
    ctx.restore();
    if (options.cursor !== null && options.cursor !== undefined)
      vline(chart as unknown as Chart, options.cursor, options.cursorColor ?? PALETTES.light.accent, []);
  },
};
