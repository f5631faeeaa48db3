/**
 * `pins --workload NAME --python VERSION [--set key=value]... [--seed N] [--at OP] [--arenas aligned|misaligned]
 *  [--top N] [--threshold PCT] [--json]`: runs a workload (or `trace-replay` with `--set path=FILE`) against the engine up
 * to operation OP (default: its end; an endless workload: its default budget) and prints why its arenas
 * are kept: the summary, the pinned arenas (top N, 20 by default) and the origins of the blocks that
 * pin them (shared/pins, docs/pins.md). `--threshold PCT` (default 10) is how full an arena may be and
 * still count as pinned. `--json` prints the whole report as one JSON document.
 *
 * `pins SESSION_FILE [--run RUN_ID] [--at OP] ...`: the same for a run of a saved session, replayed from
 * its own config (a trace-replay run from its trace, which must still be readable) to OP, by default
 * the last operation the session recorded for it. `--run` is needed when the session holds several runs.
 */
import { resolve } from 'node:path';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES_INDEX } from '../../../shared/run/sample';
import { resolveRun } from '../../../shared/run/resolve-run';
import { DEFAULT_PIN_THRESHOLD, formatPins } from '../../../shared/pins';
import { openSession } from '../../host/session/file';
import { pinsAt } from '../../node/pins-at';
import { parse, parseSets, positiveIntOption } from '../options';
import { UsageError, asUsageError } from '../usage-error';

export const pinsUsage =
  'pins --workload NAME --python VERSION [--set key=value]... [--seed N] [--at OP] [--arenas aligned|misaligned] [--top N] [--threshold PCT] [--json]' +
  ' | pins SESSION_FILE [--run RUN_ID] [--at OP] [--top N] [--threshold PCT] [--json]';

/** Options that say which run to replay: given with a session file, they would be ignored, so they are refused. */
const WORKLOAD_OPTIONS = ['workload', 'python', 'set', 'seed', 'arenas'] as const;

/** The config of a saved session's run, and the operation it reached. */
async function sessionRun(file: string, runId: string | undefined): Promise<{ config: RunConfig; lastOp: number; label: string }> {
  const { session, warnings } = await asUsageError('pins', () => openSession(file));
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  const list = session.runs.map((r) => `${r.id} (${r.meta.name ?? `${r.config.workload} on ${r.config.python}`})`).join(', ');
  if (session.runs.length === 0) throw new UsageError(`pins: ${file} holds no run`);
  if (runId === undefined && session.runs.length > 1) throw new UsageError(`pins: ${file} holds ${session.runs.length} runs: name one with --run (${list})`);
  const run = runId === undefined ? session.runs[0]! : session.runs.find((r) => r.id === runId);
  if (!run) throw new UsageError(`pins: --run ${runId}: no such run in ${file} (its runs: ${list})`);
  if (run.config.real) {
    throw new UsageError(`pins: run ${run.id} ran on a real interpreter, whose allocator cannot be replayed here: name its model run with --run (${list})`);
  }
  const last = session.store.lastSample(run.id);
  return { config: run.config, lastOp: last ? last[SERIES_INDEX.op]! : 0, label: run.meta.name ?? run.id };
}

export async function pinsCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse('pins', argv, {
    options: {
      workload: { type: 'string' },
      python: { type: 'string' },
      set: { type: 'string', multiple: true },
      seed: { type: 'string' },
      at: { type: 'string' },
      arenas: { type: 'string' },
      top: { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean' },
      run: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 1) throw new UsageError(`pins: expected one session FILE, got ${positionals.join(' ')}`);
  const file = positionals[0];
  if (file === undefined && values.run !== undefined) throw new UsageError('pins: --run RUN_ID goes with a session FILE');
  if (file !== undefined) {
    const given = WORKLOAD_OPTIONS.filter((o) => values[o] !== undefined);
    if (given.length > 0) throw new UsageError(`pins: a session file names its run's workload and version: drop ${given.map((o) => `--${o}`).join(', ')}`);
  }
  if (file === undefined && values.workload === undefined) throw new UsageError('pins: --workload NAME is required (see `npm run cli -- workloads`)');
  if (file === undefined && values.python === undefined) throw new UsageError('pins: --python VERSION is required (e.g. --python 3.11)');
  if (values.arenas !== undefined && values.arenas !== 'aligned' && values.arenas !== 'misaligned') {
    throw new UsageError(`pins: --arenas must be 'aligned' or 'misaligned', not '${values.arenas}'`);
  }
  const at = values.at === undefined ? undefined : positiveIntOption('pins', 'at', values.at, 1, Number.MAX_SAFE_INTEGER);
  const top = positiveIntOption('pins', 'top', values.top, 20, 100_000);
  let threshold = DEFAULT_PIN_THRESHOLD;
  if (values.threshold !== undefined) {
    const pct = Number(values.threshold);
    if (values.threshold.trim() === '' || !(pct > 0 && pct <= 100))
      throw new UsageError(`pins: --threshold must be a percentage above 0 and at most 100, not '${values.threshold}'`);
    threshold = pct / 100;
  }
  let config: RunConfig;
  let heading: string | null = null;
  if (file !== undefined) {
    const saved = await sessionRun(file, values.run);
    if (at !== undefined && at > saved.lastOp) {
      throw new UsageError(`pins: --at ${at} is past the end of run ${saved.label}, which reached operation ${saved.lastOp.toLocaleString('en')}`);
    }
    config = { ...saved.config, ops: at ?? saved.lastOp, sampleEvery: 1 };
    heading = `${saved.label} from ${file}, at operation ${(at ?? saved.lastOp).toLocaleString('en')}`;
  } else {
    const params = parseSets('pins', values.set);
    if (values.workload === 'trace-replay' && params['path']) params['path'] = resolve(params['path']);
    config = {
      workload: values.workload!,
      params,
      seed: values.seed ?? '1',
      python: values.python!,
      ...(values.arenas ? { arenas: values.arenas as 'aligned' | 'misaligned' } : {}),
      ...(at !== undefined ? { ops: at } : {}),
      sampleEvery: 1,
    };
  }
  // Resolved first, so that a bad workload or parameter is the user's error (exit 2), named.
  asUsageError('pins', () => resolveRun(config));
  const { run, report } = await pinsAt(config, config.ops, threshold);
  if (values.json) {
    const from = file !== undefined ? { session: file, run: values.run ?? null } : {};
    out(
      JSON.stringify({ ...from, workload: run.workload.name, python: run.version.version, seed: run.seed.toString(), params: run.params, ...report }, null, 2),
    );
  } else {
    if (heading !== null) out(heading);
    out(`${run.workload.name} on ${run.version.version} (${run.arenas} arenas), seed ${run.seed}`);
    for (const line of formatPins(report, top)) out(line);
  }
  return 0;
}
