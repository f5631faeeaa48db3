/**
 * One operation stream, walked once per consumer (the model, a real interpreter): a workload's
 * generator up to an operation budget, or a trace file. Checkpoints are the stream's own marks (a
 * trace's `c` lines and its implicit `end`, a workload's phases), one every `every` applied
 * operations (the sampling cadence, so a model run and a real run share an x axis), and, for a
 * workload, a last one labelled `end`. Each consumer sees exactly the same checkpoints.
 */
import { OP_MARK, OpBatch, type OpColumns } from '../../../shared/ops/op-batch';
import { resolveRun } from '../../../shared/run/resolve-run';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { readTraceBatches } from '../trace-file';

export type StreamSource = { kind: 'workload'; config: RunConfig; ops: number } | { kind: 'trace'; path: string };

export interface StreamConsumer {
  /** Operations [from, to) of `cols`; each mark among them is a checkpoint (label already in `labels`). */
  ops(cols: OpColumns, from: number, to: number): void | Promise<void>;
  /** A checkpoint between two operations (cadence, or the workload's end). */
  checkpoint(): void | Promise<void>;
}

export const CADENCE_LABEL = 'sample';

/**
 * Walks the stream into `consumer`; `labels` receives each checkpoint's label in order, before
 * the consumer is asked to make it. Returns the number of applied (a/f/r) operations.
 */
export async function walkStream(
  source: StreamSource,
  every: number,
  consumer: StreamConsumer,
  labels: (string | null)[],
  /** Asked between batches: true ends the stream there (a stopped run, a duration budget). */
  stop: () => boolean = () => false,
): Promise<number> {
  let applied = 0;
  let nextCadence = every;
  const feed = async (cols: OpColumns, markLabel: (i: number, k: number) => string | null, limit: number): Promise<boolean> => {
    let from = 0;
    let marks = 0;
    for (let i = 0; i < cols.length; i++) {
      if (cols.kind[i] === OP_MARK) {
        labels.push(markLabel(i, marks++));
        continue;
      }
      if (applied >= limit) {
        if (i > from) await consumer.ops(cols, from, i);
        return false;
      }
      applied++;
      if (applied === nextCadence) {
        await consumer.ops(cols, from, i + 1);
        from = i + 1;
        nextCadence += every;
        labels.push(CADENCE_LABEL);
        await consumer.checkpoint();
      }
    }
    if (cols.length > from) await consumer.ops(cols, from, cols.length);
    return true;
  };

  if (source.kind === 'trace') {
    for await (const step of readTraceBatches(source.path)) {
      const cps = step.checkpoints;
      await feed(step.batch, (_i, k) => cps[k]!.label, Infinity);
      if (stop()) {
        labels.push('end');
        await consumer.checkpoint();
        break;
      }
    }
    return applied;
  }
  const run = resolveRun(source.config);
  const gen = run.generator;
  const batch = new OpBatch(4096);
  for (;;) {
    batch.clear();
    gen.fill(batch);
    if (batch.length === 0) break;
    const more = await feed(batch, (i) => batch.labels[batch.size[i]!] ?? null, source.ops);
    if (!more || applied >= source.ops || gen.done || stop()) break;
  }
  labels.push('end');
  await consumer.checkpoint();
  return applied;
}
