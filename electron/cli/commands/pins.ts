/**
 * `pins --workload NAME --python VERSION [--set key=value]... [--seed N] [--at OP] [--arenas aligned|misaligned]
 *  [--top N] [--threshold PCT] [--json]`: runs a workload (or `trace-replay` with `--set path=FILE`) against the engine up
 * to operation OP (default: its end; an endless workload: its default budget) and prints why its arenas
 * are kept: the summary, the pinned arenas (top N, 20 by default) and the origins of the blocks that
 * pin them (shared/pins, docs/pins.md). `--threshold PCT` (default 10) is how full an arena may be and
 * still count as pinned. `--json` prints the whole report as one JSON document.
 *
 * `pins SESSION_FILE [--run RUN_ID] [--at OP] …`: the same for a run saved in a session file, replayed
 * from its config (workload, seed, parameters, or its trace) to OP (default: the last operation the
 * session recorded for it). `--run` is required when the session holds several runs.
 */
import { resolve } from 'node:path';
import { createAllocator } from '../../../shared/engine';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { resolveRun, type ResolvedRun } from '../../../shared/run/resolve-run';
import { analyzePins, DEFAULT_PIN_THRESHOLD, driveTo, formatPins, PinReplay, type PinReport } from '../../../shared/pins';
import { readTrace } from '../../node/trace-file';
import { SERIES_INDEX } from '../../../shared/run/sample';
import { openSession } from '../../host/session/file';
import { parse, positiveIntOption } from '../options';
import { UsageError, asUsageError } from '../usage-error';

export const pinsUsage =
  'pins (--workload NAME --python VERSION [--set key=value]... [--seed N] [--arenas aligned|misaligned] | SESSION_FILE [--run RUN_ID]) [--at OP] [--top N] [--threshold PCT] [--json]';

/** The run of a session file `pins` analyses, its config, and the last operation the session recorded for it. */
async function sessionRun(file: string, runId: string | undefined): Promise<{ config: RunConfig; id: string; lastOp: number }> {
  const { session } = await asUsageError('pins', () => openSession(file));
  const ids = session.runs.map((r) => r.id);
  if (ids.length === 0) throw new UsageError(`pins: ${file} holds no run`);
  if (runId === undefined && ids.length > 1) throw new UsageError(`pins: ${file} holds ${ids.length} runs; choose one with --run (${ids.join(', ')})`);
  const run = runId === undefined ? session.runs[0]! : session.runs.find((r) => r.id === runId);
  if (run === undefined) throw new UsageError(`pins: ${file} has no run '${runId}' (its runs: ${ids.join(', ')})`);
  const ops = session.store.read(run.id)[SERIES_INDEX.op];
  const lastSample = ops && ops.length > 0 ? ops[ops.length - 1]! : 0;
  return { config: run.config, id: run.id, lastOp: Math.max(lastSample, run.status?.ops ?? 0) };
}

export async function pinsCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse('pins', argv, {
    options: {
      workload: { type: 'string' },
      python: { type: 'string' },
      set: { type: 'string', multiple: true },
      seed: { type: 'string' },
      run: { type: 'string' },
      at: { type: 'string' },
      arenas: { type: 'string' },
      top: { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  const at = values.at === undefined ? undefined : positiveIntOption('pins', 'at', values.at, 1, Number.MAX_SAFE_INTEGER);
  if (positionals.length > 1) throw new UsageError(`pins: one session file at most, not ${positionals.length} (${positionals.join(' ')})`);
  const file = positionals[0];
  if (file !== undefined && (values.workload !== undefined || values.python !== undefined || values.set !== undefined || values.seed !== undefined))
    throw new UsageError('pins: give either a session file or --workload/--python/--set/--seed, not both');
  if (file === undefined && values.run !== undefined) throw new UsageError('pins: --run RUN_ID goes with a session file');
  if (file !== undefined) {
    const saved = await sessionRun(file, values.run);
    if (at !== undefined && at > saved.lastOp) throw new UsageError(`pins: --at ${at} is beyond run '${saved.id}', which ends at operation ${saved.lastOp}`);
    const { ops: _ops, ...rest } = saved.config;
    return analyze({ ...rest, sampleEvery: 1, ops: at ?? saved.lastOp }, at ?? saved.lastOp, values, `run '${saved.id}' of ${file}: `, out);
  }
  if (values.workload === undefined) throw new UsageError('pins: --workload NAME is required (see `npm run cli -- workloads`)');
  if (values.python === undefined) throw new UsageError('pins: --python VERSION is required (e.g. --python 3.11)');
  if (values.arenas !== undefined && values.arenas !== 'aligned' && values.arenas !== 'misaligned') {
    throw new UsageError(`pins: --arenas must be 'aligned' or 'misaligned', not '${values.arenas}'`);
  }
  const params: Record<string, string> = {};
  for (const kv of values.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`pins: --set takes key=value, not '${kv}'`);
    params[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  if (values.workload === 'trace-replay' && params['path']) params['path'] = resolve(params['path']);
  const config: RunConfig = {
    workload: values.workload,
    params,
    seed: values.seed ?? '1',
    python: values.python,
    ...(values.arenas ? { arenas: values.arenas as 'aligned' | 'misaligned' } : {}),
    ...(at !== undefined ? { ops: at } : {}),
    sampleEvery: 1,
  };
  return analyze(config, at, values, '', out);
}

/**
 * Replays a model run's config to `at` (default: its budget) with births, and analyses its pins: what
 * `pins` prints and what the command line's exports (`export`, `run --out`) put in the HTML report and
 * the JSON, as the app's exports do.
 */
export async function replayPins(
  command: string,
  config: RunConfig,
  at: number | undefined,
  threshold = DEFAULT_PIN_THRESHOLD,
): Promise<{ run: ResolvedRun; report: PinReport }> {
  const run = asUsageError(command, () => resolveRun(config));
  const replay = new PinReplay(createAllocator(run.version, { arenas: run.arenas }));
  const stopAt = at ?? run.opsBudget;
  if (run.tracePath !== null) {
    await readTrace(run.tracePath, (batch) => {
      if (replay.alloc.ops < stopAt) replay.apply(batch, 0, batch.length, stopAt);
    });
  } else {
    driveTo(run.generator, replay, stopAt);
  }
  return { run, report: analyzePins(replay.alloc, { births: replay, threshold, workload: run.workload }) };
}

/** Replays `config` to `at` (default: its budget) and prints the pins report. */
async function analyze(
  config: RunConfig,
  at: number | undefined,
  values: { top?: string; threshold?: string; json?: boolean },
  title: string,
  out: (line: string) => void,
): Promise<number> {
  const top = positiveIntOption('pins', 'top', values.top, 20, 100_000);
  let threshold = DEFAULT_PIN_THRESHOLD;
  if (values.threshold !== undefined) {
    const pct = Number(values.threshold);
    if (values.threshold.trim() === '' || !(pct > 0 && pct <= 100))
      throw new UsageError(`pins: --threshold must be a percentage above 0 and at most 100, not '${values.threshold}'`);
    threshold = pct / 100;
  }
  const { run, report } = await replayPins('pins', config, at, threshold);
  if (values.json) {
    out(JSON.stringify({ workload: run.workload.name, python: run.version.version, seed: run.seed.toString(), params: run.params, ...report }, null, 2));
  } else {
    out(`${title}${run.workload.name} on ${run.version.version} (${run.arenas} arenas), seed ${run.seed}`);
    for (const line of formatPins(report, top)) out(line);
  }
  return 0;
}
