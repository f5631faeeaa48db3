/**
 * A whole trace held in memory as flat typed columns, so a benchmark or a conformance run can time
 * only its replay loop. Built batch by batch from a `TraceReader`.
 */
import { OP_MARK, OpBatch } from '../ops/op-batch';
import type { BadLine } from './trace-error';
import { type Checkpoint, TraceReader, type TraceReaderOptions } from './reader';

export interface TraceCheckpoints {
  /** Label per checkpoint; null for a `c` line without one; the last one is `end`. */
  label: (string | null)[];
  /** 0-based index of each checkpoint among operation lines (= its index in the columns). */
  op: Float64Array;
  /** a/f/r operations before each checkpoint. */
  applied: Float64Array;
}

export interface TraceColumns {
  /** Operations, the implicit `end` checkpoint included. */
  length: number;
  kind: Uint8Array;
  slot: Int32Array;
  /** Bytes for OP_ALLOC / OP_REALLOC; for OP_MARK the index of its checkpoint in `checkpoints`. */
  size: Int32Array;
  id: Float64Array;
  checkpoints: TraceCheckpoints;
  /** Slots the replay's handle table needs: the peak number of live objects. */
  slotCount: number;
  /** a/f/r operations. */
  applied: number;
  /** Lines read, comments and blank lines included. */
  lines: number;
  badLineCount: number;
  badLines: readonly BadLine[];
}

interface Piece {
  kind: Uint8Array;
  slot: Int32Array;
  size: Int32Array;
  id: Float64Array;
}

export class TraceColumnsBuilder {
  // Copies of each batch, joined once at the end: the peak is twice the final size, where growing
  // one array by doubling could reach three times.
  private readonly pieces: Piece[] = [];
  private total = 0;
  private readonly labels: (string | null)[] = [];
  private readonly ops: number[] = [];
  private readonly applied: number[] = [];

  /** Copies `batch`; `checkpoints` are the records `TraceReader.fill` gave for its OP_MARKs. */
  add(batch: OpBatch, checkpoints: readonly Checkpoint[]): void {
    const n = batch.length;
    if (n === 0) return;
    const piece: Piece = {
      kind: batch.kind.slice(0, n),
      slot: batch.slot.slice(0, n),
      size: batch.size.slice(0, n),
      id: batch.id.slice(0, n),
    };
    for (const cp of checkpoints) {
      if (piece.kind[cp.index] !== OP_MARK) throw new Error('TraceColumnsBuilder: checkpoint does not point at a mark');
      piece.size[cp.index] = this.labels.length;
      this.labels.push(cp.label);
      this.ops.push(cp.op);
      this.applied.push(cp.applied);
    }
    this.pieces.push(piece);
    this.total += n;
  }

  finish(reader: TraceReader): TraceColumns {
    const n = this.total;
    const kind = new Uint8Array(n);
    const slot = new Int32Array(n);
    const size = new Int32Array(n);
    const id = new Float64Array(n);
    let at = 0;
    for (const piece of this.pieces) {
      kind.set(piece.kind, at);
      slot.set(piece.slot, at);
      size.set(piece.size, at);
      id.set(piece.id, at);
      at += piece.kind.length;
    }
    this.pieces.length = 0;
    return {
      length: n,
      kind,
      slot,
      size,
      id,
      checkpoints: {
        label: this.labels.slice(),
        op: Float64Array.from(this.ops),
        applied: Float64Array.from(this.applied),
      },
      slotCount: reader.slotCount,
      applied: reader.appliedCount,
      lines: reader.lineCount,
      badLineCount: reader.badLineCount,
      badLines: reader.badLines.slice(),
    };
  }
}

export interface ReadTraceOptions extends TraceReaderOptions {
  /** Operations per batch while reading. Default 65536. */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 1 << 16;

/** Reads a trace held in memory (one buffer or a sequence of chunks) into columns. */
export function readTraceBytes(input: Uint8Array | Iterable<Uint8Array>, options: ReadTraceOptions = {}): TraceColumns {
  const reader = new TraceReader(options);
  const batch = new OpBatch(options.batchSize ?? DEFAULT_BATCH_SIZE);
  const checkpoints: Checkpoint[] = [];
  const builder = new TraceColumnsBuilder();
  const drain = (): void => {
    while (reader.fill(batch, checkpoints)) {
      builder.add(batch, checkpoints);
      batch.clear();
      checkpoints.length = 0;
    }
  };
  const chunks = input instanceof Uint8Array ? [input] : input;
  for (const chunk of chunks) {
    reader.push(chunk);
    drain();
  }
  reader.end();
  drain();
  builder.add(batch, checkpoints);
  return builder.finish(reader);
}
