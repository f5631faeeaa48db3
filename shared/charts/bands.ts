/**
 * How a band is drawn with Chart.js, on screen (renderer/src/charts) and in a PNG export
 * (electron/host/export/png.ts) alike: two line datasets, the maxima first, then the minima filled
 * up to it, the minima's label marked so that the legend and the tooltip leave it out. Plain
 * objects in the shape Chart.js takes; no Chart.js import here (shared code has no DOM).
 */
import { BAND_FILL_ALPHA, BAND_LINE_WIDTH, withAlpha } from './colors';

export interface Point {
  x: number;
  y: number;
}

/** Marks the lower edge of a band (its label ends so), so the legend and tooltip can leave it out. */
export const MIN_SUFFIX = ' (min)';

/** Dash pattern of a real-interpreter run's lines (its model run's are solid). */
export const REAL_RUN_DASH: readonly number[] = [6, 4];

/** Whether a dataset's label is a band's lower edge: not listed in the legend, not in the tooltip. */
export function isBandMin(label: string | undefined): boolean {
  return label?.endsWith(MIN_SUFFIX) === true;
}

/** The Chart.js legend filter of band charts: one entry per band. */
export function legendShows(item: { text: string }): boolean {
  return !isBandMin(item.text);
}

export function toPoints(x: readonly number[], y: readonly number[]): Point[] {
  const n = Math.min(x.length, y.length);
  const out = new Array<Point>(n);
  for (let i = 0; i < n; i++) out[i] = { x: x[i]!, y: y[i]! };
  return out;
}

/** One line of a band, as a Chart.js line dataset. */
export interface BandLine {
  label: string;
  data: Point[];
  borderColor: string;
  backgroundColor: string;
  borderWidth: number;
  borderDash?: number[];
  /** false for the maxima; '-1' for the minima: filled up to the dataset before (the maxima). */
  fill: false | '-1';
  pointRadius: number;
  pointHitRadius: number;
  tension: number;
  parsing: false;
  normalized: true;
}

/** The two datasets of one band: max first, then min filled up to it. `dashed`: a real run's lines. */
export function bandLines(s: { x: number[]; min: number[]; max: number[] }, label: string, color: string, dashed = false): [BandLine, BandLine] {
  const common = {
    borderColor: color,
    borderWidth: BAND_LINE_WIDTH,
    pointRadius: 0,
    pointHitRadius: 4,
    tension: 0,
    parsing: false as const,
    normalized: true as const,
    ...(dashed ? { borderDash: [...REAL_RUN_DASH] } : {}),
  };
  return [
    { ...common, label, data: toPoints(s.x, s.max), fill: false, backgroundColor: color },
    { ...common, label: label + MIN_SUFFIX, data: toPoints(s.x, s.min), fill: '-1', backgroundColor: withAlpha(color, BAND_FILL_ALPHA) },
  ];
}
