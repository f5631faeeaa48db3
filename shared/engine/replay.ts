/**
 * The replay loop: applies a columnar op batch to an allocator. Handles live in a table indexed
 * by the producer's dense slot numbers (shared/ops/op-batch.ts), so no map lookup is needed and
 * memory follows the live set.
 */
import { OP_ALLOC, OP_FREE, OP_REALLOC, type OpBatch } from '../ops/op-batch';
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
 * Apply ops `[from, to)` of a batch; marks are skipped (the caller reads them from the batch).
 * Returns the number of allocator operations applied.
 */
export function applyBatch(alloc: Allocator, table: HandleTable, batch: OpBatch, from = 0, to = batch.length): number {
  const kind = batch.kind;
  const slot = batch.slot;
  const size = batch.size;
  let handles = table.handles;
  let applied = 0;
  for (let i = from; i < to; i++) {
    const k = kind[i]!;
    if (k === OP_ALLOC) {
      const s = slot[i]!;
      if (s >= handles.length) {
        table.ensure(s);
        handles = table.handles;
      }
      handles[s] = alloc.malloc(size[i]!);
      applied++;
    } else if (k === OP_FREE) {
      alloc.free(handles[slot[i]!]!);
      applied++;
    } else if (k === OP_REALLOC) {
      const s = slot[i]!;
      handles[s] = alloc.realloc(handles[s]!, size[i]!);
      applied++;
    }
  }
  return applied;
}
