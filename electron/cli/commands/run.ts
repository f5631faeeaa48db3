/**
 * `run --workload NAME --python VERSION [--python VERSION]… [--set key=value]… [--seed N]
 *  [--ops N | --duration 10m] [--sample-every N] [--max-sample-rate HZ] [--arenas aligned|misaligned] [--out DIR]`
 *
 * Runs a workload (or `trace-replay` with `--set path=FILE`) against the engine, one worker process
 * per `--python`, all at once, through the same host code the app uses. A live progress line on a
 * terminal; with `--out`, per run `samples.csv` and `run.json` (in DIR itself for one run, in
 * DIR/<version> for several) and DIR/session.arenascope.gz, written while the runs go. With
 * `--format png,svg,csv,json,html` (and `--width`, `--height`, `--theme`, `--axis`), DIR gets those
 * exports instead of samples.csv and run.json, made by the app's export code (docs/exports.md);
 * `compare` is this command with the runs overlaid (./compare.ts).
 *
 * Exit status: 0 every run finished, 2 bad arguments, 3 a worker died (the others finish and
 * everything collected is kept), 4 a run reached its worker's memory budget (ARENASCOPE_MEMORY_BUDGET_MB)
 * and was stopped there, everything it recorded kept; 1 an internal error.
 */
import { formatBytes } from '../../../shared/charts/format';
import { mkdirSync } from 'node:fs';
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import { join, resolve } from 'node:path';
import { DEFAULT_SAMPLE_EVERY, MAX_SAMPLE_RATE, type RunConfig } from '../../../shared/protocol/run-config';
import { NEW_RUN_RECORD, statusOf } from '../../../shared/protocol/run-record';
import { resolveRun } from '../../../shared/run/resolve-run';
import { checkTraceFile } from '../../node/trace-file';
import { SAMPLE_WIDTH, SERIES, SERIES_INDEX } from '../../../shared/run/sample';
import { SeriesSummary } from '../../../shared/run/summary';
import { AtomicTextWriter, writeFileAtomic } from '../../node/atomic-file';
import type { Launcher } from '../../host/workers/launcher';
import type { ExportRun } from '../../host/export';
import { NodeLauncher } from '../../host/workers/node-launcher';
import { RunManager } from '../../host/workers/run-manager';
import { type RecordedRun, RunRecorder, type RunSink } from '../../host/runs/recorder';
import { seriesSink, sessionSink } from '../../host/runs/sinks';
import { SessionWriter } from '../../host/session/file';
import { SeriesStore } from '../../../shared/series';
import { toSnapshot } from '../../host/runs/detail-store';
import { EXPORT_OPTIONS, exportToDir, readExportOptions, withPins } from './export';
import { parse, positiveIntOption, rateOption } from '../options';
import { UsageError, asUsageError } from '../usage-error';
import { RealRunLauncher } from '../../host/workers/real-run-launcher';
import { locateAgent } from '../../node/agent/locate';
import { arenaModeFor, openRealInterpreter, type RealInterpreter } from '../../node/real/real-interpreter';
import { MEMORY_BUDGET_ENV } from '../../worker/memory-budget';
import { SamplesByOp, sampleVerdict, verdictText, type SampleVerdict } from '../../node/real/sample-verdict';
import { errorMessage } from '../../../shared/errors';

export const runUsage =
  'run --workload NAME --python VERSION [--python VERSION]... [--real EXE]... [--set key=value]... [--seed N] [--ops N | --duration 10m] [--sample-every N] [--max-sample-rate HZ] [--arenas aligned|misaligned] [--out DIR [--format png,svg,csv,json,html] [--width N] [--height N] [--theme light|dark] [--axis op|wall_ms]]';

/** Exit status when a worker died. */
export const EXIT_CRASHED = 3;
/** Exit status when a run reached its memory budget (and was stopped there, its files written). */
export const EXIT_BUDGET = 4;

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new UsageError(`run: --duration must look like 500ms, 30s, 10m or 2h, not '${text}'`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  if (!(ms >= 1)) throw new UsageError(`run: --duration must be at least 1ms, not '${text}'`);
  return ms;
}

function parseSets(command: string, values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`${command}: --set takes key=value, not '${kv}'`);
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}

