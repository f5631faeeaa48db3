/**
 * `run --workload NAME --python VERSION [--set key=value]… [--seed N] [--ops N | --duration 10m]
 *  [--sample-every N] [--arenas aligned|misaligned] [--out DIR]`
 *
 * Runs a workload (or `trace-replay` with `--set path=FILE`) against the engine, with a live
 * progress line on a terminal; with `--out`, writes `samples.csv` (one row per sample, the columns
 * of shared/run/sample.ts) and `run.json` (versions, seed, parameters, phases, peak and final of
 * every series).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createAllocator, ENGINE_VERSION } from '../../../shared/engine';
import { BatchFeed } from '../../../shared/run/batch-feed';
import { RunLoop, type PhaseMark } from '../../../shared/run/run-loop';
import { SERIES } from '../../../shared/run/sample';
import { SeriesSummary } from '../../../shared/run/summary';
import { targetOf } from '../../../shared/run/target';
import { ParamError, parseSeed, resolveParams } from '../../../shared/workloads/params';
import { getWorkload, UnknownWorkloadError } from '../../../shared/workloads/registry';
import { TRACE_REPLAY } from '../../../shared/workloads/trace-replay';
import type { Generator } from '../../../shared/workloads/workload';
import { AtomicTextWriter, writeFileAtomic } from '../../host/atomic-file';
import { readTraceBatches } from '../../node/trace-file';
import { arenasOption, parse, positiveIntOption, versionOption } from '../options';
import { UsageError } from '../usage-error';

// Re-exported for callers that found it here first (benchmarks, workload curve tests).
export { targetOf };

export const runUsage =
  'run --workload NAME --python VERSION [--set key=value]... [--seed N] [--ops N | --duration 10m] [--sample-every N] [--arenas aligned|misaligned] [--out DIR]';

/** Operations of an endless workload when neither --ops nor --duration is given. */
const DEFAULT_OPS = 10_000_000;
const DEFAULT_SAMPLE_EVERY = 10_000;
/** Operations between looks at the clock (progress, --duration). */
const SLICE = 1 << 18;

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new UsageError(`run: --duration must look like 500ms, 30s, 10m or 2h, not '${text}'`);
  const ms = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  if (!(ms > 0)) throw new UsageError(`run: --duration must be positive, not '${text}'`);
  return ms;
}

function parseSets(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`run: --set takes key=value, not '${kv}'`);
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}

