/**
 * `record [--python EXE] [--model VERSION]... [--live | --deferred] [--out DIR] [--checkpoint-every N]
 *  [--max-ops N] [--domains obj|mem|both] [--sample-every N] [--origins [--frames N] [--format sites|v1]] -- script.py [args...] | -- -m module [args...]`
 *
 * Runs a Python program with the recording agent in its interpreter (docs/recording.md). The
 * program's stdin, stdout and stderr are its own; Ctrl-C reaches it; this command exits with its
 * exit status (128 + the signal number when a signal ended it). Output in DIR (default
 * ./arenascope-record): trace.pymtrace.gz (pymtrace v1), session.arenascope.gz (one run per model,
 * each a trace-replay of that trace), real-process.csv (the process's real arena count and RSS by
 * op) and record.json; a summary on stderr (stdout is the program's). Models run as the records arrive; `--live` shows them
 * on stderr as they go, beside the real process, with how far behind they are. `--deferred`
 * only stores the records while the program runs and makes the trace, models and figures once it
 * has exited, so that on a machine with few cores the host takes no CPU from the program
 * (docs/recording.md, overhead). `--origins` tags each allocation with the Python source line that
 * made it (`--frames N`: the N innermost frames, default 1), carried in the trace as the sites
 * extension, so that `pins` groups pinning blocks by file:line (docs/pins.md); `--format v1` leaves
 * the site lines out (a plain v1 trace).
 *
 * Exit status 2: refused (interpreter, script, module, PYTHONMALLOC or option named in the message).
 */
import { mkdirSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, resolve } from 'node:path';
import { ENGINE_VERSION } from '../../../shared/engine';
import { DEFAULT_SAMPLE_EVERY, type RunConfig } from '../../../shared/protocol/run-config';
import { AtomicTextWriter, writeFileAtomic } from '../../node/atomic-file';
import { SessionWriter } from '../../host/session/file';
import { ProgramRun, prepareProgram, type ProgramRunResult } from '../../node/record/program-run';
import { MAX_FRAMES, type RecordTarget } from '../../node/record/refusals';
import { parse, positiveIntOption } from '../options';
import { UsageError, asUsageError } from '../usage-error';
import { errorMessage } from '../../../shared/errors';

export const recordUsage =
  'record [--python EXE] [--model VERSION]... [--live | --deferred] [--out DIR] [--checkpoint-every N] [--max-ops N] [--domains obj|mem|both] [--sample-every N] [--origins [--frames N] [--format sites|v1]] -- script.py [args...] | -- -m package.module [args...]';

const OPTIONS = {
  python: { type: 'string' },
  model: { type: 'string', multiple: true },
  live: { type: 'boolean' },
  deferred: { type: 'boolean' },
  out: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'max-ops': { type: 'string' },
  domains: { type: 'string' },
  'sample-every': { type: 'string' },
  origins: { type: 'boolean' },
  frames: { type: 'string' },
  format: { type: 'string' },
} as const;

/** Splits `[options] -- target...` (the target's own options are never ours). */
function splitArgv(argv: string[]): { ours: string[]; target: string[] } {
  const dash = argv.indexOf('--');
  if (dash < 0) return { ours: argv, target: [] };
  return { ours: argv.slice(0, dash), target: argv.slice(dash + 1) };
}

export function parseTarget(target: string[]): { target: RecordTarget; args: string[] } {
  if (target.length === 0) throw new UsageError('record: name the program after --: `-- script.py [args...]` or `-- -m package.module [args...]`');
  if (target[0] === '-m') {
    if (target.length < 2) throw new UsageError('record: -m needs a module name');
    return { target: { kind: 'module', name: target[1]! }, args: target.slice(2) };
  }
  return { target: { kind: 'script', path: target[0]! }, args: target.slice(1) };
}

