/**
 * The replay loop: applies a columnar op batch to an allocator. Handles live in a table indexed
 * by the producer's dense slot numbers (shared/ops/op-batch.ts), so no map lookup is needed and
 * memory follows the live set. The table is the layer that knows objects, so it also keeps each
 * one's requested size, which the engine needs to count requested bytes when it is freed.
 */
import type { OpColumns } from '../ops/op-batch';
import type { Allocator } from './allocator';

/**
 * The requested size the engine counted for a block that `realloc(p, n)` returned as handle `q`: `n`,
 * except that 2.3/2.4 take realloc(p, 0) of a libc block into a pool as a 1-byte request. What a
 * layer that keeps sizes stores for the object, so that its free subtracts what was added.
 */
export function reallocatedSize(n: number, q: number): number {
  return n === 0 && q >= 0 ? 1 : n;
}

export class HandleTable {
  handles: Int32Array;
  /** The size last requested for the object in each slot (malloc or realloc; pymalloc sizes fit 16 bits, larger ones are not read). */
  sizes: Uint16Array;

  constructor(capacity = 1024) {
    this.handles = new Int32Array(Math.max(16, capacity));
    this.sizes = new Uint16Array(this.handles.length);
  }

  ensure(slot: number): void {
    if (slot < this.handles.length) return;
    let n = this.handles.length * 2;
    while (n <= slot) n *= 2;
    const next = new Int32Array(n);
    next.set(this.handles);
    this.handles = next;
    const sizes = new Uint16Array(n);
    sizes.set(this.sizes);
    this.sizes = sizes;
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
