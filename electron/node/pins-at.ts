/**
 * The pins analysis of a run at one operation, replayed in this process: what the command line's
 * `pins` prints and its HTML and JSON exports carry. (The app answers the same question in a scratch
 * worker, electron/worker/pins-job.ts, so that the page stays live while it replays.)
 */
import { createAllocator } from '../../shared/engine';
import { analyzePins, driveTo, PinReplay, type PinReport } from '../../shared/pins';
import type { RunConfig } from '../../shared/protocol/run-config';
import { type ResolvedRun, resolveRun } from '../../shared/run/resolve-run';
import type { SiteTable, TraceReader } from '../../shared/trace';
import { readTraceBatches } from './trace-file';

export interface PinsAt {
  run: ResolvedRun;
  report: PinReport;
}

/** Replays `config`'s stream to `op` (default: its end, or its default budget when endless) and analyses it. */
export async function pinsAt(config: RunConfig, op?: number, threshold?: number): Promise<PinsAt> {
  const run = resolveRun(op === undefined ? config : { ...config, ops: op });
  const replay = new PinReplay(createAllocator(run.version, { arenas: run.arenas }));
  const stopAt = op ?? run.opsBudget;
  let sites: SiteTable | undefined;
  if (run.tracePath !== null) {
    // Read to the end even past `op`: a recorded program's sites are named in its last lines.
    let reader: TraceReader | null = null;
    for await (const step of readTraceBatches(run.tracePath)) {
      reader = step.reader;
      if (replay.alloc.ops < stopAt) replay.apply(step.batch, 0, step.batch.length, stopAt);
    }
    sites = reader?.sites;
  } else {
    driveTo(run.generator, replay, stopAt);
  }
  const report = analyzePins(replay.alloc, {
    births: replay,
    workload: run.workload,
    ...(threshold !== undefined ? { threshold } : {}),
    ...(sites ? { sites } : {}),
  });
  return { run, report };
}
