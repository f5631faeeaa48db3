/**
 * What every catalogue generator shares: whole-step writing with a spill for small batches,
 * the optional drain, and the live-object table.
 *
 * A subclass implements `produce(out)`: write whole steps while `room(out) >= stepMax` and the
 * workload has not ended (set `done`). When a batch has some room left but less than a step,
 * the base class runs one step into a private batch of exactly `stepMax` operations and copies
 * it out over as many `fill` calls as it takes, so any batch size works, even 1.
 *
 * Phased workloads number their phases (from 0 unless they set another start) and move on with
 * `enter(phase)`; a phase's PHASE mark is written at its first step, by `markPhase` from a table
 * of labels indexed by phase, or by the workload itself where the label is computed.
 *
 * A workload that writes every operation through its live table, which checks each one
 * (live-table.ts), says so with `checked = true`: the run then skips the operation guard (the
 * guard's own table of live ids cost some of them as much as the generator: docs/runs.md). The claim
 * is held to on every `fill`: operations that reached the batch some other way end the run.
 */
import { OP_ALLOC, OP_FREE, OP_MARK, OpBatch } from '../../ops/op-batch';
import { InvalidOpError } from '../../run/op-guard';
import type { Generator } from '../workload';
import { LiveTable } from './live-table';

export abstract class GeneratorBase implements Generator {
  done = false;
  /** True in a workload whose every operation goes through `objs` (held to by `fill`). */
  readonly checked: boolean = false;
  protected readonly objs: LiveTable;
  /** The phase the workload is in, as the workload numbers them. */
  protected phase = 0;
  /** Whether the current phase's PHASE mark has been written. */
  protected phaseMarked = false;
  /** The next slot a drain looks at (the default `drainStep` and the overrides that walk slots in order). */
  protected drainSlot = 0;
  private readonly spill: OpBatch;
  private spillPos = 0;
  /** Net live objects and ALLOCs in spilled operations not yet copied out (the counts run ahead of the stream by these). */
  private pendingLive = 0;
  private pendingAllocs = 0;
  /** Allocator operations (marks not counted) in the spill not yet copied out. */
  private pendingOps = 0;
  private draining = false;
  /** The workload ended in a step still in the spill: `done` waits until the spill is out. */
  private endsAfterSpill = false;
  private drainMarked = false;

  /** `stepMax`: the most operations (marks included) one step can write. */
  protected constructor(
    protected readonly stepMax: number,
    trackSizes = false,
  ) {
    this.spill = new OpBatch(stepMax);
    this.objs = new LiveTable(trackSizes);
  }

  get liveCount(): number {
    return this.objs.live - this.pendingLive;
  }

  get allocCount(): number {
    return this.objs.allocCount - this.pendingAllocs;
  }

  /** Writes whole steps into `out` while a step fits; sets `done` at the workload's end. */
  protected abstract produce(out: OpBatch): void;

  fill(batch: OpBatch): void {
    if (!this.checked) {
      this.fillSteps(batch);
      return;
    }
    const length = batch.length;
    const marks = batch.labels.length;
    const written = this.objs.written;
    const pending = this.pendingOps;
    this.fillSteps(batch);
    // Every operation that entered the batch was written by the table, now or into the spill before.
    const entered = batch.length - length - (batch.labels.length - marks);
    const fromTable = this.objs.written - written - (this.pendingOps - pending);
    if (entered !== fromTable) {
      throw new InvalidOpError(
        undefined,
        this.objs.written,
        `${entered - fromTable} of ${entered} operations did not come from the live table of a workload that says all do`,
      );
    }
  }

  private fillSteps(batch: OpBatch): void {
    if (!this.flushSpill(batch)) return;
    if (this.endsAfterSpill) {
      this.endsAfterSpill = false;
      this.done = true;
    }
    if (this.done) return;
    if (this.draining) {
      this.drain(batch);
      return;
    }
    this.produce(batch);
    if (!this.done && !this.draining && !batch.full && batch.capacity - batch.length < this.stepMax) {
      const sp = this.spill;
      sp.clear();
      this.spillPos = 0;
      this.produce(sp);
      for (let i = 0; i < sp.length; i++) {
        if (sp.kind[i] !== OP_MARK) this.pendingOps++;
        if (sp.kind[i] === OP_ALLOC) {
          this.pendingLive++;
          this.pendingAllocs++;
        } else if (sp.kind[i] === OP_FREE) this.pendingLive--;
      }
      // The last step, spilled: the run may end only once it is all out.
      if (!this.flushSpill(batch) && this.done) {
        this.done = false;
        this.endsAfterSpill = true;
      }
    }
  }

  finish(): void {
    if (this.draining) return;
    if (this.endsAfterSpill) {
      // Ended, its last step still spilled: a drain follows that step if anything is left after it.
      if (this.objs.live === 0) return;
      this.endsAfterSpill = false;
    } else if (this.done && this.liveCount === 0) return;
    this.draining = true;
    this.done = false;
  }

  /** Moves to `phase`: its mark is written by the next `markPhase`. */
  protected enter(phase: number): void {
    this.phase = phase;
    this.phaseMarked = false;
  }

  /**
   * Writes the PHASE mark of the phase just entered, `labels[phase]` (none where the table has a
   * hole). Call it as `if (!this.phaseMarked) this.markPhase(out, LABELS)`: the check runs every
   * step and stays in the workload's own code, where its property access sees one class only,
   * while this shared method runs once a phase.
   */
  protected markPhase(out: OpBatch, labels: readonly (string | undefined)[]): void {
    const label = labels[this.phase];
    if (label !== undefined) out.mark(label);
    this.phaseMarked = true;
  }

  /** Room left in `out`. */
  protected static room(out: OpBatch): number {
    return out.capacity - out.length;
  }

  /** Copies pending spilled operations; true when none remain. */
  private flushSpill(batch: OpBatch): boolean {
    const sp = this.spill;
    while (this.spillPos < sp.length) {
      if (batch.full) return false;
      const i = this.spillPos++;
      const kind = sp.kind[i]!;
      if (kind !== OP_MARK) this.pendingOps--;
      if (kind === OP_MARK) batch.mark(sp.labels[sp.size[i]!]!);
      else if (kind === OP_ALLOC) {
        batch.alloc(sp.slot[i]!, sp.id[i]!, sp.size[i]!, sp.origin[i]!);
        this.pendingLive--;
        this.pendingAllocs--;
      } else if (kind === OP_FREE) {
        batch.free(sp.slot[i]!, sp.id[i]!);
        this.pendingLive++;
      } else batch.realloc(sp.slot[i]!, sp.id[i]!, sp.size[i]!, sp.origin[i]!);
    }
    return true;
  }

  private drain(out: OpBatch): void {
    if (!this.drainMarked) {
      if (out.full) return;
      out.mark('drain');
      this.drainMarked = true;
    }
    if (!this.drainStep(out)) {
      this.done = true;
      this.draining = false;
    }
  }

  /**
   * Frees live objects into `out` until it is full; false once nothing is live. The default
   * frees the live table's objects in slot order; generators that keep their objects elsewhere
   * override it.
   */
  protected drainStep(out: OpBatch): boolean {
    const t = this.objs;
    while (this.drainSlot < t.high) {
      if (out.full) return true;
      const slot = this.drainSlot++;
      if (t.ids[slot]! >= 0) t.free(out, slot);
    }
    return false;
  }
}
