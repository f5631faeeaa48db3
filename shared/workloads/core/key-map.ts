/**
 * A map from integer keys (below 2^53) to small non-negative integers, in typed arrays: open
 * addressing with linear probing and backward-shift deletion, so no tombstones build up in a
 * cache that inserts and evicts forever. Grows by doubling at half load.
 */
const EMPTY = -1;

export class KeyMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private index(key: number): number {
    const lo = key >>> 0;
    const hi = Math.floor(key / 4294967296) | 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** The value stored for `key`, or −1. */
  get(key: number): number {
    const keys = this.keys;
    let i = this.index(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === EMPTY) return -1;
      i = (i + 1) & this.mask;
    }
  }

  /** Stores `value` (≥ 0) for a key that is not present. */
  insert(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.index(key);
    while (keys[i]! !== EMPTY) i = (i + 1) & this.mask;
    keys[i] = key;
    this.vals[i] = value;
    this.size++;
  }

  /** Removes a key that is present. */
  delete(key: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.index(key);
    while (keys[i]! !== key) i = (i + 1) & mask;
    // Backward shift: pull later members of the probe run into the hole.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === EMPTY) break;
      const home = this.index(k);
      // Move k into the hole at i unless its home lies cyclically in (i, j].
      const inRange = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!inRange) {
        keys[i] = k;
        this.vals[i] = this.vals[j]!;
        i = j;
      }
    }
    keys[i] = EMPTY;
    this.size--;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i]! !== EMPTY) this.insert(oldKeys[i]!, oldVals[i]!);
  }
}
