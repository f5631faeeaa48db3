/**
 * The live objects of a generator: id and size per slot, a free-slot stack, the id counter.
 *
 * Slots are handed out from the stack of freed slots first (so the slot space stays as small as
 * the peak live set) and otherwise from the high-water mark. Arrays grow by doubling: memory
 * follows the peak live set, never the history.
 *
 * Every operation it writes is valid by construction or checked here: an ALLOC goes to a slot the
 * table knows is free and takes an id never used before; a FREE, REALLOC or replacement names a slot
 * whose object is live, or throws InvalidOpError before writing anything (the id it reads for the
 * operation is the check: no second table). A generator that writes only through its table needs
 * no operation guard after it (GeneratorBase.checked).
 */
import type { OpBatch } from '../../ops/op-batch';
import { InvalidOpError } from '../../run/op-guard';

const INITIAL = 1024;

export class LiveTable {
  /** Id of the object in each slot; −1 for a free slot. */
  ids = new Float64Array(0);
  /** Current requested size of the object in each slot (only with `trackSizes`). */
  sizes = new Int32Array(0);
  private freeSlots = new Int32Array(0);
  private top = 0;
  /** Slots ever handed out: every live slot is below it. */
  high = 0;
  live = 0;
  /** The next id; ids start at 1 and are never reused. */
  nextId = 1;
  /** Operations this table has written (each one checked). */
  written = 0;

  /** `trackSizes`: keep `sizes` up to date (one more random write per op, so only when needed). */
  constructor(private readonly trackSizes = false) {}

  get allocCount(): number {
    return this.nextId - 1;
  }

  /** Writes ALLOC(size) for a new object, tagged `origin` (op-batch.ts), and returns its slot. */
  alloc(out: OpBatch, size: number, origin = 0): number {
    let slot: number;
    if (this.top > 0) slot = this.freeSlots[--this.top]!;
    else {
      slot = this.high++;
      if (slot >= this.ids.length) this.grow();
    }
    const id = this.nextId++;
    this.ids[slot] = id;
    if (this.trackSizes) this.sizes[slot] = size;
    this.live++;
    this.written++;
    out.alloc(slot, id, size, origin);
    return slot;
  }

  /** Writes FREE for the object in `slot`; throws InvalidOpError unless it is live. */
  free(out: OpBatch, slot: number): void {
    const id = this.ids[slot]!;
    // Outside the table (a negative, fractional or too large slot) reads undefined: refused too.
    if (!(id >= 0)) this.refuse('FREE', slot);
    this.written++;
    out.free(slot, id);
    this.ids[slot] = -1;
    this.live--;
    if (this.top === this.freeSlots.length) this.freeSlots = growInt32(this.freeSlots);
    this.freeSlots[this.top++] = slot;
  }

  /**
   * Writes FREE of the object in `slot` and ALLOC(size) of a new one in the same slot: the
   * replacement step of churn workloads, without a round trip through the free-slot stack.
   */
  replace(out: OpBatch, slot: number, size: number, origin = 0): void {
    const old = this.ids[slot]!;
    if (!(old >= 0)) this.refuse('FREE', slot);
    this.written += 2;
    out.free(slot, old);
    const id = this.nextId++;
    this.ids[slot] = id;
    if (this.trackSizes) this.sizes[slot] = size;
    out.alloc(slot, id, size, origin);
  }

  /** Writes REALLOC(size) for the object in `slot`; throws InvalidOpError unless it is live. */
  realloc(out: OpBatch, slot: number, size: number): void {
    const id = this.ids[slot]!;
    if (!(id >= 0)) this.refuse('REALLOC', slot);
    this.written++;
    if (this.trackSizes) this.sizes[slot] = size;
    out.realloc(slot, id, size);
  }

  /** The generator broke its own bookkeeping; the run that asked names itself (withSource). */
  private refuse(op: string, slot: number): never {
    throw new InvalidOpError(undefined, this.written, `${op} of slot ${slot}: no object is live in the slot`);
  }

  isLive(slot: number): boolean {
    return slot < this.high && this.ids[slot]! >= 0;
  }

  /** Hands out slots from 0 again; only when nothing is live (keeps fill orders slot = index). */
  resetSlots(): void {
    if (this.live !== 0) throw new Error('resetSlots with live objects');
    this.top = 0;
    this.high = 0;
  }

  private grow(): void {
    const n = Math.max(INITIAL, this.ids.length * 2);
    const ids = new Float64Array(n).fill(-1);
    ids.set(this.ids);
    this.ids = ids;
    if (this.trackSizes) {
      const sizes = new Int32Array(n);
      sizes.set(this.sizes);
      this.sizes = sizes;
    }
  }
}

export function growInt32(a: Int32Array<ArrayBuffer>, min = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(INITIAL, a.length * 2, min));
  b.set(a);
  return b;
}

export function growUint8(a: Uint8Array<ArrayBuffer>, min = 0): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(Math.max(INITIAL, a.length * 2, min));
  b.set(a);
  return b;
}

export function growFloat64(a: Float64Array<ArrayBuffer>, min = 0): Float64Array<ArrayBuffer> {
  const b = new Float64Array(Math.max(INITIAL, a.length * 2, min));
  b.set(a);
  return b;
}
