/**
 * Windows from the host → Chart.js datasets. Each series is drawn as its bucket maxima and minima,
 * with the space between filled: at any zoom a spike inside a bucket stays visible as the band's
 * top edge instead of being averaged away. Plain arrays of {x, y}, built per fetch and handed to a
 * non-reactive chart, never kept in Vue state.
 */
import type { ChartDataset } from 'chart.js';
import type { WindowResult } from '../../../shared/protocol/bridge';
// Bands and colours are shared with the exports (shared/charts), so an exported chart looks like this one.
import { bandLines, type Point } from '../../../shared/charts/bands';
import { colorFor, RUN_COLORS } from '../../../shared/charts/colors';

export { colorFor, RUN_COLORS, SERIES_COLORS, withAlpha } from '../../../shared/charts/colors';

export type LineDataset = ChartDataset<'line', Point[]>;

/** One run's window, one band per requested key (keys absent from the result are skipped). */
export function runDatasets(result: WindowResult, keys: readonly string[], labelOf: (key: string) => string = (k) => k): LineDataset[] {
  const out: LineDataset[] = [];
  for (const key of keys) {
    const s = result.series[key];
    if (s) out.push(...bandLines(s, labelOf(key), colorFor(key)));
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
    if (s) out.push(...bandLines(s, name, colours.get(id)!, dashed === true));
  });
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
