/**
 * One export, in memory: chart specs from the store's windows (at the chart's pixel width, as the
 * screen draws them), then each requested format. The app's export dialog (through the bridge), the
 * command line's `run`, `compare` and `export` all come here, so every format is made by one code path.
 */
import {
  buildCompareChart,
  buildRunChart,
  COMPARE_KEYS,
  RUN_CHART_IDS,
  RUN_CHARTS,
  type RunChartId,
  runFigures,
  labelRunInfos,
  runInfo,
  storeWindow,
  THEMES,
  type ChartSpec,
  type RunInfo,
} from '../../../shared/charts';
import type { WindowResult } from '../../../shared/protocol/bridge';
import { isSeriesKey, type SeriesKey } from '../../../shared/run/sample';
import { WORKLOADS } from '../../../shared/workloads/registry';
import { csvChunks } from './csv';
import { toHtml, type ReportRun } from './html';
import { toJson } from './json';
import { renderSvg } from './svg';
import { DEFAULT_SIZE, type ExportFile, type ExportOptions, type ExportSource, MAX_SIZE, MIN_SIZE } from './types';
import { InputError } from '../../../shared/errors';

/** A refused export request (unknown run or chart, bad size): the message says which. */
export class ExportError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/** A name safe in any file system: letters, digits, dot, dash, underscore. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'run';
}

/** Per run a short, unique file-name part: its CPython version when that is unique, else id and version. */
export function runSlugs(infos: readonly RunInfo[]): string[] {
  const versions = infos.map((i) => i.python);
  const unique = new Set(versions).size === versions.length;
  return infos.map((i) => slug(unique ? i.python : `${i.runId}-${i.python}`));
}

function checkSize(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < MIN_SIZE || value > MAX_SIZE)
    throw new ExportError(`${name} must be an integer from ${MIN_SIZE} to ${MAX_SIZE} pixels, not ${value}`);
  return value;
}

export interface BuiltExport {
  files: ExportFile[];
  /** The charts drawn, for whoever wants to show them. */
  charts: ChartSpec[];
}

export async function buildExport(source: ExportSource, options: ExportOptions): Promise<BuiltExport> {
  const formats = new Set(options.formats);
  if (formats.size === 0) throw new ExportError('no format chosen (png, svg, csv, json, html)');
  if (source.runs.length === 0) throw new ExportError('no run to export');
  for (const r of source.runs) if (!source.store.has(r.id)) throw new ExportError(`no samples for run '${r.id}'`);
  const mode = options.mode ?? 'runs';
  const width = checkSize('width', options.width, DEFAULT_SIZE.width);
  const height = checkSize('height', options.height, DEFAULT_SIZE.height);
  const theme = THEMES[options.theme ?? 'light'];
  const axis = options.axis ?? 'op';
  const range = options.range ?? null;
  if (range && !(range[0] <= range[1])) throw new ExportError(`the window must run forwards, not ${range[0]}..${range[1]}`);
  const now = options.now ?? new Date();

  // Runs named by what tells them apart (k=1000 vs k=100000) in legends, titles and the report.
  const infos = labelRunInfos(
    source.runs.map((r) => runInfo(r.id, r.config, r.started ?? null, r.name ?? null)),
    (workload) => {
      const def = WORKLOADS.find((w) => w.name === workload);
      return def ? Object.fromEntries(def.params.map((p) => [p.name, p.default])) : null;
    },
  );
  const slugs = runSlugs(infos);
  const many = source.runs.length > 1;

  // Charts: which ones, and their windows at about the plot's pixel width.
  const chartIds = options.charts ?? (mode === 'compare' ? COMPARE_KEYS : RUN_CHART_IDS);
  const known: readonly string[] = mode === 'compare' ? COMPARE_KEYS : RUN_CHART_IDS;
  for (const id of chartIds)
    if (!known.includes(id)) throw new ExportError(`unknown chart '${id}' (${mode === 'compare' ? 'series' : 'charts'}: ${known.join(', ')})`);
  const maxPoints = Math.max(1, width - 80);
  const from = range ? range[0] : -Infinity;
  const to = range ? range[1] : Infinity;
  const windowOf = (runId: string, series: SeriesKey[]): WindowResult => storeWindow(source.store, { runId, series, from, to, maxPoints, axis });
  const wantCharts = formats.has('png') || formats.has('svg') || formats.has('html');
  const charts: { spec: ChartSpec; file: string; run: string | null }[] = [];
  if (wantCharts) {
    if (mode === 'compare') {
      const windows = source.runs.map((r, i) => ({ info: infos[i]!, result: windowOf(r.id, chartIds.filter(isSeriesKey)) }));
      for (const key of chartIds) charts.push({ spec: buildCompareChart(key, windows, range), file: `compare-${key}`, run: null });
    } else {
      source.runs.forEach((r, i) => {
        const defs = chartIds.map((id) => RUN_CHARTS[id as RunChartId]);
        const result = windowOf(r.id, [...new Set(defs.flatMap((d) => [...d.keys]))]);
        for (const def of defs) charts.push({ spec: buildRunChart(def, result, infos[i]!, range), file: many ? `${slugs[i]}-${def.id}` : def.id, run: r.id });
      });
    }
  }

  const files: ExportFile[] = [];
  if (formats.has('png')) {
    // Chart.js and the native canvas load with the first PNG, not with the host.
    const { renderPng } = await import('./png');
    for (const c of charts) files.push({ name: `${c.file}.png`, mime: 'image/png', data: await renderPng(c.spec, { width, height, theme }) });
  }
  if (formats.has('svg')) {
    for (const c of charts) files.push({ name: `${c.file}.svg`, mime: 'image/svg+xml', data: renderSvg(c.spec, { width, height, theme }) });
  }
  if (formats.has('csv')) {
    source.runs.forEach((r, i) =>
      files.push({ name: many ? `samples-${slugs[i]}.csv` : 'samples.csv', mime: 'text/csv', data: [...csvChunks(source.store, r.id)].join('') }),
    );
  }
  if (formats.has('json')) files.push({ name: 'export.json', mime: 'application/json', data: toJson(source, now) });
  if (formats.has('html')) {
    const runs: ReportRun[] = source.runs.map((r, i) => ({
      run: r,
      info: infos[i]!,
      figures: runFigures(source.store, r.id),
      phases: source.store.phases(r.id).map((p) => ({ op: p.op, wallMs: source.store.wallAtOp(r.id, p.op), label: p.label })),
    }));
    const title =
      mode === 'compare'
        ? `Arenascope comparison: ${infos[0]!.workload}, CPython ${infos.map((i) => i.python).join(' vs ')}`
        : `Arenascope report: ${infos.map((i) => i.name).join(', ')}`;
    files.push({
      name: 'report.html',
      mime: 'text/html',
      data: toHtml({
        title,
        app: source.app ?? null,
        createdAt: now,
        mode,
        theme,
        runs,
        charts: charts.map((c, i) => ({ spec: c.spec, run: c.run, svg: renderSvg(c.spec, { width, height, theme, standalone: false, clipId: `clip-${i}` }) })),
        compareKeys: chartIds.filter(isSeriesKey),
        window: range ? { axis, range } : null,
        verdicts: source.verdicts ?? [],
      }),
    });
  }
  return { files, charts: charts.map((c) => c.spec) };
}
