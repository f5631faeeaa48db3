/**
 * The operation stream shared by workloads, traces and the engine's replay loop.
 *
 * Operations travel in columnar batches, never as one object per operation, so that a
 * generator can hand the engine millions of operations a second without allocating.
 *
 * Each operation names its object twice:
 * - `id`: the stable name the user sees (a trace's id, a workload's never-reused counter);
 * - `slot`: a small dense integer chosen by the producer, unique among *live* objects and
 *   reused after a free. The replay loop keeps its handle table indexed by slot, so the
 *   consumer needs no hash map and its memory follows the live set, not the history.
 */

/** `a id size` — PyObject_Malloc(size). */
export const OP_ALLOC = 0;
/** `f id` — PyObject_Free. */
export const OP_FREE = 1;
/** `r id size` — PyObject_Realloc(p, size); the id keeps its name when the block moves. */
export const OP_REALLOC = 2;
/** `c label` / a workload phase: no allocator effect; `size` holds an index into `labels`. */
export const OP_MARK = 3;

export type OpKind = typeof OP_ALLOC | typeof OP_FREE | typeof OP_REALLOC | typeof OP_MARK;

/** Op columns of any origin (a batch, a whole trace in memory): what replay loops read. */
export interface OpColumns {
  readonly kind: Uint8Array;
  readonly slot: Int32Array;
  readonly size: Int32Array;
  readonly id: Float64Array;
  readonly length: number;
}

export class OpBatch implements OpColumns {
  /** OP_ALLOC, OP_FREE, OP_REALLOC or OP_MARK. */
  readonly kind: Uint8Array;
  /** Dense live-object slot (unused for OP_MARK). */
  readonly slot: Int32Array;
  /** Requested bytes for OP_ALLOC / OP_REALLOC; label index for OP_MARK. */
  readonly size: Int32Array;
  /** The object's public id (below 2^53). */
  readonly id: Float64Array;
  /**
   * Origin tag of an OP_ALLOC (what the object is, 0 = untagged) or OP_REALLOC (0 = the object keeps
   * its tag); meaningless for other kinds, which do not write it. Not part of the op stream's identity.
   */
  readonly origin: Uint8Array;
  /**
   * Source site of each OP_ALLOC (a recorded program's allocating line, `record --origins`; 0 =
   * unknown), or null while the producer has none: a column paid only by streams that carry sites.
   * Site ids name entries of the stream's site table (shared/trace/sites.ts).
   */
  site: Int32Array | null = null;
  /** Labels of OP_MARK entries of this batch. */
  labels: string[] = [];
  /** Number of operations filled. */
  length = 0;

  constructor(readonly capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.slot = new Int32Array(capacity);
    this.size = new Int32Array(capacity);
    this.id = new Float64Array(capacity);
    this.origin = new Uint8Array(capacity);
  }

  clear(): void {
    this.length = 0;
    this.labels.length = 0;
  }

  /** The site column, made (zeroed) on first use. */
  sites(): Int32Array {
    return (this.site ??= new Int32Array(this.capacity));
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  alloc(slot: number, id: number, size: number, origin = 0): void {
    const i = this.length++;
    this.kind[i] = OP_ALLOC;
    this.slot[i] = slot;
    this.id[i] = id;
    this.size[i] = size;
    this.origin[i] = origin;
  }

  free(slot: number, id: number): void {
    const i = this.length++;
    this.kind[i] = OP_FREE;
    this.slot[i] = slot;
    this.id[i] = id;
    this.size[i] = 0;
  }

  realloc(slot: number, id: number, size: number, origin = 0): void {
    const i = this.length++;
    this.kind[i] = OP_REALLOC;
    this.slot[i] = slot;
    this.id[i] = id;
    this.size[i] = size;
    this.origin[i] = origin;
  }

  /** Tags the ALLOC at index `i` of this batch after the fact (a generator that decides what it made later in the same step). */
  tag(i: number, origin: number): void {
    this.origin[i] = origin;
  }

  mark(label: string): void {
    const i = this.length++;
    this.kind[i] = OP_MARK;
    this.slot[i] = -1;
    this.id[i] = -1;
    this.size[i] = this.labels.length;
    this.labels.push(label);
  }
}
