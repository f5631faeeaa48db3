/**
 * Test helpers: run a generator through batches while checking the op-stream contract, and
 * hash the stream so two runs can be compared.
 */
import { OP_ALLOC, OP_FREE, OP_MARK, OP_REALLOC, OpBatch } from '../../../shared/ops/op-batch';
import type { Generator } from '../../../shared/workloads/workload';

export interface RunResult {
  ops: number;
  hash: number;
  allocs: number;
  frees: number;
  reallocs: number;
  marks: string[];
  live: number;
  maxLive: number;
  minSize: number;
  maxSize: number;
  done: boolean;
}

/** Live id per slot, −1 when free: enough to catch double frees, frees of dead ids and slot clashes. */
export class StreamChecker {
  private slotId = new Float64Array(1 << 16).fill(-1);
  private lastId = 0;
  hash = 0x811c9dc5;
  /** Ops after this many are checked but not hashed (to compare equal prefixes of two runs). */
  hashLimit = Infinity;
  ops = 0;
  allocs = 0;
  frees = 0;
  reallocs = 0;
  live = 0;
  maxLive = 0;
  minSize = Infinity;
  maxSize = 0;
  readonly marks: string[] = [];
  /** Ops checked before each mark of `marks`. */
  private readonly markOps: number[] = [];

  /** Ops from each mark to the next (or to the end), by label (a repeated label: its last phase). */
  get phaseOps(): Map<string, number> {
    return new Map(this.marks.map((label, i) => [label, (this.markOps[i + 1] ?? this.ops) - this.markOps[i]!]));
  }

  private mix(v: number): void {
    if (this.ops <= this.hashLimit) this.hash = Math.imul(this.hash ^ (v | 0), 0x01000193);
  }

  private fail(i: number, why: string): never {
    throw new Error(`op ${this.ops} (batch index ${i}): ${why}`);
  }

  check(b: OpBatch): void {
    for (let i = 0; i < b.length; i++) {
      const kind = b.kind[i]!;
      const slot = b.slot[i]!;
      const size = b.size[i]!;
      const id = b.id[i]!;
      if (this.ops < this.hashLimit) this.mix(kind);
      if (kind === OP_MARK) {
        const label = b.labels[size];
        if (typeof label !== 'string' || label === '') this.fail(i, `mark without a label (${size})`);
        this.marks.push(label);
        this.markOps.push(this.ops);
        continue;
      }
      this.ops++;
      this.mix(slot);
      this.mix(id);
      this.mix(Math.floor(id / 4294967296));
      if (!Number.isInteger(id) || id < 0 || id >= 2 ** 53) this.fail(i, `bad id ${id}`);
      if (!Number.isInteger(slot) || slot < 0) this.fail(i, `bad slot ${slot}`);
      while (slot >= this.slotId.length) {
        const grown = new Float64Array(this.slotId.length * 2).fill(-1);
        grown.set(this.slotId);
        this.slotId = grown;
      }
      if (kind === OP_ALLOC || kind === OP_REALLOC) {
        this.mix(size);
        if (!(size >= 1 && size < 2 ** 31)) this.fail(i, `bad size ${size}`);
        if (size < this.minSize) this.minSize = size;
        if (size > this.maxSize) this.maxSize = size;
      }
      if (kind === OP_ALLOC) {
        if (id <= this.lastId) this.fail(i, `id ${id} not new (last ${this.lastId})`);
        this.lastId = id;
        if (this.slotId[slot] !== -1) this.fail(i, `ALLOC into slot ${slot}, which holds live id ${this.slotId[slot]}`);
        this.slotId[slot] = id;
        this.allocs++;
        if (++this.live > this.maxLive) this.maxLive = this.live;
      } else if (kind === OP_FREE) {
        if (this.slotId[slot] !== id) this.fail(i, `FREE of id ${id} in slot ${slot}, which holds ${this.slotId[slot]}`);
        this.slotId[slot] = -1;
        this.frees++;
        this.live--;
      } else if (kind === OP_REALLOC) {
        if (this.slotId[slot] !== id) this.fail(i, `REALLOC of id ${id} in slot ${slot}, which holds ${this.slotId[slot]}`);
        this.reallocs++;
      } else this.fail(i, `unknown kind ${kind}`);
    }
  }
}

/** Runs `gen` for about `maxOps` operations (whole batches), checking every one. */
export function runChecked(
  gen: Generator,
  maxOps: number,
  opts: { batch?: number; finish?: boolean; hashLimit?: number } = {},
): RunResult & { checker: StreamChecker } {
  const batch = new OpBatch(opts.batch ?? 65536);
  const c = new StreamChecker();
  if (opts.hashLimit !== undefined) c.hashLimit = opts.hashLimit;
  let guard = 0;
  while (!gen.done && c.ops < maxOps) {
    batch.clear();
    gen.fill(batch);
    c.check(batch);
    if (gen.liveCount !== c.live) throw new Error(`liveCount ${gen.liveCount} but the stream has ${c.live} live`);
    if (batch.length === 0 && !gen.done) throw new Error('fill wrote nothing and the workload is not done');
    if (++guard > 1e8) throw new Error('no progress');
  }
  if (opts.finish) {
    gen.finish();
    while (!gen.done) {
      batch.clear();
      gen.fill(batch);
      c.check(batch);
      if (batch.length === 0 && !gen.done) throw new Error('drain wrote nothing and is not done');
    }
    if (c.live !== 0) throw new Error(`after the drain ${c.live} objects are still live`);
  }
  if (gen.allocCount !== c.allocs) throw new Error(`allocCount ${gen.allocCount} but the stream has ${c.allocs} ALLOCs`);
  return {
    ops: c.ops,
    hash: c.hash >>> 0,
    allocs: c.allocs,
    frees: c.frees,
    reallocs: c.reallocs,
    marks: c.marks,
    live: c.live,
    maxLive: c.maxLive,
    minSize: c.minSize,
    maxSize: c.maxSize,
    done: gen.done,
    checker: c,
  };
}
