/**
 * A generator fed with batches from outside (a trace file read asynchronously by the host): the
 * run loop pulls from it like from any workload; when it has nothing left, the loop returns and the
 * host offers the next batch.
 */
import { OP_MARK, type OpBatch } from '../ops/op-batch';
import type { Generator } from '../workloads/workload';

export class BatchFeed implements Generator {
  private src: OpBatch | null = null;
  private cursor = 0;
  private ended = false;
  private live = 0;
  private allocs = 0;

  /** Hands over a batch; it must stay unchanged until `drained`. */
  offer(batch: OpBatch): void {
    this.src = batch;
    this.cursor = 0;
  }

  /** True when the offered batch has been copied out. */
  get drained(): boolean {
    return this.src === null || this.cursor >= this.src.length;
  }

  /** No batch follows. */
  end(): void {
    this.ended = true;
  }

  get done(): boolean {
    return this.ended && this.drained;
  }

  get liveCount(): number {
    return this.live;
  }

  get allocCount(): number {
    return this.allocs;
  }

  /** A trace has no step structure to stop at: finishing simply ends the feed. */
  finish(): void {
    this.ended = true;
    this.src = null;
  }

  fill(batch: OpBatch): void {
    const src = this.src;
    if (src === null) return;
    while (this.cursor < src.length && !batch.full) {
      const i = this.cursor++;
      const k = src.kind[i]!;
      if (k === OP_MARK) {
        // A trace checkpoint without a label is written as an empty phase name.
        batch.mark(src.labels[src.size[i]!] ?? '');
        continue;
      }
      const j = batch.length++;
      batch.kind[j] = k;
      batch.slot[j] = src.slot[i]!;
      batch.size[j] = src.size[i]!;
      batch.id[j] = src.id[i]!;
      if (k === 0) {
        this.live++;
        this.allocs++;
      } else if (k === 1) {
        this.live--;
      }
    }
  }
}
