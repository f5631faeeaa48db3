/**
 * A chart spec drawn by Chart.js onto an @napi-rs/canvas canvas in plain Node, with the dashboard's
 * look: the same band datasets (maxima line, minima line filled up to it), tick formats, colours and
 * dashed phase marks, on the theme's background. Encoded as PNG.
 */
import { createCanvas } from '@napi-rs/canvas';
import { BasicPlatform, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, SubTitle, Title } from 'chart.js';
import type { ChartConfiguration, ChartItem, Plugin } from 'chart.js';
import { bandLines, CHART_FONT, formatBytes, formatCount, formatDuration, binaryScaleHooks, legendShows } from '../../../shared/charts';
import type { ChartSpec, ChartTheme, Point } from '../../../shared/charts';

export interface PngOptions {
  width: number;
  height: number;
  theme: ChartTheme;
  /**
   * Draw text (title, legend, ticks, phase labels). Off for the visual regression reference: fonts
   * differ from machine to machine, lines and fills do not.
   */
  text?: boolean;
}

let registered = false;
function register(): void {
  if (registered) return;
  Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Legend, Title, SubTitle);
  registered = true;
}

/** Fills the canvas with the theme's background before anything is drawn. */
function backgroundPlugin(color: string): Plugin<'line'> {
  return {
    id: 'arenascopeBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

/** Dashed phase marks with their labels (renderer/src/charts/markers-plugin.ts, for Node). */
function markersPlugin(spec: ChartSpec, color: string, text: boolean): Plugin<'line'> {
  return {
    id: 'arenascopeMarkers',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const scale = chart.scales['x'];
      if (!scale) return;
      let lastLabelEnd = -Infinity;
      ctx.save();
      ctx.font = `11px ${CHART_FONT}`;
      ctx.textBaseline = 'top';
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 1;
      for (const m of spec.phases) {
        const px = scale.getPixelForValue(m.x);
        if (!(px >= chartArea.left - 0.5 && px <= chartArea.right + 0.5)) continue;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        if (!text) continue;
        const w = ctx.measureText(m.label).width;
        if (px + 3 > lastLabelEnd && px + 3 + w <= chartArea.right + 20) {
          ctx.fillText(m.label, px + 3, chartArea.top + 2);
          lastLabelEnd = px + 3 + w + 4;
        }
      }
      ctx.restore();
    },
  };
}

/** The Chart.js configuration of a spec (exported for tests and for whoever wants to draw it elsewhere). */
export function chartJsConfig(spec: ChartSpec, theme: ChartTheme, text = true): ChartConfiguration<'line', Point[]> {
  const font = (size: number, weight?: 'bold') => ({ family: CHART_FONT, size, ...(weight ? { weight } : {}) });
  const datasets = spec.bands.flatMap((b) => bandLines(b, b.label, b.color));
  const formatY = (v: number): string => (spec.yUnit === 'bytes' ? formatBytes(v) : formatCount(v));
  const formatX = (v: number): string => (spec.axis === 'op' ? formatCount(v) : formatDuration(v));
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      parsing: false,
      normalized: true,
      events: [],
      layout: { padding: { left: 6, right: 12, top: 6, bottom: 6 } },
      scales: {
        x: {
          type: 'linear',
          min: spec.xRange?.[0],
          max: spec.xRange?.[1],
          title: { display: text, text: spec.xTitle, color: theme.muted, font: font(12) },
          ticks: { display: text, color: theme.muted, font: font(11), callback: (v) => formatX(Number(v)), maxRotation: 0 },
          grid: { color: theme.grid },
          border: { color: theme.muted },
        },
        y: {
          type: 'linear',
          beginAtZero: true,
          ...(spec.yUnit === 'bytes' ? binaryScaleHooks : {}),
          // Counts are whole: no 0.5 tick on a small range (as on screen and in the SVG).
          ticks: {
            display: text,
            color: theme.muted,
            font: font(11),
            callback: (v) => formatY(Number(v)),
            ...(spec.yUnit === 'count' ? { precision: 0 } : {}),
          },
          grid: { color: theme.grid },
          border: { color: theme.muted },
        },
      },
      plugins: {
        title: { display: text, text: spec.title, color: theme.text, font: font(16, 'bold'), padding: { top: 4, bottom: 2 } },
        subtitle: { display: text, text: spec.subtitle, color: theme.muted, font: font(12), padding: { bottom: 6 } },
        legend: { display: text, labels: { color: theme.text, boxWidth: 12, font: font(12), filter: legendShows } },
        tooltip: { enabled: false },
      },
    },
    plugins: [backgroundPlugin(theme.background), markersPlugin(spec, theme.muted, text)],
  };
}

/** Draws the spec at width × height pixels and encodes it as PNG. */
export async function renderPng(spec: ChartSpec, options: PngOptions): Promise<Uint8Array> {
  register();
  const canvas = createCanvas(options.width, options.height);
  const ctx = canvas.getContext('2d');
  const config = { ...chartJsConfig(spec, options.theme, options.text !== false), platform: BasicPlatform };
  // Chart.js takes any 2D context whose `canvas` it can size; @napi-rs/canvas' is one.
  const chart = new Chart(ctx as unknown as ChartItem, config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
