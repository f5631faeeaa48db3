/**
 * `export SESSION_FILE --out DIR [--format png,svg,csv,json,html] [--run ID]... [--compare]
 *  [--width N] [--height N] [--theme light|dark] [--axis op|wall_ms] [--from X] [--to X]`
 *
 * Exports a saved session's runs with the app's export code (electron/host/export): each run's
 * charts (or, with `--compare`, one chart per series with the runs overlaid and a delta table in
 * the report), its samples, the JSON and the report. Also the export options `run` and `compare`
 * share. Formats, names and columns: docs/exports.md.
 */
import { relative } from 'node:path';
import type { ThemeName } from '../../../shared/charts';
import type { Axis, ExportFormat } from '../../../shared/protocol/bridge';
import { buildExport, DEFAULT_SIZE, type ExportOptions, type ExportSource, parseFormats, writeExportFiles } from '../../host/export';
import { openSession } from '../../host/session/file';
import { onePositional, parse, positiveIntOption } from '../options';
import { errorMessage } from '../../../shared/errors';
import { replayPins } from './pins';
import { asUsageError, UsageError } from '../usage-error';

export const exportUsage =
  'export SESSION_FILE --out DIR [--format png,svg,csv,json,html] [--run ID]... [--compare] [--width N] [--height N] [--theme light|dark] [--axis op|wall_ms] [--from X] [--to X]';

/** The export options of `run`, `compare` and `export`. */
export const EXPORT_OPTIONS = {
  format: { type: 'string' },
  width: { type: 'string' },
  height: { type: 'string' },
  theme: { type: 'string' },
  axis: { type: 'string' },
} as const;

export interface ExportChoice {
  formats: ExportFormat[];
  width: number;
  height: number;
  theme: ThemeName;
  axis: Axis;
}

/**
 * The export options given, or null when there is no `--format` and no default (`fallback`).
 * Refuses unknown formats, themes, axes and sizes by name.
 */
export function readExportOptions(
  command: string,
  values: { format?: string; width?: string; height?: string; theme?: string; axis?: string },
  fallback: 'all' | null,
): ExportChoice | null {
  const text = values.format ?? fallback;
  if (text === null) {
    for (const name of ['width', 'height', 'theme', 'axis'] as const) {
      if (values[name] !== undefined) throw new UsageError(`${command}: --${name} is an export option: give --format too`);
    }
    return null;
  }
  const formats = asUsageError(`${command}: --format`, () => parseFormats(text));
  const theme = values.theme ?? 'light';
  if (theme !== 'light' && theme !== 'dark') throw new UsageError(`${command}: --theme must be 'light' or 'dark', not '${theme}'`);
  const axis = values.axis ?? 'op';
  if (axis !== 'op' && axis !== 'wall_ms') throw new UsageError(`${command}: --axis must be 'op' or 'wall_ms', not '${axis}'`);
  return {
    formats,
    width: positiveIntOption(command, 'width', values.width, DEFAULT_SIZE.width, 8000),
    height: positiveIntOption(command, 'height', values.height, DEFAULT_SIZE.height, 8000),
    theme,
    axis,
  };
}

/**
 * Gives each model run of an HTML or JSON export its pins analysis at its last operation (`lastOp`),
 * replayed in this process as `pins` does, so that the command line's report and JSON hold the same
 * "Why is this memory kept?" table as the app's (the same ExportRun.pins the HTML and JSON writers
 * render). A real interpreter's run, a run with no operation, or one whose replay fails gets none.
 */
export async function withPins(source: ExportSource, formats: readonly string[], lastOp: (id: string) => number): Promise<void> {
  if (!formats.includes('html') && !formats.includes('json')) return;
  for (const r of source.runs) {
    const at = lastOp(r.id);
    if (r.config.real || at <= 0) continue;
    try {
      r.pins = (await replayPins('export', r.config, at)).report;
    } catch (error) {
      process.stderr.write(`warning: no pins analysis for run ${r.id}: ${errorMessage(error)}\n`);
    }
  }
}

/** Builds the export and writes it into `dir` atomically; reports what it wrote, and how long it took. */
export async function exportToDir(command: string, dir: string, source: ExportSource, options: ExportOptions, out: (line: string) => void): Promise<string[]> {
  const t0 = performance.now();
  const built = await asUsageError(command, () => buildExport(source, options));
  const t1 = performance.now();
  // A write failure (ExportWriteError) names the file; main reports it (exit 2), nothing half-written stays.
  const paths = await writeExportFiles(dir, built.files);
  const t2 = performance.now();
  const names = paths.map((p) => relative(dir, p));
  out(
    `exported ${names.length} file${names.length === 1 ? '' : 's'} to ${dir} in ${Math.round(t2 - t0)} ms (rendering ${Math.round(t1 - t0)} ms): ${names.join(', ')}`,
  );
  return paths;
}

function parseBound(command: string, name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${command}: --${name} must be a number, not '${value}'`);
  return n;
}

export async function exportCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { positionals, values } = parse('export', argv, {
    options: {
      out: { type: 'string' },
      run: { type: 'string', multiple: true },
      compare: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      ...EXPORT_OPTIONS,
    },
    allowPositionals: true,
  });
  const file = onePositional('export', positionals, 'session FILE');
  if (!values.out) throw new UsageError('export: --out DIR is required (where the files go)');
  const choice = readExportOptions('export', values, 'all')!;
  const from = parseBound('export', 'from', values.from, -Infinity);
  const to = parseBound('export', 'to', values.to, Infinity);
  if (from > to) throw new UsageError(`export: --from ${from} is after --to ${to}`);
  const { session, warnings } = await asUsageError('export', () => openSession(file));
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  let runs = session.runs;
  if (values.run) {
    const known = new Set(runs.map((r) => r.id));
    for (const id of values.run) if (!known.has(id)) throw new UsageError(`export: ${file} has no run '${id}' (runs: ${runs.map((r) => r.id).join(', ')})`);
    runs = runs.filter((r) => values.run!.includes(r.id));
  }
  if (runs.length === 0) throw new UsageError(`export: ${file} holds no run`);
  if (values.compare && runs.length < 2) throw new UsageError('export: --compare needs at least two runs');
  // An open end of the window is the runs' first / last sample.
  let range: [number, number] | null = null;
  if (from !== -Infinity || to !== Infinity) {
    const spans = runs.map((r) => session.store.stats(r.id).range?.[choice.axis]).filter((x) => x !== undefined && x !== null);
    const lo = Math.min(...spans.map((s) => s[0]));
    const hi = Math.max(...spans.map((s) => s[1]));
    range = [Number.isFinite(from) ? from : lo, Number.isFinite(to) ? to : hi];
  }
  const source: ExportSource = {
    store: session.store,
    runs: runs.map((r) => ({
      id: r.id,
      config: r.config,
      coalesced: r.coalesced,
      ...(r.meta.name ? { name: r.meta.name } : {}),
      ...(r.meta.createdAt ? { createdAt: r.meta.createdAt } : {}),
      ...(r.started ? { started: r.started } : {}),
      ...(r.status ? { status: r.status } : {}),
    })),
  };
  await withPins(source, choice.formats, (id) => session.runs.find((r) => r.id === id)?.status?.ops ?? session.store.stats(id).range?.op[1] ?? 0);
  await exportToDir('export', values.out, source, { ...choice, mode: values.compare ? 'compare' : 'runs', range }, out);
  return 0;
}
