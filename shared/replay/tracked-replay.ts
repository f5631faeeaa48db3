/**
 * A replay that remembers, per live slot, the object's public id and handle: what a checkpoint
 * report needs to say which blocks share a pool or an arena. (The bare `applyBatch` loop in
 * shared/engine/replay.ts keeps only handles and is what benchmarks time.)
 */
import type { Allocator } from '../engine/allocator';
import { reallocatedSize } from '../engine/replay';
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, type OpColumns } from '../ops/op-batch';

export class TrackedReplay {
  handles = new Int32Array(1024);
  /** The size last requested for the object in each slot: the engine needs it to free the block. */
  sizes = new Float64Array(1024);
  ids = new Float64Array(1024);
  live = new Uint8Array(1024);
  /** Slots ever used (live or not): the scan bound for reports. */
  slotsUsed = 0;
  /** Operation lines seen, checkpoints included (the oracle's `op` index). */
  opIndex = 0;
  /** Allocator operations applied (`applied`). */
  applied = 0;

  constructor(readonly alloc: Allocator) {}

  /**
   * Apply ops `[from, to)` of op columns; `onMark(i, op, applied)` is called at every mark (its
   * index `i` in the columns) with the state as it is at that point of the stream.
   */
  apply(ops: OpColumns, onMark?: (i: number, op: number, applied: number) => void, from = 0, to = ops.length): void {
    const a = this.alloc;
    for (let i = from; i < to; i++) {
      const k = ops.kind[i]!;
      const s = ops.slot[i]!;
      if (k === OP_MARK) {
        if (onMark) onMark(i, this.opIndex, this.applied);
        this.opIndex++;
        continue;
      }
      if (k === OP_ALLOC) {
        if (s >= this.handles.length) this.grow(s);
        if (this.live[s]) throw new Error(`slot ${s} is already live (id ${this.ids[s]})`);
        this.handles[s] = a.malloc(ops.size[i]!);
        this.sizes[s] = ops.size[i]!;
        this.ids[s] = ops.id[i]!;
        this.live[s] = 1;
        if (s >= this.slotsUsed) this.slotsUsed = s + 1;
      } else if (k === OP_FREE) {
        if (!this.live[s]) throw new Error(`free of slot ${s}, which is not live`);
        a.free(this.handles[s]!, this.sizes[s]!);
        this.live[s] = 0;
      } else if (k === OP_REALLOC) {
        if (!this.live[s]) throw new Error(`realloc of slot ${s}, which is not live`);
        const n = ops.size[i]!;
        const q = a.realloc(this.handles[s]!, n, this.sizes[s]!);
        this.handles[s] = q;
        this.sizes[s] = reallocatedSize(n, q);
      }
      this.opIndex++;
      this.applied++;
    }
  }

  private grow(slot: number): void {
    let n = this.handles.length * 2;
    while (n <= slot) n *= 2;
    const h = new Int32Array(n);
    h.set(this.handles);
    const sizes = new Float64Array(n);
    sizes.set(this.sizes);
    this.sizes = sizes;
    const ids = new Float64Array(n);
    ids.set(this.ids);
    const live = new Uint8Array(n);
    live.set(this.live);
    this.handles = h;
    this.ids = ids;
    this.live = live;
  }
}