export async function recordCommand(argv: string[], _out: (line: string) => void): Promise<number> {
  const { ours, target: targetArgv } = splitArgv(argv);
  const { values, positionals } = parse('record', ours, { options: OPTIONS, allowPositionals: true });
  // Without `--`, a lone script name is accepted too (`record prog.py`), never options after it.
  const { target, args } = parseTarget(targetArgv.length > 0 ? targetArgv : positionals);
  if (targetArgv.length > 0 && positionals.length > 0) throw new UsageError(`record: unexpected ${positionals.join(' ')} before --`);
  const domains = values.domains ?? 'obj';
  if (domains !== 'obj' && domains !== 'mem' && domains !== 'both') throw new UsageError(`record: --domains must be obj, mem or both, not '${domains}'`);
  const checkpointEvery =
    values['checkpoint-every'] === undefined ? 0 : positiveIntOption('record', 'checkpoint-every', values['checkpoint-every'], 0, Number.MAX_SAFE_INTEGER);
  const maxOps = values['max-ops'] === undefined ? 0 : positiveIntOption('record', 'max-ops', values['max-ops'], 0, Number.MAX_SAFE_INTEGER);
  const sampleEvery = positiveIntOption('record', 'sample-every', values['sample-every'], DEFAULT_SAMPLE_EVERY);
  // `npm run cli` starts us in the package's folder; the program runs where the user typed the command.
  const cwd = (process.env['npm_lifecycle_event'] === 'cli' && process.env['INIT_CWD']) || process.cwd();
  const outDir = resolve(cwd, values.out ?? 'arenascope-record');
  const tracePath = join(outDir, 'trace.pymtrace.gz');
  const live = values.live === true;
  const deferred = values.deferred === true;
  if (live && deferred) throw new UsageError('record: --live shows the models while the program runs, --deferred runs them after it: choose one');
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  if (values.frames !== undefined && values.origins !== true)
    throw new UsageError('record: --frames N goes with --origins (how many Python frames each origin holds)');
  const frames = values.frames === undefined ? 1 : positiveIntOption('record', 'frames', values.frames, 1, MAX_FRAMES);
  const format = values.format ?? 'sites';
  if (format !== 'sites' && format !== 'v1') throw new UsageError(`record: --format must be sites or v1, not '${format}'`);
  if (values.format !== undefined && values.origins !== true)
    throw new UsageError('record: --format chooses how --origins writes its sites into the trace (sites, or v1 to leave them out): it goes with --origins');

  const prepared = await asUsageError('record', () =>
    prepareProgram({
      python: values.python ?? 'python3',
      target,
      args,
      cwd,
      env: { ...process.env },
      models: values.model ?? [],
      domains,
      checkpointEvery,
      maxOps,
      sampleEvery,
      stdio: 'inherit',
      tracePath,
      deferred,
      ...(values.origins === true ? { origins: { frames }, format } : {}),
    }),
  );
  const { interpreter, versions } = prepared;
  const what = target.kind === 'script' ? target.path : `-m ${target.name}`;

  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new UsageError(`record: --out ${outDir}: ${errorMessage(error)}`);
  }
  // The session: one trace-replay run per model, filled live; replayable later from the trace.
  const session = await SessionWriter.open(join(outDir, 'session.arenascope.gz'), { overwrite: true }).catch((error: Error) => {
    throw new UsageError(`record: --out ${outDir}: ${error.message}`);
  });
  const runIds = versions.map((_, i) => `run-${i + 1}`);
  versions.forEach((v, i) => {
    const config: RunConfig = { workload: 'trace-replay', params: { path: tracePath }, seed: '1', python: v.version, sampleEvery };
    session.addRun(runIds[i]!, config, { name: `${what} (recorded on ${interpreter.version}) as ${v.version}`, createdAt: new Date().toISOString() });
    session.setStarted(runIds[i]!, {
      engineVersion: ENGINE_VERSION,
      workloadVersion: 1,
      python: { version: v.version, family: v.preset.family, arenas: v.preset.defaultArenas },
      params: { path: tracePath },
    });
  });
  const realCsv = new AtomicTextWriter(join(outDir, 'real-process.csv'));
  realCsv.write('op,wall_ms,real_arenas,rss_bytes\n');

  const run = new ProgramRun(prepared, {
    samples: (i, columns) => session.appendSamples(runIds[i]!, columns),
    real: (rows) => {
      for (const r of rows) realCsv.write(`${r.op},${r.wallMs.toFixed(1)},${r.arenas ?? ''},${r.rssBytes ?? ''}\n`);
    },
    fork: (op) => err(`record: the program forked at op ${op}; subprocesses are not traced`),
  });

  // Ctrl-C on a terminal reaches the program directly (same process group); otherwise pass it on.
  const onSigint = (): void => {
    if (!process.stdin.isTTY) run.recording.child.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  const tty = live && process.stderr.isTTY === true;
  const liveLine = (): string => {
    const parts = run.models.map((m) => `${m.version.version}: ${m.alloc.narenasCurrent} arenas`);
    return `live: ${run.stream.ops.toLocaleString('en')} ops, real ${run.stream.realArenas ?? '?'} arenas | ${parts.join(' | ')} | behind ${run.lag.toLocaleString('en')} ops`;
  };
  const ticker = live ? setInterval(() => (tty ? process.stderr.write(`\r\x1b[K${liveLine()}`) : err(liveLine())), tty ? 250 : 1000) : null;
  let result: ProgramRunResult;
  try {
    result = await run.finish();
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (ticker) clearInterval(ticker);
    if (tty) process.stderr.write('\n');
  }

  const status = exitStatus(result);
  const reason = result.end.signal ? `killed by ${result.end.signal}` : result.end.code !== 0 ? `exited with status ${result.end.code}` : undefined;
  runIds.forEach((id, i) => {
    const m = result.models[i]!;
    session.setStatus(id, {
      state: result.end.code === 0 ? 'done' : 'stopped',
      ops: m.alloc.ops,
      wallMs: result.wallMs,
      ...(reason ? { reason: `the program ${reason}` } : {}),
    });
  });
  await session.close();
  realCsv.commit();
  if (result.end.refused) return 2;

  const s = result.summary;
  const report = {
    interpreter: { path: interpreter.path, version: interpreter.version, implementation: interpreter.implementation },
    program: what,
    args,
    exit: { code: result.end.code, signal: result.end.signal },
    ops: result.ops,
    wallMs: Math.round(result.wallMs),
    agent: s,
    complete: s !== null,
    real: { arenasStart: s?.arenas_start ?? null, arenasPeak: result.realArenasPeak, arenasFinal: result.realArenasFinal, rssPeakBytes: result.rssPeak },
    live: {
      deferred,
      allocRate: Math.round(result.allocRate),
      lagAtExitOps: result.lagAtExit,
      maxLagOps: result.maxLag,
      spilledBytes: result.spilledBytes,
      models: result.models.map((m) => ({ version: m.version.version, replayRate: Math.round(m.rate) })),
    },
    forks: result.forks,
    models: result.models.map((m) => {
      const sum = m.summary.toJSON();
      return {
        version: m.version.version,
        family: m.version.preset.family,
        arenasPeak: m.alloc.narenasHighwater,
        arenasFinal: m.alloc.narenasCurrent,
        retainedFinalBytes: sum['arena_bytes']!.final,
      };
    }),
  };
  writeFileAtomic(join(outDir, 'record.json'), `${JSON.stringify(report, null, 2)}\n`);

  const peak = s?.peak_live_bytes;
  err(
    `record: ${what} on ${interpreter.implementation} ${interpreter.version}: ${result.ops.toLocaleString('en')} ops in ${(result.wallMs / 1000).toFixed(2)} s` +
      `${peak !== undefined ? `, peak live ${peak.toLocaleString('en')} bytes` : ''}; ${reason ? `the program ${reason}` : 'exit status 0'}`,
  );
  for (const m of report.models) err(`  model ${m.version} (${m.family}): arenas at peak ${m.arenasPeak}, at exit ${m.arenasFinal}`);
  err(
    `  real process: arenas ${report.real.arenasStart ?? '?'} at the start of recording, ${report.real.arenasPeak} at peak, ${report.real.arenasFinal ?? '?'} at exit; RSS peak ${result.rssPeak.toLocaleString('en')} bytes`,
  );
  err(
    `  live: program ${report.live.allocRate.toLocaleString('en')} ops/s; models ${report.live.models.map((m) => `${m.version} ${m.replayRate.toLocaleString('en')} ops/s`).join(', ')}; ` +
      `${deferred ? 'run after it exited (--deferred): they were' : 'they were'} behind by ${result.lagAtExit.toLocaleString('en')} ops when it exited${result.spilledBytes > 0 ? ` (${result.spilledBytes.toLocaleString('en')} bytes went through the spill file)` : ''}`,
  );
  if (s) {
    err(
      `  not in the trace: ${s.skipped_unknown_frees} frees of blocks born before the hook (skipped), ${s.unknown_reallocs_logged_as_alloc} reallocs of such blocks (written as allocations); ` +
        `${s.final_live_blocks.toLocaleString('en')} blocks (${s.final_live_bytes.toLocaleString('en')} bytes) still alive at exit`,
    );
    if (s.truncated) err(`  recording stopped early: ${s.truncated_reason}; the trace is a consistent prefix`);
    if (s.origins)
      err(
        `  origins: ${(s.sites ?? 0).toLocaleString('en')} sites (${result.sitesNamed.toLocaleString('en')} named in the trace); ` +
          `${(s.allocs_without_frame ?? 0).toLocaleString('en')} allocations with no Python frame${s.allocs_site_table_full ? `, ${s.allocs_site_table_full.toLocaleString('en')} past a full site table` : ''}`,
      );
  } else {
    err(`  the program ended before the agent could finish: everything received up to then is kept (${result.ops.toLocaleString('en')} ops)`);
  }
  if (result.forks > 0) err(`  the program forked ${result.forks} time(s): subprocesses are not traced`);
  err(`record: wrote ${tracePath}, ${join(outDir, 'session.arenascope.gz')}, real-process.csv and record.json`);
  return status;
}

/** The program's exit status as a shell reports it: its code, or 128 + the signal's number. */
function exitStatus(result: ProgramRunResult): number {
  if (result.end.signal) return 128 + (osConstants.signals[result.end.signal] ?? 0);
  return result.end.code ?? 1;
}
