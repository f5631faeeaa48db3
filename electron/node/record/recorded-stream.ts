/**
 * Turns the agent's records into what the rest of Arenascope reads: op batches (ids with dense
 * slots, shared/ops/op-batch.ts) for the models, pymtrace v1 text for the trace file, and the real
 * process's own figures (its arena count, its RSS, forks) at their position in the op stream.
 */
import { OpBatch } from '../../../shared/ops/op-batch';
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

/** The largest id the host takes: ids are dense, so this is a live set of two billion objects. */
const MAX_DENSE_ID = 2 ** 31 - 1;

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
  /**
   * live[id] = 1 while the object is live. The agent's ids are dense (a freed id is given out again,
   * agent/src/agent_record.c), so an id is its own slot in the models' tables: no id → slot hashing.
   */
  private live = new Uint8Array(1 << 16);
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
          if (value >= this.live.length) this.grow(value);
          if (this.live[value] !== 0) throw new AgentStreamError(`agent stream: id ${value} allocated while live`);
          this.live[value] = 1;
          batch.alloc(value, value, size);
          if (siteColumn) siteColumn[batch.length - 1] = word >>> AGENT_SITE_SHIFT;
          this.ops++;
          break;
        }
        case AGENT_FREE: {
          if (value >= this.live.length || this.live[value] === 0) throw new AgentStreamError(`agent stream: free of id ${value}, which is not live`);
          this.live[value] = 0;
          batch.free(value, value);
          this.ops++;
          break;
        }
        case AGENT_REALLOC: {
          if (value >= this.live.length || this.live[value] === 0) throw new AgentStreamError(`agent stream: realloc of id ${value}, which is not live`);
          batch.realloc(value, value, size);
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

  /** Room for id `id` (ids are dense: beyond MAX_DENSE_ID the stream is not our agent's). */
  private grow(id: number): void {
    if (id > MAX_DENSE_ID) throw new AgentStreamError(`agent stream: id ${id} is beyond the agent's dense ids (at most ${MAX_DENSE_ID})`);
    let size = this.live.length;
    while (size <= id) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.live);
    this.live = grown;
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
