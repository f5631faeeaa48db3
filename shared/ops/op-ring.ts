/**
 * A ring of op batches in shared memory, so that a generator can run on another thread ahead of the
 * engine: a run then costs the slower of the two instead of their sum (docs/runs.md, "A generator on
 * the second core"). One writer (the generator's thread) and one reader (the run loop's thread).
 *
 * The stream is the generator's, byte for byte: the writer checks each batch the generator filled
 * (the run loop's operation guard, shared/run/op-guard.ts: so the check costs the generator's core,
 * not the engine's, and the reader says so with `checked`) and copies it into the next free slot, the reader copies slots out in order into the run loop's batches (a slot
 * may be split across them), renumbering mark labels. Nothing depends on timing but when a wait ends.
 *
 * Waiting uses Atomics.wait, which a Node main thread (the worker process) may do; a browser's may not.
 */
import { OP_MARK, type OpBatch, type OpColumns } from './op-batch';
import type { Generator } from '../workloads/workload';
import { InternalError } from '../errors';
import { withSource, type RunSource } from '../run/op-guard';

/** Per slot in `control`: FULL or EMPTY, op count, label code units, 1 if the generator ended with it. */
const SLOT_STATE = 0;
const SLOT_LENGTH = 1;
const SLOT_LABEL_UNITS = 2;
const SLOT_LAST = 3;
const SLOT_INTS = 4;
/** Ring-wide words at the start of `control`: finish asked, error text code units (−1: none). */
const FINISH = 0;
const ERROR_UNITS_WORD = 1;
const HEAD_INTS = 2;
const EMPTY = 0;
const FULL = 1;
/** UTF-16 code units for one slot's mark labels (JSON), and for an error message. */
const LABEL_UNITS = 1 << 14;
const ERROR_UNITS = 1 << 12;
/** The longest a reader blocks in one `fill` before returning an empty batch. */
const WAIT_MS = 100;

/** The shared buffers of a ring: plain data, sent to the other thread as they are. */
export interface OpRingBuffers {
  readonly slots: number;
  readonly capacity: number;
  readonly control: SharedArrayBuffer;
  readonly kind: SharedArrayBuffer;
  readonly slot: SharedArrayBuffer;
  readonly size: SharedArrayBuffer;
  readonly id: SharedArrayBuffer;
  readonly origin: SharedArrayBuffer;
  readonly labels: SharedArrayBuffer;
  /** Per slot, the generator's live count and ALLOC count after it. */
  readonly counts: SharedArrayBuffer;
  readonly error: SharedArrayBuffer;
}

export function createOpRing(slots = 4, capacity = 1 << 14): OpRingBuffers {
  if (!(Number.isInteger(slots) && slots >= 2 && Number.isInteger(capacity) && capacity >= 1)) {
    throw new RangeError(`an op ring needs ≥ 2 slots of ≥ 1 op, not ${slots} × ${capacity}`);
  }
  const n = slots * capacity;
  const control = new SharedArrayBuffer((HEAD_INTS + slots * SLOT_INTS) * 4);
  new Int32Array(control)[ERROR_UNITS_WORD] = -1;
  return {
    slots,
    capacity,
    control,
    kind: new SharedArrayBuffer(n),
    slot: new SharedArrayBuffer(n * 4),
    size: new SharedArrayBuffer(n * 4),
    id: new SharedArrayBuffer(n * 8),
    origin: new SharedArrayBuffer(n),
    labels: new SharedArrayBuffer(slots * LABEL_UNITS * 2),
    counts: new SharedArrayBuffer(slots * 16),
    error: new SharedArrayBuffer(ERROR_UNITS * 2),
  };
}

class RingViews {
  readonly control: Int32Array;
  readonly kind: Uint8Array;
  readonly slot: Int32Array;
  readonly size: Int32Array;
  readonly id: Float64Array;
  readonly origin: Uint8Array;
  readonly labels: Uint16Array;
  readonly counts: Float64Array;
  readonly error: Uint16Array;

  constructor(readonly b: OpRingBuffers) {
    this.control = new Int32Array(b.control);
    this.kind = new Uint8Array(b.kind);
    this.slot = new Int32Array(b.slot);
    this.size = new Int32Array(b.size);
    this.id = new Float64Array(b.id);
    this.origin = new Uint8Array(b.origin);
    this.labels = new Uint16Array(b.labels);
    this.counts = new Float64Array(b.counts);
    this.error = new Uint16Array(b.error);
  }

