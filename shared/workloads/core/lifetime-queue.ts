/**
 * Objects waiting for a death time (in the workload's own clock, e.g. allocation events).
 *
 * `pop()` returns every entry whose death time is ≤ now, by death time, and among equal death
 * times the most recently scheduled first (W05: "ties: newest first").
 *
 * A heap would cost O(log live) per operation; most lifetimes are short, so this is a
 * two-level timing wheel with a heap only past its horizon:
 * - level 0: one bucket per time unit of the cursor's block (2^16 units);
 * - level 1: one bucket per block for the next 2^16 blocks (2^32 units in all);
 * - a heap for later deaths.
 * Entries are slots, linked through a per-slot `next` array (a slot is in at most one list).
 * A level-0 bucket has two lists: entries scheduled while the cursor was in that block ("direct",
 * a stack, newest first) and entries moved down when the block began ("cascaded", appended in
 * newest-first order: level-1 entries, then the heap's, which were scheduled earlier still).
 * Direct entries were all scheduled after every cascaded one, so popping direct then cascaded
 * keeps "newest first" exact.
 */
import { growFloat64, growInt32 } from './live-table';

/** A lifetime that never comes due within any run, still exact as a double time. */
export const FOREVER = 2 ** 50;

export class LifetimeQueue {
  /** The current time; advance it with `advance()` / `setNow()`. */
  now = 0;
  /** Next time whose bucket is not yet known to be empty. */
  private cursor = 0;
  /** Entries scheduled and not yet popped. */
  count = 0;
  private next = new Int32Array(0);
  private deathOf = new Float64Array(0);
  private readonly b0: number;
  /** 1 / b0 (exact: b0 is a power of two), so that a block number is a multiply, not a divide. */
  private readonly inv0: number;
  private readonly mask0: number;
  private readonly r1: number;
  private readonly mask1: number;
  private readonly direct: Int32Array;
  private readonly cascHead: Int32Array;
  private readonly cascTail: Int32Array;
  private readonly level1: Int32Array;
  // Far heap: (death asc, seq desc).
  private hDeath = new Float64Array(0);
  private hSeq = new Float64Array(0);
  private hSlot = new Int32Array(0);
  private hSize = 0;
  private seq = 0;

  /** `bits0` / `bits1`: log2 of the level sizes (tests shrink them to reach the heap quickly). */
  constructor(bits0 = 16, bits1 = 16) {
    this.b0 = 2 ** bits0;
    this.inv0 = 2 ** -bits0;
    this.mask0 = this.b0 - 1;
    this.r1 = 2 ** bits1;
    this.mask1 = this.r1 - 1;
    this.direct = new Int32Array(this.b0).fill(-1);
    this.cascHead = new Int32Array(this.b0).fill(-1);
    this.cascTail = new Int32Array(this.b0).fill(-1);
    this.level1 = new Int32Array(this.r1).fill(-1);
  }

  advance(): void {
    this.now++;
  }

  /** Schedules `slot` to die at `death` (≥ now; earlier values are treated as now). */
  schedule(slot: number, death: number): void {
    if (slot >= this.next.length) {
      this.next = growInt32(this.next, slot + 1);
      this.deathOf = growFloat64(this.deathOf, slot + 1);
    }
    let d = death < this.now ? this.now : death;
    if (d < this.cursor) d = this.cursor;
    this.count++;
    const cb = Math.floor(this.cursor * this.inv0);
    const kb = Math.floor(d * this.inv0);
    if (kb === cb) {
      const b = d & this.mask0;
      this.next[slot] = this.direct[b]!;
      this.direct[b] = slot;
    } else if (kb - cb < this.r1) {
      const j = kb & this.mask1;
      this.deathOf[slot] = d;
      this.next[slot] = this.level1[j]!;
      this.level1[j] = slot;
    } else {
      this.heapPush(d, this.seq, slot);
    }
    this.seq++;
  }

  /** The next slot due (death ≤ now), or −1. */
  pop(): number {
    for (;;) {
      const b = this.cursor & this.mask0;
      let s = this.direct[b]!;
      if (s >= 0) {
        this.direct[b] = this.next[s]!;
        this.count--;
        return s;
      }
      s = this.cascHead[b]!;
      if (s >= 0) {
        const n = this.next[s]!;
        this.cascHead[b] = n;
        if (n < 0) this.cascTail[b] = -1;
        this.count--;
        return s;
      }
      if (this.cursor >= this.now) return -1;
      if (this.count === 0) {
        // Nothing anywhere: jump; no block in between has anything to cascade.
        this.cursor = this.now;
        continue;
      }
      this.cursor++;
      if ((this.cursor & this.mask0) === 0) this.cascade();
    }
  }

  /** The cursor entered a new block: move its level-1 bucket and heap entries to level 0. */
  private cascade(): void {
    const block = Math.floor(this.cursor * this.inv0);
    const j = block & this.mask1;
    let s = this.level1[j]!;
    this.level1[j] = -1;
    while (s >= 0) {
      const n = this.next[s]!;
      this.append(s, this.deathOf[s]! & this.mask0);
      s = n;
    }
    const end = (block + 1) * this.b0;
    while (this.hSize > 0 && this.hDeath[0]! < end) {
      const d = this.hDeath[0]!;
      const slot = this.hSlot[0]!;
      this.heapPop();
      this.append(slot, d % this.b0);
    }
  }

  private append(slot: number, b: number): void {
    this.next[slot] = -1;
    const t = this.cascTail[b]!;
    if (t < 0) this.cascHead[b] = slot;
    else this.next[t] = slot;
    this.cascTail[b] = slot;
  }

  private before(i: number, j: number): boolean {
    const di = this.hDeath[i]!;
    const dj = this.hDeath[j]!;
    return di < dj || (di === dj && this.hSeq[i]! > this.hSeq[j]!);
  }

  private swap(i: number, j: number): void {
    const d = this.hDeath[i]!,
      q = this.hSeq[i]!,
      s = this.hSlot[i]!;
    this.hDeath[i] = this.hDeath[j]!;
    this.hSeq[i] = this.hSeq[j]!;
    this.hSlot[i] = this.hSlot[j]!;
    this.hDeath[j] = d;
    this.hSeq[j] = q;
    this.hSlot[j] = s;
  }

  private heapPush(death: number, seq: number, slot: number): void {
    if (this.hSize === this.hDeath.length) {
      this.hDeath = growFloat64(this.hDeath);
      this.hSeq = growFloat64(this.hSeq);
      this.hSlot = growInt32(this.hSlot);
    }
    let i = this.hSize++;
    this.hDeath[i] = death;
    this.hSeq[i] = seq;
    this.hSlot[i] = slot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private heapPop(): void {
    const last = --this.hSize;
    if (last === 0) return;
    this.hDeath[0] = this.hDeath[last]!;
    this.hSeq[0] = this.hSeq[last]!;
    this.hSlot[0] = this.hSlot[last]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.before(r, l) ? r : l;
      if (!this.before(c, i)) break;
      this.swap(i, c);
      i = c;
    }
  }
}