/** What the command keeps per run while it goes, besides the run's record. */
interface RunTrack extends RecordedRun {
  /** The first words of the report line: name, family, arenas (a real run: its executable). */
  head: string;
  manager: RunManager;
  /** For a real-interpreter run: the interpreter; its samples are compared with the model run of its version. */
  real: RealInterpreter | null;
  /** The model's version string, to pair a real run with the model run of the same version. */
  version: string;
  samplesByOp: SamplesByOp | null;
  dir: string | null;
  csv: AtomicTextWriter | null;
  summary: SeriesSummary;
  phases: { op: number; label: string }[];
  arenas: number;
  retained: number;
  /** The last detail snapshot (size classes, for the report), when exporting. */
  detail: DetailSnapshot | null;
  /** Why the run was stopped at its memory budget (no one is there to continue it), else null. */
  budgetStop: string | null;
}

/** What a test (or an embedding) may give the command instead of the defaults. */
export interface RunIo {
  /** How workers start; default: forked Node processes. */
  launcher?: Launcher;
  /** Aborting it stops the runs as Ctrl-C does. */
  stop?: AbortSignal;
}

/** The options of `run` and `compare`. */
export const RUN_OPTIONS = {
  workload: { type: 'string' },
  python: { type: 'string', multiple: true },
  /** An installed interpreter whose real allocator replays the same stream, as a run of its own. */
  real: { type: 'string', multiple: true },
  set: { type: 'string', multiple: true },
  seed: { type: 'string' },
  ops: { type: 'string' },
  duration: { type: 'string' },
  'sample-every': { type: 'string' },
  /** At most this many samples a second (default 20; 0: every --sample-every operations). */
  'max-sample-rate': { type: 'string' },
  arenas: { type: 'string' },
  out: { type: 'string' },
  ...EXPORT_OPTIONS,
} as const;

type RunValues = ReturnType<typeof parse<{ options: typeof RUN_OPTIONS; allowPositionals: false }>>['values'];

export async function runCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('run', argv, { options: RUN_OPTIONS, allowPositionals: false });
  return runAndExport('run', values, out);
}

/**
 * The body of `run` and `compare`: the runs, their files, the report lines; then, with `--format`,
 * the exports (`compare`: overlaid charts and a delta table).
 */