  word(i: number, field: number): number {
    return HEAD_INTS + i * SLOT_INTS + field;
  }

  /** Ends the ring with an error: the reader's next `fill` throws it (the first message stays). */
  failWith(message: string): void {
    if (Atomics.load(this.control, ERROR_UNITS_WORD) >= 0) return;
    Atomics.store(this.control, ERROR_UNITS_WORD, encode(message, this.error, 0, ERROR_UNITS));
    for (let i = 0; i < this.b.slots; i++) Atomics.notify(this.control, this.word(i, SLOT_STATE));
  }

  errorText(): string | null {
    const n = Atomics.load(this.control, ERROR_UNITS_WORD);
    return n < 0 ? null : decode(this.error, 0, n);
  }
}

/** Writes `text`'s UTF-16 code units at `at`; returns their count. */
function encode(text: string, into: Uint16Array, at: number, room: number): number {
  const n = Math.min(text.length, room);
  for (let k = 0; k < n; k++) into[at + k] = text.charCodeAt(k);
  return n;
}

function decode(from: Uint16Array, at: number, n: number): string {
  let text = '';
  for (let k = 0; k < n; k += 4096) text += String.fromCharCode(...from.subarray(at + k, at + Math.min(n, k + 4096)));
  return text;
}

/** What checks a batch before it is published: throws at its first invalid operation (an OpGuard). */
export interface OpChecker {
  check(batch: OpColumns): void;
}

/** For a generator that checked each operation as it wrote it (Generator.checked): nothing left to check. */
export const CHECKED_AS_WRITTEN: OpChecker = { check: () => {} };

/** The generator's side: checks and publishes each batch it filled. */
export class OpRingWriter extends RingViews {
  private seq = 0;

  constructor(
    b: OpRingBuffers,
    private readonly checker: OpChecker,
  ) {
    super(b);
  }

  /** Whether the reader asked the generator to finish (drain). */
  get finishAsked(): boolean {
    return Atomics.load(this.control, FINISH) === 1;
  }

  /**
   * Checks `batch`, waits for the next slot to be free, then copies `batch` into it. `last`: the
   * generator has ended. An invalid operation throws the checker's error and publishes nothing.
   */
  publish(batch: OpBatch, liveCount: number, allocCount: number, last: boolean): void {
    const cap = this.b.capacity;
    if (batch.length > cap) throw new RangeError(`a batch of ${batch.length} ops does not fit the ring's ${cap}`);
    if (batch.site !== null) throw new RangeError('an op ring does not carry sites (a recorded trace is read on the run loop’s thread)');
    this.checker.check(batch);
    const i = this.seq++ % this.b.slots;
    const state = this.word(i, SLOT_STATE);
    while (Atomics.load(this.control, state) !== EMPTY) Atomics.wait(this.control, state, FULL);
    const at = i * cap;
    const n = batch.length;
    this.kind.set(batch.kind.subarray(0, n), at);
    this.slot.set(batch.slot.subarray(0, n), at);
    this.size.set(batch.size.subarray(0, n), at);
    this.id.set(batch.id.subarray(0, n), at);
    this.origin.set(batch.origin.subarray(0, n), at);
    let labelUnits = 0;
    if (batch.labels.length > 0) {
      const text = JSON.stringify(batch.labels);
      if (text.length > LABEL_UNITS) throw new RangeError(`a batch's mark labels take ${text.length} characters, more than the ring's ${LABEL_UNITS}`);
      labelUnits = encode(text, this.labels, i * LABEL_UNITS, LABEL_UNITS);
    }
    this.counts[2 * i] = liveCount;
    this.counts[2 * i + 1] = allocCount;
    Atomics.store(this.control, this.word(i, SLOT_LENGTH), n);
    Atomics.store(this.control, this.word(i, SLOT_LABEL_UNITS), labelUnits);
    Atomics.store(this.control, this.word(i, SLOT_LAST), last ? 1 : 0);
    Atomics.store(this.control, state, FULL);
    Atomics.notify(this.control, state);
  }
}

