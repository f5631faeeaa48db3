/**
 * Turns the agent's records into what the rest of Arenascope reads: op batches (ids with dense
 * slots, shared/ops/op-batch.ts) for the models, pymtrace v1 text for the trace file, and the real
 * process's own figures (its arena count, its RSS, forks) at their position in the op stream.
 */
import { OpBatch } from '../../../shared/ops/op-batch';
import { IdSlotTable } from '../../../shared/trace/id-slot-table';
import {
  AGENT_ALLOC,
  AGENT_ARENA,
  AGENT_CHECKPOINT,
  AGENT_FORK,
  AGENT_FREE,
  AGENT_OP_MASK,
  AGENT_REALLOC,
  AGENT_SITE_SHIFT,
  AGENT_RSS,
  AgentStreamError,
  CHECKPOINT_LABELS,
  RECORD_BYTES,
  type RecordsFrame,
} from './agent-frames';

/** A figure of the real process, at op `op` of the stream (a/f/r ops before it). */
export interface RealEvent {
  kind: 'arenas' | 'rss' | 'fork';
  op: number;
  value: number;
}

export class RecordedStream {
  /** a/f/r ops received. */
  ops = 0;
  /** The latest `produced` the agent reported: ops made by the program so far. */
  produced = 0;
  spilledBytes = 0;
  sawStart = false;
  sawEnd = false;
  forks = 0;
  realArenas: number | null = null;
  realArenasPeak = 0;
  rss: number | null = null;
  private readonly slots = new IdSlotTable(true);
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  /** One batch for every frame (its contents are valid only during onBatch): no 1.1 MB of columns allocated per frame. */
  private batch = new OpBatch(1 << 16);

  constructor(
    private readonly onBatch: (batch: OpBatch) => void,
    private readonly onReal: (event: RealEvent) => void,
    /** The agent tags allocations with sites (record --origins): the batches carry a site column. */
    private readonly sites = false,
  ) {}

  /** Converts one frame; the batch handed to onBatch is valid only during the call. */
  take(frame: RecordsFrame): void {
    if (frame.produced > this.produced) this.produced = frame.produced;
    this.spilledBytes = frame.spilledBytes;
    if (frame.count > this.batch.capacity) this.batch = new OpBatch(frame.count);
    const batch = this.batch;
    batch.clear();
    const siteColumn = this.sites ? batch.sites() : null;
    const v = frame.view;
    for (let k = 0; k < frame.count; k++) {
      const at = frame.offset + k * RECORD_BYTES;
      // Two 32-bit halves, not getBigUint64: no BigInt per record (ids, counts and bytes stay below 2^53).
      const value = v.getUint32(at, true) + v.getUint32(at + 4, true) * 4294967296;
      const size = v.getUint32(at + 8, true);
      const word = v.getUint32(at + 12, true);
      const op = word & AGENT_OP_MASK;
      switch (op) {
        case AGENT_ALLOC: {
          const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.nextSlot++;
          if (!this.slots.insert(value, slot)) throw new AgentStreamError(`agent stream: id ${value} allocated while live`);
          batch.alloc(slot, value, size);
          if (siteColumn) siteColumn[batch.length - 1] = word >>> AGENT_SITE_SHIFT;
          this.ops++;
          break;
        }
        case AGENT_FREE: {
          const slot = this.slots.remove(value);
          if (slot < 0) throw new AgentStreamError(`agent stream: free of id ${value}, which is not live`);
          this.freeSlots.push(slot);
          batch.free(slot, value);
          this.ops++;
          break;
        }
        case AGENT_REALLOC: {
          const slot = this.slots.get(value);
          if (slot < 0) throw new AgentStreamError(`agent stream: realloc of id ${value}, which is not live`);
          batch.realloc(slot, value, size);
          this.ops++;
          break;
        }
        case AGENT_CHECKPOINT: {
          const label = CHECKPOINT_LABELS[size] ?? null;
          if (label === 'start') this.sawStart = true;
          if (label === 'end') this.sawEnd = true;
          batch.mark(label ?? '');
          break;
        }
        case AGENT_ARENA:
          this.realArenas = value;
          if (value > this.realArenasPeak) this.realArenasPeak = value;
          this.flushReal(batch, { kind: 'arenas', op: this.ops, value });
          break;
        case AGENT_RSS:
          this.rss = value;
          this.flushReal(batch, { kind: 'rss', op: this.ops, value });
          break;
        case AGENT_FORK:
          this.forks++;
          this.flushReal(batch, { kind: 'fork', op: this.ops, value });
          break;
        default:
          throw new AgentStreamError(`agent stream: unknown record op ${word}`);
      }
    }
    if (batch.length > 0) this.onBatch(batch);
  }

  /** Real figures are reported after the ops before them reached the models. */
  private flushReal(batch: OpBatch, event: RealEvent): void {
    if (batch.length > 0) {
      this.onBatch(batch);
      batch.clear();
    }
    this.onReal(event);
  }
}
