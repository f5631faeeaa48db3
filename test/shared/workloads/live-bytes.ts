/**
 * Test helper: run a generator for a number of operations (marks not counted) while keeping the
 * requested bytes of its live objects, the quantity a bounded live set keeps bounded.
 */
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import type { Generator } from '../../../shared/workloads/workload';

export class LiveBytes {
  private sizes = new Float64Array(1 << 16);
  private readonly batch: OpBatch;
  /** Operations applied so far (ALLOC, FREE, REALLOC; marks are not operations). */
  ops = 0;
  /** Requested bytes of the live objects. */
  bytes = 0;
  /** Live objects. */
  live = 0;
  /** ALLOCs so far. */
  allocs = 0;
  /** Largest `bytes` since the last mark (or the start). */
  peak = 0;
  /** Called at each mark with its label and the peak of `bytes` since the previous mark. */
  onMark?: (label: string, peak: number) => void;

  constructor(
    private readonly gen: Generator,
    batchSize = 8192,
  ) {
    this.batch = new OpBatch(batchSize);
  }

  /** Runs until `ops` reaches `target` (or a little past it: whole batches) or the workload ends. */
  runTo(target: number): this {
    const b = this.batch;
    while (this.ops < target && !this.gen.done) {
      b.clear();
      this.gen.fill(b);
      for (let i = 0; i < b.length; i++) {
        const kind = b.kind[i]!;
        if (kind === OP_MARK) {
          this.onMark?.(b.labels[b.size[i]!] ?? '', this.peak);
          this.peak = this.bytes;
          continue;
        }
        const slot = b.slot[i]!;
        if (slot >= this.sizes.length) {
          const grown = new Float64Array(Math.max(this.sizes.length * 2, slot + 1));
          grown.set(this.sizes);
          this.sizes = grown;
        }
        this.ops++;
        if (kind === OP_ALLOC) {
          this.sizes[slot] = b.size[i]!;
          this.bytes += b.size[i]!;
          this.live++;
          this.allocs++;
        } else if (kind === OP_FREE) {
          this.bytes -= this.sizes[slot]!;
          this.sizes[slot] = 0;
          this.live--;
        } else if (kind === OP_REALLOC) {
          this.bytes += b.size[i]! - this.sizes[slot]!;
          this.sizes[slot] = b.size[i]!;
        }
        if (this.bytes > this.peak) this.peak = this.bytes;
      }
    }
    return this;
  }
}
