/**
 * `pins --workload NAME --python VERSION [--set key=value]... [--seed N] [--at OP] [--arenas aligned|misaligned]
 *  [--top N] [--threshold PCT] [--json]`: runs a workload (or `trace-replay` with `--set path=FILE`) against the engine up
 * to operation OP (default: its end; an endless workload: its default budget) and prints why its arenas
 * are kept: the summary, the pinned arenas (top N, 20 by default) and the origins of the blocks that
 * pin them (shared/pins, docs/pins.md). `--threshold PCT` (default 10) is how full an arena may be and
 * still count as pinned. `--json` prints the whole report as one JSON document.
 */
import { resolve } from 'node:path';
import { createAllocator } from '../../../shared/engine';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { resolveRun } from '../../../shared/run/resolve-run';
import { analyzePins, DEFAULT_PIN_THRESHOLD, driveTo, formatPins, PinReplay, type PinReport } from '../../../shared/pins';
import { readTraceBatches } from '../../node/trace-file';
import type { SiteTable, TraceReader } from '../../../shared/trace';
import { parse, positiveIntOption } from '../options';
import { UsageError, asUsageError } from '../usage-error';

export const pinsUsage =
  'pins --workload NAME --python VERSION [--set key=value]... [--seed N] [--at OP] [--arenas aligned|misaligned] [--top N] [--threshold PCT] [--json]';

export async function pinsCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('pins', argv, {
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
    },
    allowPositionals: false,
  });
  if (values.workload === undefined) throw new UsageError('pins: --workload NAME is required (see `npm run cli -- workloads`)');
  if (values.python === undefined) throw new UsageError('pins: --python VERSION is required (e.g. --python 3.11)');
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
  const run = asUsageError('pins', () => resolveRun(config));
  const replay = new PinReplay(createAllocator(run.version, { arenas: run.arenas }));
  const stopAt = at ?? run.opsBudget;
  let sites: SiteTable | undefined;
  if (run.tracePath !== null) {
    // Read to the end even past --at: a recorded program's sites are named in its last lines.
    let reader: TraceReader | null = null;
    for await (const step of readTraceBatches(run.tracePath)) {
      reader = step.reader;
      if (replay.alloc.ops < stopAt) replay.apply(step.batch, 0, step.batch.length, stopAt);
    }
    sites = reader?.sites;
  } else {
    driveTo(run.generator, replay, stopAt);
  }
  const report: PinReport = analyzePins(replay.alloc, { births: replay, threshold, workload: run.workload, ...(sites ? { sites } : {}) });
  if (values.json) {
    out(JSON.stringify({ workload: run.workload.name, python: run.version.version, seed: run.seed.toString(), params: run.params, ...report }, null, 2));
  } else {
    out(`${run.workload.name} on ${run.version.version} (${run.arenas} arenas), seed ${run.seed}`);
    for (const line of formatPins(report, top)) out(line);
  }
  return 0;
}