/** A generator on another thread failed; its message is the generator's. */
export class GeneratorThreadError extends InternalError {
  constructor(message: string) {
    super(`the generator thread failed: ${message}`);
    this.name = 'GeneratorThreadError';
  }
}

/** The run loop's side: a `Generator` whose operations come from the ring. */
export class OpRingReader extends RingViews implements Generator {
  private seq = 0;
  /** Ops of the current slot already copied out. */
  private offset = 0;
  private labelsOfSlot: string[] | null = null;
  private ended = false;
  liveCount = 0;
  allocCount = 0;
  /** Every operation in a ring was checked by its writer: the run loop does not check again. */
  readonly checked = true;

  get done(): boolean {
    return this.ended;
  }

  /** Blocks until the first batch is there (or the generator failed); for timing a run from its first operation. */
  waitReady(): void {
    const state = this.word(this.seq % this.b.slots, SLOT_STATE);
    while (Atomics.load(this.control, state) !== FULL) {
      this.throwIfFailed();
      Atomics.wait(this.control, state, EMPTY, WAIT_MS);
    }
  }

  private throwIfFailed(): void {
    const error = this.errorText();
    if (error !== null) throw new GeneratorThreadError(error);
  }

  finish(): void {
    Atomics.store(this.control, FINISH, 1);
  }

  fill(batch: OpBatch): void {
    if (this.ended) return;
    const i = this.seq % this.b.slots;
    const state = this.word(i, SLOT_STATE);
    if (Atomics.load(this.control, state) !== FULL) {
      this.throwIfFailed();
      Atomics.wait(this.control, state, EMPTY, WAIT_MS);
      this.throwIfFailed();
      // Nothing yet: the caller comes back (and its thread's event loop may hear of a thread that died).
      if (Atomics.load(this.control, state) !== FULL) return;
    }
    const n = Atomics.load(this.control, this.word(i, SLOT_LENGTH));
    const at = i * this.b.capacity;
    const take = Math.min(n - this.offset, batch.capacity - batch.length);
    const from = at + this.offset;
    const to = batch.length;
    batch.kind.set(this.kind.subarray(from, from + take), to);
    batch.slot.set(this.slot.subarray(from, from + take), to);
    batch.size.set(this.size.subarray(from, from + take), to);
    batch.id.set(this.id.subarray(from, from + take), to);
    batch.origin.set(this.origin.subarray(from, from + take), to);
    const labelUnits = Atomics.load(this.control, this.word(i, SLOT_LABEL_UNITS));
    if (labelUnits > 0) {
      // Marks name their label by index into the batch's labels: renumber into the reader's batch.
      this.labelsOfSlot ??= JSON.parse(decode(this.labels, i * LABEL_UNITS, labelUnits)) as string[];
      for (let j = to; j < to + take; j++) {
        if (batch.kind[j] !== OP_MARK) continue;
        const label = this.labelsOfSlot[batch.size[j]!] ?? '';
        batch.size[j] = batch.labels.length;
        batch.labels.push(label);
      }
    }
    batch.length = to + take;
    this.offset += take;
    if (this.offset < n) return;
    this.liveCount = this.counts[2 * i]!;
    this.allocCount = this.counts[2 * i + 1]!;
    const last = Atomics.load(this.control, this.word(i, SLOT_LAST)) === 1;
    this.offset = 0;
    this.labelsOfSlot = null;
    this.seq++;
    Atomics.store(this.control, state, EMPTY);
    Atomics.notify(this.control, state);
    if (last) this.ended = true;
  }
}

/**
 * The loop of the generator's thread: fills a batch, checks and publishes it, until the generator
 * ends (asked to finish by the reader, it drains first). A generator that throws, or writes an
 * operation `checker` refuses, ends the ring with the error's message (naming `source`, the run).
 */
export function pumpGenerator(generator: Generator, ring: OpRingBuffers, batch: OpBatch, checker: OpChecker, source?: RunSource): void {
  const writer = new OpRingWriter(ring, checker);
  try {
    for (;;) {
      batch.clear();
      if (writer.finishAsked) generator.finish();
      generator.fill(batch);
      writer.publish(batch, generator.liveCount, generator.allocCount, generator.done);
      if (generator.done) return;
    }
  } catch (thrown) {
    const error = withSource(thrown, source);
    writer.failWith(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
}
