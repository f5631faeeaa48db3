/**
 * Chart specifications: series data → everything needed to draw a chart (title with version,
 * workload and seed; axes; min/max bands with their colours; phase markers), independent of how it
 * is drawn. The exports draw them with Chart.js (PNG) or as SVG; the dashboard takes its colours
 * and titles from the same definitions.
 */
import type { Axis, WindowResult } from '../protocol/bridge';
import { colorFor, runColor } from './colors';
import { axisTitle, type ChartDef, seriesTitle, type YUnit, yUnitOf } from './definitions';
import { compareSubtitle, type RunInfo, runSubtitle } from './run-info';

/** One series drawn as a band: per x bucket the true minimum and maximum, the space between filled. */
export interface ChartBand {
  key: string;
  label: string;
  color: string;
  x: number[];
  min: number[];
  max: number[];
}

export interface PhaseMark {
  x: number;
  label: string;
}

export interface ChartSpec {
  /** A file-name-safe id: `memory`, `arenas`, `pools`, `compare-arena_bytes`, … */
  id: string;
  title: string;
  /** Version, workload and seed of the run(s). */
  subtitle: string;
  /** Alternative text. */
  description: string;
  axis: Axis;
  xTitle: string;
  /** The x extent shown: the requested window, else the data's extent; null without data. */
  xRange: [number, number] | null;
  yUnit: YUnit;
  bands: ChartBand[];
  phases: PhaseMark[];
}

/** Phase marks on the window's x axis (their op, or their wall time on the wall-time axis). */
export function phaseMarks(result: WindowResult): PhaseMark[] {
  const out: PhaseMark[] = [];
  for (const p of result.phases) {
    const x = result.axis === 'op' ? p.op : p.wallMs;
    if (x !== null) out.push({ x, label: p.label });
  }
  return out;
}

/** Whether two lists of phase marks say the same (a chart need not redraw for a new but equal list). */
export function samePhaseMarks(a: readonly PhaseMark[], b: readonly PhaseMark[]): boolean {
  return a.length === b.length && a.every((m, i) => m.x === b[i]!.x && m.label === b[i]!.label);
}

function band(key: string, label: string, color: string, s: { x: number[]; min: number[]; max: number[] }): ChartBand {
  return { key, label, color, x: s.x, min: s.min, max: s.max };
}

/** One of the run charts (memory, arenas, pools) of one run's window. */
export function buildRunChart(def: ChartDef, result: WindowResult, info: RunInfo, range: [number, number] | null = null): ChartSpec {
  const bands: ChartBand[] = [];
  for (const key of def.keys) {
    const s = result.series[key];
    if (s) bands.push(band(key, key, colorFor(key), s));
  }
  return {
    id: def.id,
    title: def.title,
    subtitle: runSubtitle(info),
    description: `${def.label}: ${info.name}`,
    axis: result.axis,
    xTitle: axisTitle(result.axis),
    xRange: range ?? result.range,
    yUnit: def.yUnit,
    bands,
    phases: phaseMarks(result),
  };
}

/**
 * One series of several runs overlaid, one band per run. Phase marks are the first run's (runs of
 * one workload and seed mark the same operations; on the wall-time axis they differ per run).
 */
export function buildCompareChart(key: string, runs: readonly { info: RunInfo; result: WindowResult }[], range: [number, number] | null = null): ChartSpec {
  const bands: ChartBand[] = [];
  runs.forEach(({ info, result }, i) => {
    const s = result.series[key];
    if (s) bands.push(band(`${key}:${info.runId}`, info.name, runColor(i), s));
  });
  let extent: [number, number] | null = null;
  for (const { result } of runs) {
    if (!result.range) continue;
    extent = extent ? [Math.min(extent[0], result.range[0]), Math.max(extent[1], result.range[1])] : [...result.range];
  }
  const axis = runs[0]?.result.axis ?? 'op';
  return {
    id: `compare-${key}`,
    title: seriesTitle(key),
    subtitle: compareSubtitle(runs.map((r) => r.info)),
    description: `${seriesTitle(key)} over time: ${runs.map((r) => r.info.name).join(', ')}`,
    axis,
    xTitle: axisTitle(axis),
    xRange: range ?? extent,
    yUnit: yUnitOf(key),
    bands,
    phases: runs[0] ? phaseMarks(runs[0].result) : [],
  };
}

/** The y extent of a chart's data (0 included: the y axes begin at zero), or null without points. */
export function yExtent(spec: ChartSpec): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of spec.bands) {
    for (let i = 0; i < b.x.length; i++) {
      const x = b.x[i]!;
      if (spec.xRange && (x < spec.xRange[0] || x > spec.xRange[1])) continue;
      if (b.min[i]! < lo) lo = b.min[i]!;
      if (b.max[i]! > hi) hi = b.max[i]!;
    }
  }
  if (lo > hi) return null;
  return [Math.min(0, lo), Math.max(0, hi)];
}