export async function runAndExport(command: 'run' | 'compare', values: RunValues, out: (line: string) => void, io: RunIo = {}): Promise<number> {
  if (!values.workload) throw new UsageError(`${command}: --workload NAME is required (see \`workloads\`)`);
  const reals = await openReals(command, values.real ?? [], values.arenas);
  // With --real alone, the model runs are those interpreters' versions.
  const pythons = values.python ?? [...new Set(reals.map((r) => r.info.version))];
  if (pythons.length === 0) throw new UsageError(`${command}: --python VERSION is required (e.g. --python 3.11; repeat it to compare versions)`);
  if (command === 'compare' && pythons.length + reals.length < 2)
    throw new UsageError('compare: give --python at least twice (e.g. --python 2.4 --python 3.11), or --python and --real');
  if (new Set(pythons).size !== pythons.length) throw new UsageError(`${command}: --python given twice for the same version (${pythons.join(', ')})`);
  if (values.ops !== undefined && values.duration !== undefined) throw new UsageError(`${command}: give --ops or --duration, not both`);
  if (values.arenas !== undefined && values.arenas !== 'aligned' && values.arenas !== 'misaligned') {
    throw new UsageError(`${command}: --arenas must be 'aligned' or 'misaligned', not '${values.arenas}'`);
  }
  // Exports: `run` makes them when --format says so; `compare` with --out makes all of them unless told.
  const exporting = readExportOptions(command, values, command === 'compare' && values.out !== undefined ? 'all' : null);
  if (exporting && !values.out) throw new UsageError(`${command}: --format needs --out DIR (where the files go)`);
  const params: Record<string, string> = parseSets(command, values.set);
  // A model run beside a real one samples at every checkpoint the real run has, unless told: the
  // verdict compares samples at the same operation counts.
  const maxSampleRate = rateOption(command, 'max-sample-rate', values['max-sample-rate'], MAX_SAMPLE_RATE) ?? (reals.length > 0 ? 0 : undefined);
  if (values.workload === 'trace-replay' && params['path']) params['path'] = resolve(params['path']);

  const modelConfigs: RunConfig[] = pythons.map((python) => ({
    workload: values.workload!,
    params,
    seed: values.seed ?? '1',
    python,
    ...(values.arenas ? { arenas: values.arenas as 'aligned' | 'misaligned' } : {}),
    ...(values.ops !== undefined ? { ops: positiveIntOption(command, 'ops', values.ops, 1, Number.MAX_SAFE_INTEGER) } : {}),
    ...(values.duration !== undefined ? { durationMs: parseDuration(values.duration) } : {}),
    sampleEvery: positiveIntOption(command, 'sample-every', values['sample-every'], DEFAULT_SAMPLE_EVERY),
    ...(maxSampleRate !== undefined ? { maxSampleRate } : {}),
  }));
  // A real run replays the same stream: the same configuration under the interpreter's own version.
  const configs: RunConfig[] = [...modelConfigs, ...reals.map((r) => ({ ...modelConfigs[0]!, python: r.info.version, real: { interpreter: r.info.path } }))];
  // Refuse a bad configuration here, with the reason, before any process starts.
  const resolved = configs.map((c) => asUsageError(command, () => resolveRun(c)));
  // A trace that cannot be read is the user's to fix (exit 2), said as `replay` says it, not a failed run.
  const traces = new Set(resolved.map((r) => r.tracePath).filter((p): p is string => p !== null));
  for (const path of traces) await asUsageError(command, () => checkTraceFile(path));

  // Output: one folder per run (DIR itself for a single run) and one session file.
  let session: SessionWriter | null = null;
  const modelManager = new RunManager(io.launcher ?? new NodeLauncher());
  const tracks: RunTrack[] = resolved.map((r, i) => {
    const real = i >= modelConfigs.length ? reals[i - modelConfigs.length]! : null;
    const label = real ? `${real.info.version} real ${r.workload.name}` : `${r.version.version} ${r.workload.name}`;
    return {
      runId: `run-${i + 1}`,
      name: label,
      head: real
        ? `${label} (${real.info.executable}, arenas ${arenaModeFor(real, values.arenas as 'aligned' | 'misaligned' | undefined)})`
        : `${label} (${r.version.preset.family}, ${r.arenas} arenas)`,
      manager: real ? new RunManager(new RealRunLauncher(real)) : modelManager,
      real,
      version: real ? real.info.version : r.version.version,
      samplesByOp: reals.length > 0 ? new SamplesByOp() : null,
      config: configs[i]!,
      record: NEW_RUN_RECORD,
      // With --format the exports replace samples.csv and run.json.
      dir: values.out && !exporting ? (configs.length === 1 ? values.out : join(values.out, real ? `real-${real.info.version}` : r.version.version)) : null,
      csv: null,
      summary: new SeriesSummary(),
      phases: [],
      arenas: 0,
      retained: 0,
      detail: null,
      budgetStop: null,
    };
  });
  const managers = [...new Set(tracks.map((t) => t.manager))];
  // Exports are made from the samples kept here.
  const store = exporting ? new SeriesStore() : null;
  for (const t of tracks) store?.addRun(t.runId);
  if (values.out) {
    try {
      mkdirSync(values.out, { recursive: true });
      for (const t of tracks) {
        if (t.dir === null) continue;
        mkdirSync(t.dir, { recursive: true });
        t.csv = new AtomicTextWriter(join(t.dir!, 'samples.csv'));
        t.csv.write(`${SERIES.map((s) => s.key).join(',')}\n`);
      }
      session = await SessionWriter.open(join(values.out, 'session.arenascope.gz'), { overwrite: true });
    } catch (error) {
      for (const t of tracks) t.csv?.abort();
      throw new UsageError(`${command}: --out ${values.out}: ${errorMessage(error)}`);
    }
  }

  const tty = process.stderr.isTTY === true;
  const full = new Float64Array(SAMPLE_WIDTH);
  const plain = new Float64Array(SERIES.length);
  // What only the command line keeps: samples.csv, the summary and phases for run.json and the report.
  const files: RunSink<RunTrack> = {
    samples: (t, columns) => {
      const n = columns[0]!.length;
      // Rows with an envelope: the summary's peaks include what happened between samples.
      const row = columns.length === SAMPLE_WIDTH ? full : plain;
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < row.length; k++) row[k] = columns[k]![i]!;
        t.summary.add(row);
        t.samplesByOp?.add(row);
        t.csv?.write(`${row.subarray(0, SERIES.length).join(',')}\n`);
      }
      if (n > 0) {
        t.arenas = row[SERIES_INDEX.arenas]!;
        t.retained = row[SERIES_INDEX.arena_bytes]!;
      }
    },
    phase: (t, op, label) => void t.phases.push({ op, label }),
    // The command line has no one to ask "continue with more?": it says so and stops the run there,
    // which keeps everything it recorded (the app offers to continue instead).
    budget: (t) => {
      if (t.budgetStop !== null) return;
      t.budgetStop = t.record.budgetPause!.message;
      process.stderr.write(`${tty ? '\n' : ''}arenascope: ${t.name}: ${t.budgetStop}; stopping it there (raise ${MEMORY_BUDGET_ENV} to let it go further)\n`);
      t.manager.stop(t.runId);
    },
    detail: (t, d) => {
      if (store) t.detail = toSnapshot(t.runId, d);
    },
  };
  const sessionRecords = sessionSink<RunTrack>(() => session);
  const recorder = new RunRecorder<RunTrack>([...(store ? [seriesSink<RunTrack>(store)] : []), sessionRecords, files]);
  for (const t of tracks) recorder.add(t);
  for (const m of managers) recorder.listen(m);

  // Progress on a terminal: one line for all runs.
  const progress = (final: boolean): void => {
    if (!tty) return;
    const parts = tracks.map(
      (t) =>
        `${t.name}: ${t.record.ops.toLocaleString('en')} ops, ${Math.round(t.record.ops / Math.max(t.record.wallMs / 1000, 1e-3)).toLocaleString('en')} ops/s, retained ${formatBytes(t.retained)}, ${t.arenas} arenas`,
    );
    process.stderr.write(`\r\x1b[K${parts.join(' | ')}${final ? '\n' : ''}`);
  };
  const ticker = tty ? setInterval(() => progress(false), 250) : null;

  // Ctrl-C stops the runs cleanly: final samples, files written.
  const interrupt = (): void => {
    for (const t of tracks) t.manager.stop(t.runId);
  };
  process.once('SIGINT', interrupt);
  io.stop?.addEventListener('abort', interrupt);
  try {
    for (const t of tracks) {
      sessionRecords.add(t, { name: t.name });
      t.manager.start(t.config, t.runId);
    }
    await Promise.all(tracks.map((t) => t.manager.whenExited(t.runId)));
  } finally {
    process.removeListener('SIGINT', interrupt);
    io.stop?.removeEventListener('abort', interrupt);
    if (ticker) clearInterval(ticker);
    progress(true);
    await Promise.all(managers.map((m) => m.dispose()));
  }

  // Files, then the report.
  for (const t of tracks) {
    if (t.csv && t.dir) {
      t.csv.commit();
      const r = resolved[tracks.indexOf(t)]!;
      writeFileAtomic(
        join(t.dir, 'run.json'),
        `${JSON.stringify(
          {
            engine: t.record.started?.engineVersion ?? null,
            workload: { name: r.workload.name, version: t.record.started?.workloadVersion ?? r.workload.version, params: t.record.started?.params ?? r.params },
            seed: r.seed.toString(),
            python: { requested: r.version.requested, version: r.version.version, family: r.version.preset.family, arenas: r.arenas },
            budget: { ops: Number.isFinite(r.opsBudget) ? r.opsBudget : null, durationMs: Number.isFinite(r.durationMs) ? r.durationMs : null },
            sampleEvery: r.sampleEvery,
            maxSampleRate: r.maxSampleRate,
            state: t.record.state,
            reason: t.record.reason,
            ops: t.record.ops,
            wallMs: Math.round(t.record.wallMs),
            samples: t.summary.samples,
            phases: t.phases,
            summary: t.summary.toJSON(),
          },
          null,
          2,
        )}\n`,
      );
    }
  }
  await session?.close();
  for (const t of tracks) {
    const s = t.summary.toJSON();
    const { state, reason, ops, wallMs } = t.record;
    const head = t.head;
    if (state === 'crashed' || state === 'failed') {
      out(`${head}: ${state.toUpperCase()}: ${reason ?? 'no reason given'}; ${t.summary.samples} samples kept, up to op ${ops.toLocaleString('en')}`);
      continue;
    }
    out(
      `${head}: ${ops.toLocaleString('en')} ops in ${(wallMs / 1000).toFixed(2)} s${state === 'stopped' ? (reason !== null ? ` (${reason.startsWith('stopped') ? '' : 'stopped: '}${reason})` : ' (stopped)') : ''}; ` +
        // In the progress line's units (MiB…, ops/s), exact figures in run.json.
        `arenas peak ${s['arenas']!.peak}, final ${s['arenas']!.final}; retained ${formatBytes(s['arena_bytes']!.final)} (peak ${formatBytes(s['arena_bytes']!.peak)}); requested ${formatBytes(s['requested_bytes']!.final)}`,
    );
  }
  if (command === 'compare') for (const line of deltaLines(tracks)) out(line);
  const verdicts = realVerdicts(tracks);
  for (const v of verdicts) out(verdictText(v));
  if (store && exporting && values.out) {
    const runs: ExportRun[] = tracks.map((t) => ({
      id: t.runId,
      name: t.name,
      config: t.config,
      started: t.record.started,
      status: statusOf(t.record),
      detail: t.detail,
    }));
    // Why each model run's arenas are kept at its end, in the report and the JSON (as the app's export).
    await withPins({ store, runs }, exporting.formats, (id) => tracks.find((t) => t.runId === id)?.record.ops ?? 0);
    await exportToDir(
      command,
      values.out,
      { store, runs, ...(verdicts.length > 0 ? { verdicts } : {}) },
      { ...exporting, mode: command === 'compare' ? 'compare' : 'runs' },
      out,
    );
    out(`wrote ${join(values.out, 'session.arenascope.gz')}`);
  } else if (values.out) {
    out(`wrote ${values.out}${tracks.length > 1 ? '/<version>' : ''}/samples.csv, run.json and ${join(values.out, 'session.arenascope.gz')}`);
  }
  if (tracks.some((t) => t.record.state === 'crashed')) return EXIT_CRASHED;
  if (tracks.some((t) => t.record.state === 'failed')) return 1;
  if (tracks.some((t) => t.budgetStop !== null)) return EXIT_BUDGET;
  return 0;
}

