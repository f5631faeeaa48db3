/**
 * Windows from the host → Chart.js datasets. Each series is drawn as its bucket maxima and minima,
 * with the space between filled: at any zoom a spike inside a bucket stays visible as the band's
 * top edge instead of being averaged away. Plain arrays of {x, y}, built per fetch and handed to a
 * non-reactive chart, never kept in Vue state.
 */
import type { ChartDataset } from 'chart.js';
import type { WindowResult } from '../../../shared/protocol/bridge';
// Colours are shared with the exports (shared/charts), so an exported chart looks like this one.
import { BAND_FILL_ALPHA, BAND_LINE_WIDTH, colorFor, RUN_COLORS, withAlpha } from '../../../shared/charts/colors';

export { colorFor, RUN_COLORS, SERIES_COLORS, withAlpha } from '../../../shared/charts/colors';

export interface Point {
  x: number;
  y: number;
}

export type LineDataset = ChartDataset<'line', Point[]>;

/** Marks the lower edge of a band, so the legend and tooltip can leave it out. */
export const MIN_SUFFIX = ' (min)';

export function toPoints(x: readonly number[], y: readonly number[]): Point[] {
  const n = Math.min(x.length, y.length);
  const out = new Array<Point>(n);
  for (let i = 0; i < n; i++) out[i] = { x: x[i]!, y: y[i]! };
  return out;
}

/** Dash pattern of a real-interpreter run's lines (its model run's are solid). */
export const REAL_RUN_DASH = [6, 4];

/** The two datasets of one band: max first, then min filled up to it ('-1' = the previous one). */
export function bandDatasets(s: { x: number[]; min: number[]; max: number[] }, label: string, color: string, dashed = false): LineDataset[] {
  const common = { borderColor: color, borderWidth: BAND_LINE_WIDTH, pointRadius: 0, pointHitRadius: 4, tension: 0, parsing: false as const, normalized: true, ...(dashed ? { borderDash: REAL_RUN_DASH } : {}) };
  return [
    { ...common, label, data: toPoints(s.x, s.max), fill: false, backgroundColor: color },
    { ...common, label: label + MIN_SUFFIX, data: toPoints(s.x, s.min), fill: '-1', backgroundColor: withAlpha(color, BAND_FILL_ALPHA) },
  ];
}

/** One run's window, one band per requested key (keys absent from the result are skipped). */
export function runDatasets(result: WindowResult, keys: readonly string[], labelOf: (key: string) => string = (k) => k): LineDataset[] {
  const out: LineDataset[] = [];
  for (const key of keys) {
    const s = result.series[key];
    if (s) out.push(...bandDatasets(s, labelOf(key), colorFor(key)));
  }
  return out;
}

/**
 * Several runs' windows of one series, one band per run, for the compare overlay. `colorOf`: the
 * run whose colour to use (a real run takes its model twin's), `dashed`: a real run's lines.
 */
export function overlayDatasets(results: readonly { name: string; result: WindowResult; dashed?: boolean; colorOf?: string }[], key: string): LineDataset[] {
  const out: LineDataset[] = [];
  const colours = new Map<string, string>();
  results.forEach(({ name, result, dashed, colorOf }, i) => {
    const s = result.series[key];
    const id = colorOf ?? `#${i}`;
    if (!colours.has(id)) colours.set(id, RUN_COLORS[colours.size % RUN_COLORS.length]!);
    if (s) out.push(...bandDatasets(s, name, colours.get(id)!, dashed === true));
  });
  return out;
}

/** Phase marks on the chart's x axis (their op, or their wall time when the axis is wall time). */
export function phaseMarks(result: WindowResult): { x: number; label: string }[] {
  const out: { x: number; label: string }[] = [];
  for (const p of result.phases) {
    const x = result.axis === 'op' ? p.op : p.wallMs;
    if (x !== null) out.push({ x, label: p.label });
  }
  return out;
}

/**
 * The op at a chart x: the op itself on the op axis; on the wall-time axis, the op of the last
 * bucket at or before x (the window then carries the 'op' series, whose max is that bucket's last op).
 */
export function opAtX(result: WindowResult, x: number): number | null {
  if (result.axis === 'op') return Math.round(x);
  const ops = result.series['op'];
  if (!ops || ops.x.length === 0) return null;
  let best: number | null = null;
  for (let i = 0; i < ops.x.length && ops.x[i]! <= x; i++) best = ops.max[i]!;
  return best ?? ops.min[0]!;
}
