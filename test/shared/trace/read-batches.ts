import { OpBatch } from '../../../shared/ops/op-batch';
import { TraceReader } from '../../../shared/trace';

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Reads `text` whole into batches of `capacity`, as a replay would receive them; the reader stays readable (its sites, its checkpoints). */
export function readBatches(text: string, capacity: number, file = 'in'): { reader: TraceReader; batches: OpBatch[] } {
  const reader = new TraceReader({ file });
  const batches: OpBatch[] = [];
  let batch = new OpBatch(capacity);
  reader.push(bytes(text));
  reader.end();
  while (reader.fill(batch)) {
    batches.push(batch);
    batch = new OpBatch(capacity);
  }
  if (batch.length > 0) batches.push(batch);
  return { reader, batches };
}
