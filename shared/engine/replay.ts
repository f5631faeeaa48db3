/**
 * The replay loop: applies a columnar op batch to an allocator. Handles live in a table indexed
 * by the producer's dense slot numbers (shared/ops/op-batch.ts), so no map lookup is needed and
 * memory follows the live set.
 */
import type { OpColumns } from '../ops/op-batch';
import type { Allocator } from './allocator';

export class HandleTable {
  handles: Int32Array;

  constructor(capacity = 1024) {
    this.handles = new Int32Array(Math.max(16, capacity));
  }

  ensure(slot: number): void {
    if (slot < this.handles.length) return;
    let n = this.handles.length * 2;
    while (n <= slot) n *= 2;
    const next = new Int32Array(n);
    next.set(this.handles);
    this.handles = next;
  }
}

/**
 * Apply ops `[from, to)` of a batch, passing over marks. Returns the number of allocator
 * operations applied.
 */
export function applyBatch(alloc: Allocator, table: HandleTable, batch: OpColumns, from = 0, to = batch.length): number {
  const before = alloc.ops;
  let i = from;
  while (i < to) i = alloc.applyOps(batch.kind, batch.slot, batch.size, i, to, table) + 1;
  return alloc.ops - before;
}