/** Opens each --real interpreter (probe and refusals) and checks the agent is built: bad input is a usage error naming it. */
async function openReals(command: string, paths: readonly string[], arenas: string | undefined): Promise<RealInterpreter[]> {
  if (paths.length === 0) return [];
  const out: RealInterpreter[] = [];
  await asUsageError(`${command}: --real`, async () => {
    locateAgent();
    for (const p of paths) {
      const real = await openRealInterpreter(p);
      arenaModeFor(real, arenas === 'aligned' || arenas === 'misaligned' ? arenas : undefined);
      if (out.some((o) => o.info.executable === real.info.executable)) throw new UsageError(`${command}: --real given twice for ${real.info.executable}`);
      out.push(real);
    }
  });
  return out;
}

/** Each real run against the model run of its version (when there is one). */
function realVerdicts(tracks: readonly RunTrack[]): SampleVerdict[] {
  const verdicts: SampleVerdict[] = [];
  for (const t of tracks) {
    if (!t.real || !t.samplesByOp) continue;
    const model = tracks.find((m) => !m.real && m.version === t.version && m.samplesByOp);
    if (!model) continue;
    verdicts.push(
      sampleVerdict({ name: model.name, samples: model.samplesByOp! }, { name: t.name, samples: t.samplesByOp, hooked: t.real.info.versionInfo[0] === 3 }),
    );
  }
  return verdicts;
}

/** `compare`'s table on stdout: per series, each run's peak and final with its difference from the first run. */
function deltaLines(tracks: readonly RunTrack[]): string[] {
  const base = tracks[0]!.summary.toJSON();
  const lines = [`differences from ${tracks[0]!.name}:`];
  for (const s of SERIES) {
    if (s.key === 'op' || s.key === 'wall_ms') continue;
    const cells = tracks.map((t, i) => {
      const f = t.summary.toJSON()[s.key]!;
      const d = (v: number, b: number): string => (i === 0 ? '' : ` (${v - b >= 0 ? '+' : ''}${v - b})`);
      return `${t.name.split(' ')[0]} peak ${f.peak}${d(f.peak, base[s.key]!.peak)} final ${f.final}${d(f.final, base[s.key]!.final)}`;
    });
    lines.push(`  ${s.key} (${s.unit}): ${cells.join('; ')}`);
  }
  return lines;
}
