/** Drives a workload generator through a `PinReplay` up to an operation count (or the workload's end). */
import { OpBatch } from '../ops/op-batch';
import type { Generator } from '../workloads/workload';
import type { PinReplay } from './births';

export function driveTo(generator: Generator, replay: PinReplay, stopAt = Infinity, batchSize = 1 << 14): void {
  const batch = new OpBatch(batchSize);
  while (replay.alloc.ops < stopAt && !generator.done) {
    batch.clear();
    generator.fill(batch);
    if (batch.length === 0) break;
    replay.apply(batch, 0, batch.length, stopAt);
  }
}
