/**
 * The run loop's check of every operation a generator or a trace feed writes, before the engine
 * sees it: a FREE or REALLOC must name the id live in its slot, an ALLOC must go to a free slot and
 * name an id that is not live anywhere, ids are integers in [0, 2^53) and slots are ≥ 0. The engine
 * works by slot alone, so without this an invalid stream (a workload bug) would silently free or
 * move some other object and every figure after it would be wrong.
 *
 * Cheap enough to stay on: one read of the per-slot id table (and at most one write) per operation.
 * The table is kept in chunks of 2^16 slots that are never copied: a table that grew by doubling
 * touched about three times the memory it ended with (each new array, then its copy), and memory a
 * process touches for the first time is what the table costs while it grows (on one VM measured at
 * 11 µs a 4 KiB page, the first fill of seed-16b-fill-free's 10 M slots cost the guard 48 ns an
 * operation against 9 once grown). Whether an
 * ALLOC's id is live in another slot is known for free while ids only grow (every catalogue
 * workload: ids are never reused); once an id comes back (a trace may reuse a freed id), the guard
 * builds a map of the live ids and keeps it from then on.
 */
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, type OpColumns } from '../ops/op-batch';
import type { ParamValue } from '../workloads/workload';
import { InternalError } from '../errors';

/** Which run wrote the stream: named in the error. */
export interface RunSource {
  workload: string;
  params: Readonly<Record<string, ParamValue>>;
  seed: bigint | number | string;
}

/** An internal fault: the operation stream broke its contract (a bug in the workload, not bad input). */
export class InvalidOpError extends InternalError {
  constructor(
    readonly source: RunSource | undefined,
    /** Allocator operations before the invalid one (marks not counted). */
    readonly opIndex: number,
    readonly reason: string,
  ) {
    const who = source === undefined ? 'the run' : `workload ${source.workload} (parameters ${JSON.stringify(source.params)}, seed ${String(source.seed)})`;
    super(`internal error: ${who} wrote an invalid operation at op ${opIndex}: ${reason}`);
    this.name = 'InvalidOpError';
  }
}

/**
 * `error`, naming `source` if it is an InvalidOpError that names no run yet (a live table's: it
 * checks the operations it writes, without knowing which run asked for them).
 */
export function withSource(error: unknown, source: RunSource | undefined): unknown {
  if (error instanceof InvalidOpError && error.source === undefined && source !== undefined) return new InvalidOpError(source, error.opIndex, error.reason);
  return error;
}

const MAX_ID = 2 ** 53;
const NONE = -1;
/** Ids below this fit the 32-bit table (stored as id + 1, 0 being a free slot). */
const NARROW_IDS = 2 ** 32 - 1;
/** Slots per chunk of the id table. */
const CHUNK_BITS = 16;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

export class OpGuard {
  /**
   * Live id + 1 per slot, 0 for a free slot: 32 bits while every id is below 2^32 − 1 (a catalogue
   * workload's ids count up from 0, so a run keeps 4 bytes per live object here, not 8), doubles from
   * the first larger id on.
   */
  private chunks: (Uint32Array | Float64Array)[] = [];
  /** Whether the chunks hold doubles (from the first id of 2^32 − 1 or more on). */
  private wide = false;
  /** The largest id ever allocated: a larger one cannot be live (a double from the start: ids pass 2^31). */
  private maxId = -0.5;
  /** Live id → slot, only once an id has come back (null while ids only grow). */
  private live: Map<number, number> | null = null;
  /** Operations checked so far (marks not counted). */
  ops = 0;

  constructor(private readonly source?: RunSource) {}

  /** Checks ops `[0, length)` of `b` in order; throws InvalidOpError at the first invalid one. */
  check(b: OpColumns): void {
    const kind = b.kind;
    const slot = b.slot;
    const id = b.id;
    for (let i = 0; i < b.length; i++) {
      const k = kind[i]!;
      if (k === OP_MARK) continue;
      const s = slot[i]!;
      const d = id[i]!;
      if (!(d >= 0 && d < MAX_ID && Math.floor(d) === d)) this.refuse(k, d, s, `the id is not an integer in [0, 2^53)`);
      if (s < 0) this.refuse(k, d, s, 'the slot is negative');
      const c = s >>> CHUNK_BITS;
      if (c >= this.chunks.length) this.grow(c);
      if (d >= NARROW_IDS && !this.wide) this.widen();
      const chunk = this.chunks[c]!;
      const at = s & CHUNK_MASK;
      const held = chunk[at]! - 1;
      if (k === OP_ALLOC) {
        if (held !== NONE) this.refuse(k, d, s, `the slot holds live id ${held}`);
        if (d > this.maxId) this.maxId = d;
        else {
          const live = this.live ?? this.buildLive();
          const other = live.get(d);
          if (other !== undefined) this.refuse(k, d, s, `id ${d} is already live (slot ${other})`);
        }
        chunk[at] = d + 1;
        this.live?.set(d, s);
      } else if (k === OP_FREE || k === OP_REALLOC) {
        if (held !== d) this.refuse(k, d, s, held === NONE ? 'no object is live in the slot' : `the slot holds live id ${held}`);
        if (k === OP_FREE) {
          chunk[at] = 0;
          this.live?.delete(d);
        }
      } else this.refuse(k, d, s, `unknown operation kind ${k}`);
      this.ops++;
    }
  }

  /** Bytes of the per-slot id table (the map of live ids, made only once an id comes back, not counted). */
  get bytes(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.byteLength;
    return bytes;
  }

  private buildLive(): Map<number, number> {
    const live = new Map<number, number>();
    this.chunks.forEach((chunk, c) => {
      for (let at = 0; at < chunk.length; at++) if (chunk[at] !== 0) live.set(chunk[at]! - 1, (c << CHUNK_BITS) + at);
    });
    this.live = live;
    return live;
  }

  /** Chunks up to and including chunk `c` (slots are dense in every stream the app writes or reads). */
  private grow(c: number): void {
    while (this.chunks.length <= c) this.chunks.push(this.wide ? new Float64Array(CHUNK_MASK + 1) : new Uint32Array(CHUNK_MASK + 1));
  }

  /** The first id that does not fit 32 bits: the table goes to doubles. */
  private widen(): void {
    this.chunks = this.chunks.map((chunk) => Float64Array.from(chunk));
    this.wide = true;
  }

  private refuse(kind: number, id: number, slot: number, why: string): never {
    const name = kind === OP_ALLOC ? 'ALLOC' : kind === OP_FREE ? 'FREE' : kind === OP_REALLOC ? 'REALLOC' : `kind ${kind}`;
    throw new InvalidOpError(this.source, this.ops, `${name} of id ${id} in slot ${slot}: ${why}`);
  }
}