export async function runCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('run', argv, {
    options: {
      workload: { type: 'string' },
      python: { type: 'string' },
      set: { type: 'string', multiple: true },
      seed: { type: 'string' },
      ops: { type: 'string' },
      duration: { type: 'string' },
      'sample-every': { type: 'string' },
      arenas: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: false,
  });
  if (!values.workload) throw new UsageError('run: --workload NAME is required (see `workloads`)');
  const version = versionOption('run', values.python);
  const arenas = arenasOption('run', values.arenas) ?? version.preset.defaultArenas;
  if (values.ops !== undefined && values.duration !== undefined) throw new UsageError('run: give --ops or --duration, not both');
  const sampleEvery = positiveIntOption('run', 'sample-every', values['sample-every'], DEFAULT_SAMPLE_EVERY);
  const durationMs = values.duration === undefined ? Infinity : parseDuration(values.duration);
  const sets = parseSets(values.set);
  let seed: bigint;
  try {
    seed = parseSeed(values.seed ?? '1');
  } catch (error) {
    throw new UsageError(`run: --seed: ${(error as Error).message}`);
  }

  // The workload: a generator, or a trace file fed batch by batch.
  const isTrace = values.workload === TRACE_REPLAY.name;
  let generator: Generator;
  let params: Record<string, unknown>;
  let workloadVersion: number;
  let finite: boolean;
  if (isTrace) {
    const unknown = Object.keys(sets).filter((k) => k !== 'path');
    if (unknown.length > 0 || !sets['path']) throw new UsageError(`run: trace-replay takes exactly --set path=FILE${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
    generator = new BatchFeed();
    params = { path: sets['path'] };
    workloadVersion = TRACE_REPLAY.version;
    finite = true;
  } else {
    try {
      const def = getWorkload(values.workload);
      const resolved = resolveParams(def, sets);
      generator = def.create(resolved, seed, targetOf(version, arenas));
      params = { ...resolved };
      workloadVersion = def.version;
      finite = def.finite;
    } catch (error) {
      if (error instanceof ParamError || error instanceof UnknownWorkloadError) throw new UsageError(`run: ${error.message}`);
      throw error;
    }
  }
  const budget = values.ops !== undefined ? positiveIntOption('run', 'ops', values.ops, 0, Number.MAX_SAFE_INTEGER) : durationMs < Infinity || finite ? Infinity : DEFAULT_OPS;

  // Output files.
  let csv: AtomicTextWriter | null = null;
  if (values.out) {
    try {
      mkdirSync(values.out, { recursive: true });
    } catch (error) {
      throw new UsageError(`run: --out ${values.out}: ${(error as Error).message}`);
    }
    csv = new AtomicTextWriter(join(values.out, 'samples.csv'));
    csv.write(`${SERIES.map((s) => s.key).join(',')}\n`);
  }

  const started = performance.now();
  const clock = (): number => performance.now() - started;
  const summary = new SeriesSummary();
  const phases: PhaseMark[] = [];
  const alloc = createAllocator(version, { arenas });
  const loop = new RunLoop(generator, alloc, {
    sampleEvery,
    clock,
    onSample: (row) => {
      summary.add(row);
      if (csv) csv.write(`${Array.prototype.join.call(row, ',')}\n`);
    },
    onMark: (m) => phases.push(m),
  });

  const tty = process.stderr.isTTY === true;
  let lastProgress = 0;
  const progress = (final: boolean): void => {
    const now = clock();
    if (!tty || (!final && now - lastProgress < 250)) return;
    lastProgress = now;
    const rate = loop.ops / Math.max(now / 1000, 1e-3);
    const mib = (alloc.narenasCurrent * alloc.preset.ARENA_SIZE) / 2 ** 20;
    process.stderr.write(`\r${loop.ops.toLocaleString('en')} ops  ${Math.round(rate).toLocaleString('en')} ops/s  retained ${mib.toFixed(1)} MiB  arenas ${alloc.narenasCurrent}   ${final ? '\n' : ''}`);
  };

  try {
    const step = (): void => {
      while (loop.ops < budget && clock() < durationMs && !loop.done) {
        const before = loop.ops;
        loop.run(Math.min(SLICE, budget - loop.ops));
        progress(false);
        if (loop.ops === before) break; // starved (a trace feed waiting for its next batch) or done
      }
    };
    if (isTrace) {
      const feed = generator as BatchFeed;
      for await (const s of readTraceBatches(String(params['path']))) {
        feed.offer(s.batch);
        while (!feed.drained || loop.batch.length > 0) {
          const before = loop.ops;
          step();
          if (loop.ops >= budget || clock() >= durationMs || loop.ops === before) break;
        }
        if (loop.ops >= budget || clock() >= durationMs) break;
      }
      feed.end();
    }
    step();
    // The last state is always a sample, so `final` is the state the run ended in.
    loop.sampleNow();
    progress(true);
  } catch (error) {
    csv?.abort();
    throw error;
  }

  const wallMs = clock();
  const result = {
    arenascope: { engine: ENGINE_VERSION, samplesFormat: 1 },
    workload: { name: isTrace ? TRACE_REPLAY.name : getWorkload(values.workload).name, version: workloadVersion, params },
    seed: seed.toString(),
    python: { requested: version.requested, version: version.version, family: version.preset.family, arenas },
    budget: { ops: Number.isFinite(budget) ? budget : null, durationMs: Number.isFinite(durationMs) ? durationMs : null },
    sampleEvery,
    ops: loop.ops,
    wallMs: Math.round(wallMs),
    opsPerSecond: Math.round(loop.ops / Math.max(wallMs / 1000, 1e-3)),
    samples: summary.samples,
    phases,
    summary: summary.toJSON(),
  };
  if (values.out && csv) {
    csv.commit();
    writeFileAtomic(join(values.out, 'run.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  const s = result.summary;
  out(
    `${result.workload.name} on ${version.version} (${version.preset.family}, ${arenas} arenas): ${loop.ops.toLocaleString('en')} ops in ${(wallMs / 1000).toFixed(2)} s; ` +
      `arenas peak ${s['arenas']!.peak}, final ${s['arenas']!.final}; retained ${s['arena_bytes']!.final} bytes (peak ${s['arena_bytes']!.peak}); requested ${s['requested_bytes']!.final} bytes`,
  );
  return 0;
}
