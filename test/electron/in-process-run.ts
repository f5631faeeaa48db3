// The reference a worker's results are checked against: the same configuration run in this
// process, to the end, through the same resolution and run loop (the engine is deterministic).
import { createAllocator } from '../../shared/engine';
import type { RunConfig } from '../../shared/protocol/run-config';
import type { BatchFeed } from '../../shared/run/batch-feed';
import { resolveRun } from '../../shared/run/resolve-run';
import { RunLoop } from '../../shared/run/run-loop';
import { SERIES_COUNT, SERIES_INDEX } from '../../shared/run/sample';
import { readTraceBatches } from '../../electron/node/trace-file';

export interface InProcessResult {
  /** The final sample row (wall_ms is meaningless for comparison). */
  final: number[];
  ops: number;
  peakArenas: number;
  phases: { op: number; label: string }[];
}

export async function runInProcess(config: RunConfig): Promise<InProcessResult> {
  const run = resolveRun(config);
  const alloc = createAllocator(run.version, { arenas: run.arenas });
  let peakArenas = 0;
  const phases: { op: number; label: string }[] = [];
  const loop = new RunLoop(run.generator, alloc, {
    sampleEvery: 1,
    clock: () => 0,
    onSample: () => {
      peakArenas = Math.max(peakArenas, alloc.narenasCurrent);
    },
    onMark: (m) => phases.push(m),
  });
  const budget = run.opsBudget;
  const drive = (): void => {
    while (!loop.done && loop.ops < budget) {
      if (loop.run(Math.min(1 << 20, budget - loop.ops)) === 0) break;
    }
  };
  if (run.tracePath !== null) {
    const feed = run.generator as BatchFeed;
    for await (const step of readTraceBatches(run.tracePath)) {
      feed.offer(step.batch);
      drive();
    }
    feed.end();
  }
  drive();
  return { final: [...loop.sampleNow()], ops: loop.ops, peakArenas, phases };
}

/**
 * A row's values without its wall-clock column, for comparing runs. The envelope is left out too:
 * it covers the window since the previous sample, which depends on where the run sampled.
 */
export function withoutWallTime(row: readonly number[]): number[] {
  return row.slice(0, SERIES_COUNT).filter((_, i) => i !== SERIES_INDEX['wall_ms']);
}
