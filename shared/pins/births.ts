/**
 * Per-block birth records kept beside the engine, never in its hot arrays: for each live small
 * block (by handle) the operation index it was allocated at, the phase it was born in and the
 * origin tag its workload gave it (op-batch.ts; 0 for a trace or an untagged ALLOC). Filled
 * by `PinReplay`, which applies operations one at a time so that each new handle is seen; paid
 * only by the pins analysis, never by a plain run.
 */
import type { Allocator } from '../engine/allocator';
import { HandleTable } from '../engine/replay';
import { OP_ALLOC, OP_MARK, OP_REALLOC, type OpBatch } from '../ops/op-batch';
import { FIRST_PHASE } from './origins';
import { growFloat64, growInt32, growUint8 } from '../workloads/core/live-table';

export interface Births {
  /** Operation index (0-based, allocator operations) at which the block's object was allocated. */
  bornAt(handle: number): number;
  /** Index into `phases` of the phase the object was born in. */
  phaseOf(handle: number): number;
  readonly phases: readonly string[];
  /** The workload's origin tag of the object (0: untagged). */
  tagOf(handle: number): number;
  /** Whether any ALLOC applied so far carried a tag. */
  readonly tagged: boolean;
  /** The recorded source site of the object (`record --origins`; 0: none). */
  siteOf(handle: number): number;
  /** Whether the stream carried sites (a batch with a site column). */
  readonly sited: boolean;
  /** The size the block's object last asked for (malloc or realloc): the engine does not keep it. */
  requestedOf(handle: number): number;
}

export class PinReplay implements Births {
  private readonly table = new HandleTable(1024);
  private born = new Float64Array(0);
  private phase = new Int32Array(0);
  private tag = new Uint8Array(0);
  private requested = new Uint16Array(0);
  /** Sites, only once a batch carried them: a plain run pays nothing. */
  private site: Int32Array<ArrayBuffer> | null = null;
  private slotSite: Int32Array<ArrayBuffer> | null = null;
  /** Per producer slot: the birth of the object now in it. */
  private slotBorn = new Float64Array(1024);
  private slotPhase = new Int32Array(1024);
  private slotTag = new Uint8Array(1024);
  readonly phases: string[] = [FIRST_PHASE];
  private anyTag = false;

  constructor(readonly alloc: Allocator) {}

  bornAt(handle: number): number {
    return this.born[handle]!;
  }

  phaseOf(handle: number): number {
    return this.phase[handle]!;
  }

  requestedOf(handle: number): number {
    return this.requested[handle]!;
  }

  tagOf(handle: number): number {
    return this.tag[handle]!;
  }

  get tagged(): boolean {
    return this.anyTag;
  }

  siteOf(handle: number): number {
    return this.site?.[handle] ?? 0;
  }

  get sited(): boolean {
    return this.site !== null;
  }

  /**
   * Applies ops `[from, to)` of `batch`, stopping once the allocator has done `stopAt` operations.
   * Returns the index of the first op not applied.
   */
  apply(batch: OpBatch, from = 0, to = batch.length, stopAt = Infinity): number {
    const a = this.alloc;
    const sites = batch.site;
    if (sites && !this.site) {
      this.site = new Int32Array(this.born.length);
      this.slotSite = new Int32Array(this.slotBorn.length);
    }
    let i = from;
    for (; i < to && a.ops < stopAt; i++) {
      const k = batch.kind[i]!;
      if (k === OP_MARK) {
        this.phases.push(batch.labels[batch.size[i]!] ?? '');
        continue;
      }
      const s = batch.slot[i]!;
      if (k === OP_ALLOC) {
        // The object's birth goes with its slot, so a realloc that moves it (even through libc) keeps it.
        this.ensureSlot(s);
        this.slotBorn[s] = a.ops;
        this.slotPhase[s] = this.phases.length - 1;
        const o = batch.origin[i]!;
        this.slotTag[s] = o;
        if (o !== 0) this.anyTag = true;
        // A site goes with the slot like the birth (a realloc keeps where the object was made).
        if (this.slotSite) this.slotSite[s] = sites ? sites[i]! : 0;
      } else if (k === OP_REALLOC) {
        // A tagged REALLOC says what the object has become; an untagged one keeps its tag.
        const o = batch.origin[i]!;
        if (o !== 0) {
          this.ensureSlot(s);
          this.slotTag[s] = o;
          this.anyTag = true;
        }
      }
      a.applyOps(batch.kind, batch.slot, batch.size, i, i + 1, this.table);
      if (k !== OP_ALLOC && k !== OP_REALLOC) continue;
      const h = this.table.handles[s]!;
      if (h < 0) continue;
      this.ensure(h + 1);
      this.requested[h] = this.table.sizes[s]!;
      this.born[h] = this.slotBorn[s]!;
      this.phase[h] = this.slotPhase[s]!;
      this.tag[h] = this.slotTag[s]!;
      if (this.site) this.site[h] = this.slotSite![s]!;
    }
    return i;
  }

  private ensureSlot(s: number): void {
    if (s < this.slotBorn.length) return;
    this.slotBorn = growFloat64(this.slotBorn, s + 1);
    this.slotPhase = growInt32(this.slotPhase, s + 1);
    this.slotTag = growUint8(this.slotTag, s + 1);
    if (this.slotSite) this.slotSite = growInt32(this.slotSite, s + 1);
  }

  private ensure(n: number): void {
    if (this.born.length >= n) return;
    this.born = growFloat64(this.born, n);
    this.phase = growInt32(this.phase, n);
    this.tag = growUint8(this.tag, n);
    const requested = new Uint16Array(this.born.length);
    requested.set(this.requested);
    this.requested = requested;
    if (this.site) this.site = growInt32(this.site, n);
  }
}
