/**
 * The reader's id → slot map for live objects.
 *
 * A JavaScript `Map` costs about 80 ns per lookup on a live set of 100,000 number keys (it hashes boxed
 * doubles and chains through separate entries), more than the parse of a line. This table is open
 * addressing with linear probing over one typed array of (key, slot) pairs, so a probe usually reads
 * one cache line. Deletion shifts the rest of the run back (no tombstones), and the table shrinks as
 * the live set does, so its size follows the live set.
 *
 * A narrow table (Int32Array, 8 bytes a cell) holds ids below NARROW_ID_LIMIT, which is every id of
 * a counter-numbered trace; a wide one (Float64Array, 16 bytes a cell) holds the rest. Half the bytes
 * is what keeps a 100,000-object table inside a core's cache.
 */

/** Ids below this go in a narrow table (key id + 1 must fit an Int32Array). */
export const NARROW_ID_LIMIT = 2 ** 31 - 1;

/** A cell's key is id + 1, so the zero-filled memory of a new table is all empty cells. */
const EMPTY = 0;
const MIN_CELLS = 16;
/** Ids that differ only in their low GROUP_BITS share a hashed group of adjacent cells. */
const GROUP_BITS = 3;
const GROUP_MASK = (1 << GROUP_BITS) - 1;
const TWO_32 = 4294967296;

export class IdSlotTable {
  /** cells[2i] = id + 1 or EMPTY, cells[2i + 1] = slot. */
  private cells: Int32Array | Float64Array;
  private mask: number;
  /** Fibonacci hashing keeps the high bits of the product: 32 − log2(cells / 2^GROUP_BITS). */
  private shift: number;
  private count = 0;

  /** `wide`: ids up to 2^53; otherwise only ids below NARROW_ID_LIMIT. */
  constructor(private readonly wide: boolean) {
    this.cells = this.newCells(MIN_CELLS);
    this.mask = MIN_CELLS - 1;
    this.shift = shiftFor(MIN_CELLS);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Home cell of the cell key `key` (id + 1, at most 2^53). Runs of consecutive ids, the usual shape
   * of a trace, land in one group of adjacent cells, so allocating or freeing them in order touches
   * one cache line per group rather than one per id (with 4 KiB pages, random access into a table of
   * a million entries costs a TLB miss each); Fibonacci hashing spreads the groups, strided ids too.
   */
  private home(key: number): number {
    const k = key < TWO_32 ? key >>> 0 : (key >>> 0) ^ Math.imul((key / TWO_32) >>> 0, 0x85ebca6b);
    return ((Math.imul(k >>> GROUP_BITS, 0x9e3779b1) >>> this.shift) << GROUP_BITS) | (k & GROUP_MASK);
  }

  /** The slot of `id`, or -1 when it is not live. */
  get(id: number): number {
    const key = id + 1;
    const cells = this.cells;
    const mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const k = cells[2 * i]!;
      if (k === key) return cells[2 * i + 1]!;
      if (k === EMPTY) return -1;
    }
  }

  /** Adds `id` → `slot`; returns false (and changes nothing) when `id` is already there. */
  insert(id: number, slot: number): boolean {
    if ((this.count + 1) * 2 > this.mask + 1) this.resize((this.mask + 1) * 2);
    const key = id + 1;
    const cells = this.cells;
    const mask = this.mask;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      const k = cells[2 * i]!;
      if (k === key) return false;
      if (k === EMPTY) {
        cells[2 * i] = key;
        cells[2 * i + 1] = slot;
        this.count++;
        return true;
      }
    }
  }

  /** Removes `id`; returns its slot, or -1 when it was not live. */
  remove(id: number): number {
    const key = id + 1;
    const cells = this.cells;
    const mask = this.mask;
    let i = this.home(key);
    for (; ; i = (i + 1) & mask) {
      const k = cells[2 * i]!;
      if (k === key) break;
      if (k === EMPTY) return -1;
    }
    const slot = cells[2 * i + 1]!;
    // Backward shift: move later members of the run into the hole unless that would put them
    // before their home cell.
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const k = cells[2 * j]!;
      if (k === EMPTY) break;
      const h = this.home(k);
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        cells[2 * i] = k;
        cells[2 * i + 1] = cells[2 * j + 1]!;
        i = j;
      }
    }
    cells[2 * i] = EMPTY;
    this.count--;
    const capacity = mask + 1;
    if (capacity > MIN_CELLS && this.count * 8 < capacity) this.resize(capacity / 2);
    return slot;
  }

  private resize(capacity: number): void {
    const old = this.cells;
    const cells = this.newCells(capacity);
    this.cells = cells;
    this.mask = capacity - 1;
    this.shift = shiftFor(capacity);
    const mask = this.mask;
    for (let c = 0; c < old.length; c += 2) {
      const key = old[c]!;
      if (key === EMPTY) continue;
      let i = this.home(key);
      while (cells[2 * i] !== EMPTY) i = (i + 1) & mask;
      cells[2 * i] = key;
      cells[2 * i + 1] = old[c + 1]!;
    }
  }

  private newCells(capacity: number): Int32Array | Float64Array {
    return this.wide ? new Float64Array(capacity * 2) : new Int32Array(capacity * 2);
  }
}

function shiftFor(capacity: number): number {
  return 32 - (Math.log2(capacity) - GROUP_BITS);
}
