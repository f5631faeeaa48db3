/**
 * An exact model of CPython's small-object allocator (Objects/obmalloc.c) for one version family.
 *
 * Glossary (C names; docs/engine.md says what is modelled and why):
 * - block: one allocation unit of a size class; a *handle* names it: `(pool << slotShift) | slot`
 *   for a pymalloc block (≥ 0), `-(i + 1)` for a block served outside pymalloc ("large").
 * - pool: POOL_SIZE bytes of blocks of one class; named by `arenaSlot * maxPools + k`, where `k`
 *   is the pool's position in its arena (ascending addresses).
 * - arena: ARENA_SIZE bytes holding 64 pools (63 when its base is not pool-aligned); named by its
 *   slot in the `arenas[]` vector (`arena_object` index, the pool header's `arenaindex`).
 *
 * The hot path (malloc/free/realloc) touches only typed arrays and integers: no JavaScript object
 * is allocated per operation. Every list CPython keeps is kept here, with the same discipline:
 * - pool free lists: LIFO, the next never-used block staged at the tail (`freeblock`, `nextoffset`);
 * - `usedpools[c]`: partially used pools of class c, head first; full→used pools go to the head;
 * - `freepools`: empty pools, LIFO, one list per arena (G1+) or one global list (G0);
 * - `usable_arenas`: arenas with a free pool, sorted by `nfreepools` ascending, a re-sorted arena
 *   placed leftmost among its new count (`nfp2lasta`, 3.8+; the same order as the 2.5–3.7
 *   linear walk, docs/engine.md "What is modelled");
 * - `unused_arena_objects`: free arena slots, LIFO, fresh slots chained in ascending order.
 */
import type { ArenaAlignment, Geometry, Preset } from './presets';
import { geometry } from './presets';
import type { StatsSnapshot } from './stats';
import { STATS_VERSION } from './stats';
import { OP_ALLOC as OP_ALLOC_KIND, OP_FREE as OP_FREE_KIND, OP_REALLOC as OP_REALLOC_KIND } from '../ops/op-batch';
import type { HandleTable } from './replay';
import {
  ENV_ARENAS,
  ENV_BLOCK_BYTES,
  ENV_COUNT,
  ENV_LARGE_BYTES,
  ENV_POOLS_EMPTY,
  ENV_POOLS_FULL,
  ENV_POOLS_IN_USE,
  ENV_POOLS_USED,
  ENV_REQUESTED_BYTES,
} from './envelope';
import { InputError } from '../errors';

/** No pool / no arena / end of a list. */
const NIL = -1;
/** `DUMMY_SIZE_IDX`: a pool carved but never given a class. */
const DUMMY_SIZE_IDX = -1;
/** `INITIAL_ARENA_OBJECTS`: the arenas[] vector starts with 16 slots and doubles. */
const INITIAL_ARENA_OBJECTS = 16;
/** Small handles are int32: the model refuses to grow past this many block slots. */
const MAX_BLOCK_SLOTS = 2 ** 31;
/** Layout of a packed pool header (see `pools`). */
export const PH_COUNT = 0;
export const PH_FREEBLOCK = 1;
export const PH_NEXTPOOL = 2;
export const PH_PREVPOOL = 3;
export const PH_SZIDX = 4;
export const PH_NEXTSLOT = 5;
export const POOL_STRIDE_SHIFT = 3;
/** End of a block free list in the low half of `blocks`. */
export const BLOCK_NIL = 0xffff;
/** Requests are below 2^31 bytes (the trace format's bound). */
const MAX_REQUEST = 0x7fffffff;

export interface AllocatorOptions {
  /** Pool alignment of every new arena (64 or 63 pools); the family's default when omitted. */
  arenas?: ArenaAlignment;
  /**
   * Pools per arena for the first arenas allocated, run-length encoded as `[pools, count]`
   * (e.g. `[[64, 19], [63, 144]]`, as a native 3.10+ run records it); `arenas` applies after it.
   */
  arenaSequence?: ReadonlyArray<readonly [number, number]>;
}

/** An operation or option the allocator refuses (a stale handle, a size out of range): from a trace, the input's fault. */
export class EngineError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

export class Allocator {
  readonly preset: Preset;
  readonly geometry: Geometry;
  /** Default alignment of new arenas. */
  readonly arenaAlignment: ArenaAlignment;
  private readonly arenaSequence: ReadonlyArray<readonly [number, number]>;

  // --- geometry, copied into fields for the hot path ---------------------------------------
  private readonly threshold: number;
  private readonly shift: number;
  readonly slotShift: number;
  readonly slotMask: number;
  /** log2(maxPools): pool index → arena slot. */
  readonly poolShift: number;
  readonly maxPools: number;
  private readonly blockSize: Int32Array;
  private readonly numBlocks: Int32Array;
  private readonly globalFreepools: boolean;
  private readonly releaseAlways: boolean;
  private readonly releaseNever: boolean;
  private readonly takeOverForeign: boolean;

  // --- per pool: the pool header, packed (index: (arenaSlot * maxPools + k) << POOL_STRIDE_SHIFT) ---
  /**
   * `struct pool_header` fields of every pool, POOL_STRIDE ints each: PH_COUNT (`ref.count`),
   * PH_FREEBLOCK (`freeblock` as a slot, NIL when full), PH_NEXTPOOL / PH_PREVPOOL (`nextpool`,
   * `prevpool`: links of `usedpools[c]` or of a `freepools` list), PH_SZIDX (`szidx`, or
   * DUMMY_SIZE_IDX) and PH_NEXTSLOT (`nextoffset` as a slot: the next never-used block).
   * One array keeps a pool's header in one cache line, as in C.
   */
  pools = new Int32Array(0);

  // --- per block slot (index: handle) -------------------------------------------------------
  /**
   * Per block: the requested size of a live block in the high 16 bits (0 when not handed out) and,
   * in the low 16 bits, the free-list link CPython stores inside a free block (BLOCK_NIL = end).
   */
  blocks = new Int32Array(0);

  // --- per arena slot (`struct arena_object`; G0 uses the same arrays for its address vector) ---
  /** `address != 0`: the slot holds an allocated arena. */
  arenaAddress = new Uint8Array(0);
  /** `pool_address` as a pool position: the next never-used pool of the arena. */
  arenaPoolAddress = new Int32Array(0);
  /** `nfreepools`: empty plus never-used pools (G0: never-used pools of the newest arena). */
  arenaNfree = new Int32Array(0);
  /** `ntotalpools`: 64, or 63 for a misaligned base. */
  arenaNtotal = new Int32Array(0);
  /** `freepools`: head of the arena's empty-pool list (G1+). */
  arenaFreepools = new Int32Array(0);
  /** `nextarena`: next in `usable_arenas` or in `unused_arena_objects`. */
  arenaNext = new Int32Array(0);
  /** `prevarena`: previous in `usable_arenas`. */
  arenaPrev = new Int32Array(0);

  // --- allocator-wide state ------------------------------------------------------------------
  /** `usedpools[c]`: head pool of the class's partially used pools. */
  readonly usedpools: Int32Array;
  /** `nfp2lasta[k]`: rightmost arena of `usable_arenas` with k free pools (3.8+ acceleration). */
  readonly nfp2lasta: Int32Array;
  /** `usable_arenas` head. */
  usableArenas = NIL;
  /** `unused_arena_objects` head. */
  unusedArenaObjects = NIL;
  /** `maxarenas`: slots in the arenas[] vector. */
  maxarenas = 0;
  /** G0's global `freepools`. */
  freepools = NIL;
  /** G0: `narenas − 1`, the arena `arenabase` points into. */
  newestArena = NIL;

  // --- counters (what `sys._debugmallocstats` reports) --------------------------------------
  /** `narenas_currently_allocated`. */
  narenasCurrent = 0;
  /** `narenas_highwater`. */
  narenasHighwater = 0;
  /** `ntimes_arena_allocated`. */
  ntimesArenaAllocated = 0;
  misalignedArenas = 0;
  /** Σ ntotalpools over allocated arenas. */
  poolsInArenas = 0;
  /** Pools carved from allocated arenas (used + full + empty). */
  poolsCarved = 0;
  /** Carved pools with count 0. */
  poolsEmpty = 0;
  readonly classBlocks: Int32Array;
  readonly classUsedPools: Int32Array;
  readonly classFullPools: Int32Array;
  requestedBytes = 0;
  /** Σ classBlocks[c] × blockSize[c]: bytes of the blocks handed out. */
  blockBytes = 0;
  /** Σ classUsedPools / Σ classFullPools. */
  poolsUsed = 0;
  poolsFull = 0;
  /** Operations applied (malloc, free, realloc). */
  ops = 0;

  // --- the envelope: min and max of each ENV_* quantity (./envelope.ts) since `resetEnvelope` ---
  /** Kept up to date by the operation that changes a value, never by scanning, so it costs a compare or two per operation. */
  readonly envMin = new Float64Array(ENV_COUNT);
  readonly envMax = new Float64Array(ENV_COUNT);
  /** The envelope saved across the two steps of a moving realloc. */
  private readonly envHeld = new Float64Array(2 * ENV_COUNT);

  // --- blocks outside pymalloc ----------------------------------------------------------------
  largeSize = new Float64Array(0);
  largeLive = new Uint8Array(0);
  private largeFreeSlots = new Int32Array(0);
  private largeFreeTop = 0;
  largeTop = 0;
  largeCount = 0;
  largeBytes = 0;

  constructor(preset: Preset, options: AllocatorOptions = {}) {
    this.preset = preset;
    this.geometry = geometry(preset);
    this.arenaAlignment = options.arenas ?? preset.defaultArenas;
    this.arenaSequence = options.arenaSequence ?? [];
    for (const [pools, count] of this.arenaSequence) {
      if ((pools !== this.geometry.maxPools && pools !== this.geometry.maxPools - 1) || !(count >= 0)) {
        throw new EngineError(`arenaSequence: [${pools}, ${count}] is not [${this.geometry.maxPools} or ${this.geometry.maxPools - 1}, count ≥ 0]`);
      }
    }
    const g = this.geometry;
    this.threshold = preset.SMALL_REQUEST_THRESHOLD;
    this.shift = preset.ALIGNMENT_SHIFT;
    this.slotShift = g.slotShift;
    this.slotMask = (1 << g.slotShift) - 1;
    this.maxPools = g.maxPools;
    this.poolShift = Math.log2(g.maxPools);
    if (!Number.isInteger(this.poolShift)) throw new EngineError('ARENA_SIZE / POOL_SIZE must be a power of two');
    this.blockSize = g.blockSize;
    this.numBlocks = g.numBlocks;
    this.globalFreepools = preset.freepools === 'global';
    this.releaseAlways = preset.arenaRelease === 'always';
    this.releaseNever = preset.arenaRelease === 'never';
    this.takeOverForeign = preset.reallocTakesOverForeign;
    this.usedpools = new Int32Array(g.nclasses).fill(NIL);
    this.nfp2lasta = new Int32Array(g.maxPools + 1).fill(NIL);
    this.classBlocks = new Int32Array(g.nclasses);
    this.classUsedPools = new Int32Array(g.nclasses);
    this.classFullPools = new Int32Array(g.nclasses);
  }

  /**
   * Starts a new envelope window at the current state: from now on `envMin`/`envMax` hold the least
   * and greatest value of each quantity over this state and the state after every later operation.
   */
  resetEnvelope(): void {
    const lo = this.envMin;
    const hi = this.envMax;
    lo[ENV_REQUESTED_BYTES] = hi[ENV_REQUESTED_BYTES] = this.requestedBytes;
    lo[ENV_BLOCK_BYTES] = hi[ENV_BLOCK_BYTES] = this.blockBytes;
    lo[ENV_POOLS_USED] = hi[ENV_POOLS_USED] = this.poolsUsed;
    lo[ENV_POOLS_FULL] = hi[ENV_POOLS_FULL] = this.poolsFull;
    lo[ENV_POOLS_IN_USE] = hi[ENV_POOLS_IN_USE] = this.poolsUsed + this.poolsFull;
    lo[ENV_POOLS_EMPTY] = hi[ENV_POOLS_EMPTY] = this.poolsEmpty;
    lo[ENV_ARENAS] = hi[ENV_ARENAS] = this.narenasCurrent;
    lo[ENV_LARGE_BYTES] = hi[ENV_LARGE_BYTES] = this.largeBytes;
  }

  // =========================================================================================
  // Public operations
  // =========================================================================================

  /** `PyObject_Malloc(n)`: returns a handle. */
  malloc(n: number): number {
    this.ops++;
    if (n >>> 0 !== n || n > MAX_REQUEST) throw new EngineError(`malloc: size ${n} is not an integer in [0, 2^31)`);
    return this.alloc(n);
  }

  /** `PyObject_Free(p)`. */
  free(h: number): void {
    this.ops++;
    if (h >= 0) {
      // The live test reads the word the free path writes next: no extra memory traffic.
      if (!(this.blocks[h]! >>> 16)) this.notLive(h);
      this.release(h);
    } else {
      this.checkLarge(h);
      this.largeRelease(h);
    }
  }

  /** `PyObject_Realloc(p, n)`: returns the (possibly new) handle. */
  realloc(h: number, n: number): number {
    this.ops++;
    if (n >>> 0 !== n || n > MAX_REQUEST) throw new EngineError(`realloc: size ${n} is not an integer in [0, 2^31)`);
    if (h < 0) {
      this.checkLarge(h);
      // A block outside pymalloc stays with libc (`realloc`), whatever the new size — except in
      // 2.3/2.4, which take a small request over into a pool (removed after SF bug 1185883).
      if (this.takeOverForeign && n <= this.threshold) {
        this.holdEnvelope();
        const q = this.alloc(n === 0 ? 1 : n);
        this.largeRelease(h);
        this.settleEnvelope();
        return q;
      }
      const li = -h - 1;
      this.largeBytes += n - this.largeSize[li]!;
      this.largeSize[li] = n;
      lower(this.envMin, ENV_LARGE_BYTES, this.largeBytes);
      raise(this.envMax, ENV_LARGE_BYTES, this.largeBytes);
      return h;
    }
    const v = this.blocks[h]!;
    const req = v >>> 16;
    if (!req) this.notLive(h);
    const size = this.blockSize[this.pools[((h >>> this.slotShift) << POOL_STRIDE_SHIFT) + PH_SZIDX]!]!;
    if (n <= size && 4 * n > 3 * size) {
      // Same block: growing within it, or shrinking by less than a quarter.
      this.requestedBytes += n - req;
      this.blocks[h] = (n << 16) | (v & 0xffff);
      return h;
    }
    // Move: malloc first (through the whole allocator, so 0 and > threshold go to libc), then free.
    // The envelope holds states after operations, not the one between the two halves.
    this.holdEnvelope();
    const q = this.alloc(n);
    this.release(h);
    this.settleEnvelope();
    return q;
  }

  /** Saves the envelope before an operation made of two steps (a realloc that moves). */
  private holdEnvelope(): void {
    this.envHeld.set(this.envMin, 0);
    this.envHeld.set(this.envMax, ENV_COUNT);
  }

  /** Restores the saved envelope and widens it to the state after the whole operation. */
  private settleEnvelope(): void {
    const lo = this.envMin;
    const hi = this.envMax;
    for (let k = 0; k < ENV_COUNT; k++) {
      lo[k] = this.envHeld[k]!;
      hi[k] = this.envHeld[ENV_COUNT + k]!;
    }
    // A module function, not a closure made per call: a moving realloc is common (tsx also wraps each new closure in a naming call).
    widen(lo, hi, ENV_REQUESTED_BYTES, this.requestedBytes);
    widen(lo, hi, ENV_BLOCK_BYTES, this.blockBytes);
    widen(lo, hi, ENV_POOLS_USED, this.poolsUsed);
    widen(lo, hi, ENV_POOLS_FULL, this.poolsFull);
    widen(lo, hi, ENV_POOLS_IN_USE, this.poolsUsed + this.poolsFull);
    widen(lo, hi, ENV_POOLS_EMPTY, this.poolsEmpty);
    widen(lo, hi, ENV_ARENAS, this.narenasCurrent);
    widen(lo, hi, ENV_LARGE_BYTES, this.largeBytes);
  }

  /**
   * The replay loop: applies operations `[from, to)` of op columns (shared/ops/op-batch.ts) with
   * handles kept in `table.handles[slot]` (grown on demand), and stops early at the first OP_MARK.
   * Returns the index it stopped at: `to`, or the position of that mark (not consumed), so that the
   * caller can note the marker with the operation count it falls at.
   *
   * The same steps as malloc/free/realloc, with the two commonest cases inlined — a block taken
   * from the head pool of `usedpools[c]` that does not fill it, and a free that leaves its pool
   * partially used — and the arrays held in locals. Every other case goes through the methods
   * above, after which the locals are reloaded (the arrays may have grown).
   */
  applyOps(kind: Uint8Array, slot: Int32Array, size: Int32Array, from: number, to: number, table: HandleTable): number {
    let handles = table.handles;
    let P = this.pools;
    let B = this.blocks;
    const used = this.usedpools;
    const classBlocks = this.classBlocks;
    const numBlocks = this.numBlocks;
    const blockSize = this.blockSize;
    const envMin = this.envMin;
    const envMax = this.envMax;
    // The two envelope quantities the inlined cases change, in locals: an allocation can only raise
    // them and a free only lower them, so each needs one compare.
    // Absolute values: the fields lag by what the inlined cases applied, written back at the end.
    let req = this.requestedBytes;
    let blk = this.blockBytes;
    let reqMin = envMin[ENV_REQUESTED_BYTES]!;
    let reqMax = envMax[ENV_REQUESTED_BYTES]!;
    let blkMin = envMin[ENV_BLOCK_BYTES]!;
    let blkMax = envMax[ENV_BLOCK_BYTES]!;
    const threshold = this.threshold;
    const shift = this.shift;
    const slotShift = this.slotShift;
    const slotMask = this.slotMask;
    let fast = 0;
    let i = from;
    for (; i < to; i++) {
      const k = kind[i]!;
      if (k === OP_ALLOC_KIND) {
        const n = size[i]!;
        const s = slot[i]!;
        if (s >= handles.length) {
          table.ensure(s);
          handles = table.handles;
        }
        if (n > 0 && n <= threshold) {
          const c = (n - 1) >> shift;
          const p = used[c]!;
          if (p !== NIL) {
            const ph = p << POOL_STRIDE_SHIFT;
            const base = p << slotShift;
            const h = base | P[ph + PH_FREEBLOCK]!;
            const next = B[h]! & 0xffff;
            let ok = true;
            if (next !== BLOCK_NIL) {
              P[ph + PH_FREEBLOCK] = next;
            } else {
              const ns = P[ph + PH_NEXTSLOT]!;
              if (ns < numBlocks[c]!) {
                P[ph + PH_FREEBLOCK] = ns;
                B[base | ns] = BLOCK_NIL;
                P[ph + PH_NEXTSLOT] = ns + 1;
              } else {
                ok = false; // the pool fills up: the general path unlinks it
              }
            }
            if (ok) {
              P[ph + PH_COUNT]!++;
              B[h] = (n << 16) | BLOCK_NIL;
              classBlocks[c]!++;
              req += n;
              blk += blockSize[c]!;
              if (req > reqMax) reqMax = req;
              if (blk > blkMax) blkMax = blk;
              handles[s] = h;
              fast++;
              continue;
            }
          }
        }
        // The general path changes the fields; the locals follow by the difference (no store before it).
        const r0 = this.requestedBytes;
        const b0 = this.blockBytes;
        handles[s] = this.malloc(n);
        P = this.pools;
        B = this.blocks;
        req += this.requestedBytes - r0;
        blk += this.blockBytes - b0;
        if (req > reqMax) reqMax = req;
        if (blk > blkMax) blkMax = blk;
      } else if (k === OP_FREE_KIND) {
        const h = handles[slot[i]!]!;
        if (h >= 0) {
          const v = B[h]!;
          if (v >>> 16) {
            const ph = (h >>> slotShift) << POOL_STRIDE_SHIFT;
            const lastfree = P[ph + PH_FREEBLOCK]!;
            const count = P[ph + PH_COUNT]!;
            if (lastfree !== NIL && count > 1) {
              B[h] = lastfree;
              P[ph + PH_FREEBLOCK] = h & slotMask;
              P[ph + PH_COUNT] = count - 1;
              const c = P[ph + PH_SZIDX]!;
              classBlocks[c]!--;
              req -= v >>> 16;
              blk -= blockSize[c]!;
              if (req < reqMin) reqMin = req;
              if (blk < blkMin) blkMin = blk;
              fast++;
              continue;
            }
          }
        }
        const r0 = this.requestedBytes;
        const b0 = this.blockBytes;
        this.free(h);
        P = this.pools;
        B = this.blocks;
        req += this.requestedBytes - r0;
        blk += this.blockBytes - b0;
        if (req < reqMin) reqMin = req;
        if (blk < blkMin) blkMin = blk;
      } else if (k === OP_REALLOC_KIND) {
        const s = slot[i]!;
        const r0 = this.requestedBytes;
        const b0 = this.blockBytes;
        handles[s] = this.realloc(handles[s]!, size[i]!);
        P = this.pools;
        B = this.blocks;
        req += this.requestedBytes - r0;
        blk += this.blockBytes - b0;
        if (req > reqMax) reqMax = req;
        if (blk > blkMax) blkMax = blk;
        if (req < reqMin) reqMin = req;
        if (blk < blkMin) blkMin = blk;
      } else {
        break; // OP_MARK: the caller notes it
      }
    }
    this.ops += fast;
    this.requestedBytes = req;
    this.blockBytes = blk;
    envMin[ENV_REQUESTED_BYTES] = reqMin;
    envMax[ENV_REQUESTED_BYTES] = reqMax;
    envMin[ENV_BLOCK_BYTES] = blkMin;
    envMax[ENV_BLOCK_BYTES] = blkMax;
    return i;
  }

  /** Whether a handle names a pymalloc block (as opposed to a libc one). */
  isSmall(h: number): boolean {
    return h >= 0;
  }

  /** Pool index of a small handle. */
  poolOf(h: number): number {
    return h >>> this.slotShift;
  }

  /** Arena slot (`arenaindex`) of a small handle. */
  arenaOf(h: number): number {
    return h >>> (this.slotShift + this.poolShift);
  }

  /** Block index within its pool: `(addr − pool − POOL_OVERHEAD) / blocksize`. */
  slotOf(h: number): number {
    return h & this.slotMask;
  }

  /** Size class of a small handle. */
  szidxOf(h: number): number {
    return this.poolField(h >>> this.slotShift, PH_SZIDX);
  }

  /** A pool header field (PH_COUNT, PH_FREEBLOCK, …) of pool `p`. */
  poolField(p: number, field: number): number {
    return this.pools[(p << POOL_STRIDE_SHIFT) + field]!;
  }

  /** The free-list link stored in block `h` (BLOCK_NIL at the end). */
  blockLink(h: number): number {
    return this.blocks[h]! & 0xffff;
  }

  // =========================================================================================
  // Allocation path (pymalloc_alloc)
  // =========================================================================================

  private alloc(n: number): number {
    if (n === 0 || n > this.threshold) return this.largeAlloc(n);
    const c = (n - 1) >> this.shift;
    const p = this.usedpools[c]!;
    if (p === NIL) return this.allocFromNewPool(c, n);
    // Pop the head of the first used pool's free list.
    const P = this.pools;
    const B = this.blocks;
    const ph = p << POOL_STRIDE_SHIFT;
    P[ph + PH_COUNT]!++;
    const base = p << this.slotShift;
    const slot = P[ph + PH_FREEBLOCK]!;
    const h = base | slot;
    const next = B[h]! & 0xffff;
    if (next !== BLOCK_NIL) {
      P[ph + PH_FREEBLOCK] = next;
    } else {
      // pymalloc_pool_extend: stage the next never-used block, or the pool is now full.
      const ns = P[ph + PH_NEXTSLOT]!;
      if (ns < this.numBlocks[c]!) {
        P[ph + PH_FREEBLOCK] = ns;
        B[base | ns] = BLOCK_NIL;
        P[ph + PH_NEXTSLOT] = ns + 1;
      } else {
        P[ph + PH_FREEBLOCK] = NIL;
        const nx = P[ph + PH_NEXTPOOL]!;
        this.usedpools[c] = nx;
        if (nx !== NIL) P[(nx << POOL_STRIDE_SHIFT) + PH_PREVPOOL] = NIL;
        this.classUsedPools[c]!--;
        this.classFullPools[c]!++;
        this.poolsUsed--;
        this.poolsFull++;
        lower(this.envMin, ENV_POOLS_USED, this.poolsUsed);
        raise(this.envMax, ENV_POOLS_FULL, this.poolsFull);
      }
    }
    B[h] = (n << 16) | BLOCK_NIL;
    this.classBlocks[c]!++;
    this.blockBytes += this.blockSize[c]!;
    this.requestedBytes += n;
    return h;
  }

  /** allocate_from_new_pool (3.9 name; the same steps inline in older `PyObject_Malloc`). */
  private allocFromNewPool(c: number, n: number): number {
    let p: number;
    const P = this.pools;
    if (this.globalFreepools) {
      // G0: the global empty-pool list first, else the next never-used pool of the newest arena.
      p = this.freepools;
      if (p !== NIL) {
        this.freepools = P[(p << POOL_STRIDE_SHIFT) + PH_NEXTPOOL]!;
        this.poolsEmpty--;
      } else {
        let a = this.newestArena;
        if (a === NIL || this.arenaNfree[a] === 0) a = this.newArena();
        p = (a << this.poolShift) + this.arenaPoolAddress[a]!++;
        this.arenaNfree[a]!--;
        this.pools[(p << POOL_STRIDE_SHIFT) + PH_SZIDX] = DUMMY_SIZE_IDX;
        this.poolsCarved++;
      }
    } else {
      let a = this.usableArenas;
      if (a === NIL) {
        a = this.newArena();
        this.usableArenas = a;
        this.arenaNext[a] = NIL;
        this.arenaPrev[a] = NIL;
        this.nfp2lasta[this.arenaNfree[a]!] = a;
      }
      // The head has the fewest free pools: taking one keeps the list sorted.
      const nf = this.arenaNfree[a]!;
      if (this.nfp2lasta[nf] === a) this.nfp2lasta[nf] = NIL;
      if (nf > 1) this.nfp2lasta[nf - 1] = a;
      p = this.arenaFreepools[a]!;
      if (p !== NIL) {
        this.arenaFreepools[a] = this.pools[(p << POOL_STRIDE_SHIFT) + PH_NEXTPOOL]!;
        this.poolsEmpty--;
      } else {
        p = (a << this.poolShift) + this.arenaPoolAddress[a]!++;
        this.pools[(p << POOL_STRIDE_SHIFT) + PH_SZIDX] = DUMMY_SIZE_IDX;
        this.poolsCarved++;
      }
      this.arenaNfree[a] = nf - 1;
      if (nf === 1) {
        // Wholly allocated: leaves usable_arenas.
        const nx = this.arenaNext[a]!;
        this.usableArenas = nx;
        if (nx !== NIL) this.arenaPrev[nx] = NIL;
      }
    }
    // Frontlink as the only pool of usedpools[c] (it was empty). `pools` may have grown.
    const Q = this.pools;
    const B = this.blocks;
    const ph = p << POOL_STRIDE_SHIFT;
    this.usedpools[c] = p;
    Q[ph + PH_NEXTPOOL] = NIL;
    Q[ph + PH_PREVPOOL] = NIL;
    Q[ph + PH_COUNT] = 1;
    this.classUsedPools[c]!++;
    this.poolsUsed++;
    raise(this.envMax, ENV_POOLS_USED, this.poolsUsed);
    raise(this.envMax, ENV_POOLS_IN_USE, this.poolsUsed + this.poolsFull);
    lower(this.envMin, ENV_POOLS_EMPTY, this.poolsEmpty);
    this.classBlocks[c]!++;
    this.blockBytes += this.blockSize[c]!;
    this.requestedBytes += n;
    const base = p << this.slotShift;
    let slot: number;
    if (Q[ph + PH_SZIDX] === c) {
      // The pool last served this class: its free list is still valid; hand out its head.
      slot = Q[ph + PH_FREEBLOCK]!;
      Q[ph + PH_FREEBLOCK] = B[base | slot]! & 0xffff;
    } else {
      // Initialise: hand out block 0, stage block 1, next never-used block is 2.
      Q[ph + PH_SZIDX] = c;
      slot = 0;
      Q[ph + PH_FREEBLOCK] = 1;
      B[base | 1] = BLOCK_NIL;
      Q[ph + PH_NEXTSLOT] = 2;
    }
    B[base | slot] = (n << 16) | BLOCK_NIL;
    return base | slot;
  }

  /** new_arena(): take an `arena_object` slot and give it ARENA_SIZE bytes. */
  private newArena(): number {
    let a: number;
    if (this.globalFreepools) {
      // G0: the address vector just grows; arenas are never given back.
      a = this.newestArena + 1;
      if (a >= this.maxarenas) this.growArenas(this.maxarenas === 0 ? INITIAL_ARENA_OBJECTS : this.maxarenas * 2);
      this.newestArena = a;
    } else {
      if (this.unusedArenaObjects === NIL) {
        const old = this.maxarenas;
        const cap = old === 0 ? INITIAL_ARENA_OBJECTS : old * 2;
        this.growArenas(cap);
        // Chain the new slots in ascending order.
        for (let i = old; i < cap; i++) this.arenaNext[i] = i + 1 < cap ? i + 1 : NIL;
        this.unusedArenaObjects = old;
      }
      a = this.unusedArenaObjects;
      this.unusedArenaObjects = this.arenaNext[a]!;
    }
    const ntotal = this.nextArenaPools();
    this.arenaAddress[a] = 1;
    this.arenaFreepools[a] = NIL;
    this.arenaPoolAddress[a] = 0;
    this.arenaNtotal[a] = ntotal;
    this.arenaNfree[a] = ntotal;
    this.narenasCurrent++;
    this.ntimesArenaAllocated++;
    if (this.narenasCurrent > this.narenasHighwater) this.narenasHighwater = this.narenasCurrent;
    raise(this.envMax, ENV_ARENAS, this.narenasCurrent);
    if (ntotal < this.maxPools) this.misalignedArenas++;
    this.poolsInArenas += ntotal;
    return a;
  }

  /** Pools of the next arena: from `arenaSequence` while it lasts, else the alignment option. */
  private nextArenaPools(): number {
    let k = this.ntimesArenaAllocated;
    for (const [pools, count] of this.arenaSequence) {
      if (k < count) return pools;
      k -= count;
    }
    return this.arenaAlignment === 'aligned' ? this.maxPools : this.maxPools - 1;
  }

  // =========================================================================================
  // Free path (pymalloc_free, insert_to_usedpool, insert_to_freepool)
  // =========================================================================================

  /** Free a live small block (the caller checked it). */
  private release(h: number): void {
    if (h < 0) {
      this.largeRelease(h);
      return;
    }
    const P = this.pools;
    const B = this.blocks;
    const p = h >>> this.slotShift;
    const ph = p << POOL_STRIDE_SHIFT;
    const c = P[ph + PH_SZIDX]!;
    this.requestedBytes -= B[h]! >>> 16;
    this.classBlocks[c]!--;
    this.blockBytes -= this.blockSize[c]!;
    // Push on the pool's free list.
    const lastfree = P[ph + PH_FREEBLOCK]!;
    B[h] = lastfree === NIL ? BLOCK_NIL : lastfree;
    P[ph + PH_FREEBLOCK] = h & this.slotMask;
    const count = --P[ph + PH_COUNT]!;
    if (lastfree === NIL) {
      // The pool was full: it goes to the front of usedpools[c], serving the next request.
      const head = this.usedpools[c]!;
      P[ph + PH_NEXTPOOL] = head;
      P[ph + PH_PREVPOOL] = NIL;
      if (head !== NIL) P[(head << POOL_STRIDE_SHIFT) + PH_PREVPOOL] = p;
      this.usedpools[c] = p;
      this.classFullPools[c]!--;
      this.classUsedPools[c]!++;
      this.poolsFull--;
      this.poolsUsed++;
      lower(this.envMin, ENV_POOLS_FULL, this.poolsFull);
      raise(this.envMax, ENV_POOLS_USED, this.poolsUsed);
      return;
    }
    if (count !== 0) return;
    // The pool is empty: unlink it from usedpools[c].
    const nx = P[ph + PH_NEXTPOOL]!;
    const pv = P[ph + PH_PREVPOOL]!;
    if (pv !== NIL) P[(pv << POOL_STRIDE_SHIFT) + PH_NEXTPOOL] = nx;
    else this.usedpools[c] = nx;
    if (nx !== NIL) P[(nx << POOL_STRIDE_SHIFT) + PH_PREVPOOL] = pv;
    this.classUsedPools[c]!--;
    this.poolsUsed--;
    this.poolsEmpty++;
    lower(this.envMin, ENV_POOLS_USED, this.poolsUsed);
    lower(this.envMin, ENV_POOLS_IN_USE, this.poolsUsed + this.poolsFull);
    if (this.globalFreepools) {
      P[ph + PH_NEXTPOOL] = this.freepools;
      this.freepools = p;
      raise(this.envMax, ENV_POOLS_EMPTY, this.poolsEmpty);
      return;
    }
    this.insertToFreepool(p);
    // After the arena's fate is settled: an arena released with this pool never showed one more empty pool.
    raise(this.envMax, ENV_POOLS_EMPTY, this.poolsEmpty);
  }

  private insertToFreepool(p: number): void {
    const a = p >>> this.poolShift;
    this.pools[(p << POOL_STRIDE_SHIFT) + PH_NEXTPOOL] = this.arenaFreepools[a]!;
    this.arenaFreepools[a] = p;
    let nf = this.arenaNfree[a]!;
    const lastnf = this.nfp2lasta[nf]!;
    if (lastnf === a) {
      // It was the rightmost arena with nf free pools: its left neighbour may be the new one.
      const pv = this.arenaPrev[a]!;
      this.nfp2lasta[nf] = pv !== NIL && this.arenaNfree[pv] === nf ? pv : NIL;
    }
    this.arenaNfree[a] = ++nf;

    // Case 1: every pool is empty. Release it, unless (3.9+) it is the tail of usable_arenas.
    if (nf === this.arenaNtotal[a] && !this.releaseNever && (this.releaseAlways || this.arenaNext[a] !== NIL)) {
      this.releaseArena(a);
      return;
    }
    // Case 2: the arena had no free pool, so it was in no list: it becomes the head.
    if (nf === 1) {
      const head = this.usableArenas;
      this.arenaNext[a] = head;
      this.arenaPrev[a] = NIL;
      if (head !== NIL) this.arenaPrev[head] = a;
      this.usableArenas = a;
      if (this.nfp2lasta[1] === NIL) this.nfp2lasta[1] = a;
      return;
    }
    if (this.nfp2lasta[nf] === NIL) this.nfp2lasta[nf] = a;
    // Case 4: it was the rightmost of its old count, so the list is still sorted.
    if (a === lastnf) return;
    // Case 3: slide right, to just after the last arena with the old count.
    const pv = this.arenaPrev[a]!;
    const nx = this.arenaNext[a]!;
    if (pv !== NIL) this.arenaNext[pv] = nx;
    else this.usableArenas = nx;
    this.arenaPrev[nx] = pv;
    const after = this.arenaNext[lastnf]!;
    this.arenaPrev[a] = lastnf;
    this.arenaNext[a] = after;
    if (after !== NIL) this.arenaPrev[after] = a;
    this.arenaNext[lastnf] = a;
  }

  private releaseArena(a: number): void {
    const pv = this.arenaPrev[a]!;
    const nx = this.arenaNext[a]!;
    if (pv !== NIL) this.arenaNext[pv] = nx;
    else this.usableArenas = nx;
    if (nx !== NIL) this.arenaPrev[nx] = pv;
    this.arenaNext[a] = this.unusedArenaObjects;
    this.unusedArenaObjects = a;
    this.arenaAddress[a] = 0;
    this.narenasCurrent--;
    const carved = this.arenaPoolAddress[a]!;
    this.poolsCarved -= carved;
    this.poolsEmpty -= carved;
    lower(this.envMin, ENV_ARENAS, this.narenasCurrent);
    lower(this.envMin, ENV_POOLS_EMPTY, this.poolsEmpty);
    this.poolsInArenas -= this.arenaNtotal[a]!;
    if (this.arenaNtotal[a]! < this.maxPools) this.misalignedArenas--;
    // The pools' headers are left as they were: a reused slot carves its pools afresh (szidx DUMMY).
  }

  // =========================================================================================
  // Blocks outside pymalloc (requests of 0 or above the threshold)
  // =========================================================================================

  private largeAlloc(n: number): number {
    let li: number;
    if (this.largeFreeTop > 0) {
      li = this.largeFreeSlots[--this.largeFreeTop]!;
    } else {
      li = this.largeTop++;
      if (li >= this.largeSize.length) this.growLarge(Math.max(64, this.largeSize.length * 2));
    }
    this.largeSize[li] = n;
    this.largeLive[li] = 1;
    this.largeCount++;
    this.largeBytes += n;
    raise(this.envMax, ENV_LARGE_BYTES, this.largeBytes);
    return -(li + 1);
  }

  private largeRelease(h: number): void {
    const li = -h - 1;
    this.largeLive[li] = 0;
    this.largeCount--;
    this.largeBytes -= this.largeSize[li]!;
    lower(this.envMin, ENV_LARGE_BYTES, this.largeBytes);
    this.largeFreeSlots[this.largeFreeTop++] = li;
  }

  private checkLarge(h: number): void {
    const li = -h - 1;
    if (!(li < this.largeTop && this.largeLive[li] === 1)) this.notLive(h);
  }

  private notLive(h: number): never {
    throw new EngineError(`handle ${h} does not name a live block (double free or stale handle)`);
  }

  // =========================================================================================
  // Storage growth
  // =========================================================================================

  private growArenas(cap: number): void {
    const pools = cap * this.maxPools;
    const slots = pools << this.slotShift;
    if (pools * 2 ** this.slotShift > MAX_BLOCK_SLOTS) {
      throw new EngineError(
        `the model is limited to ${MAX_BLOCK_SLOTS >>> (this.slotShift + this.poolShift)} arena slots ` +
          `(${((MAX_BLOCK_SLOTS / 2 ** (this.slotShift + this.poolShift)) * this.preset.ARENA_SIZE) / 2 ** 30} GiB of arenas)`,
      );
    }
    this.arenaAddress = grow(this.arenaAddress, cap);
    this.arenaPoolAddress = grow(this.arenaPoolAddress, cap);
    this.arenaNfree = grow(this.arenaNfree, cap);
    this.arenaNtotal = grow(this.arenaNtotal, cap);
    this.arenaFreepools = grow(this.arenaFreepools, cap);
    this.arenaNext = grow(this.arenaNext, cap);
    this.arenaPrev = grow(this.arenaPrev, cap);
    this.pools = grow(this.pools, pools << POOL_STRIDE_SHIFT);
    this.blocks = grow(this.blocks, slots);
    this.maxarenas = cap;
  }

  private growLarge(cap: number): void {
    this.largeSize = grow(this.largeSize, cap);
    this.largeLive = grow(this.largeLive, cap);
    this.largeFreeSlots = grow(this.largeFreeSlots, cap);
  }

  // =========================================================================================
  // Introspection
  // =========================================================================================

  /** A fresh statistics snapshot (plain data). */
  stats(): StatsSnapshot {
    const g = this.geometry;
    const P = this.preset;
    const n = g.nclasses;
    const usedPools = new Array<number>(n);
    const fullPools = new Array<number>(n);
    const blocks = new Array<number>(n);
    const availableBlocks = new Array<number>(n);
    let inUseBytes = 0;
    let availBytes = 0;
    let quant = 0;
    let poolsUsed = 0;
    let poolsFull = 0;
    for (let c = 0; c < n; c++) {
      const u = this.classUsedPools[c]!;
      const f = this.classFullPools[c]!;
      const b = this.classBlocks[c]!;
      const avail = (u + f) * g.numBlocks[c]! - b;
      usedPools[c] = u;
      fullPools[c] = f;
      blocks[c] = b;
      availableBlocks[c] = avail;
      inUseBytes += b * g.blockSize[c]!;
      availBytes += avail * g.blockSize[c]!;
      quant += (u + f) * g.quantization[c]!;
      poolsUsed += u;
      poolsFull += f;
    }
    const untouched = this.poolsInArenas - this.poolsCarved;
    return {
      statsVersion: STATS_VERSION,
      ops: this.ops,
      classes: { usedPools, fullPools, blocks, availableBlocks },
      pools: { used: poolsUsed, full: poolsFull, empty: this.poolsEmpty, untouched },
      arenas: {
        current: this.narenasCurrent,
        highwater: this.narenasHighwater,
        allocatedTotal: this.ntimesArenaAllocated,
        reclaimed: this.ntimesArenaAllocated - this.narenasCurrent,
        misaligned: this.misalignedArenas,
      },
      bytes: {
        requested: this.requestedBytes,
        blocksInUse: inUseBytes,
        availableBlocks: availBytes,
        freePools: (untouched + this.poolsEmpty) * P.POOL_SIZE,
        poolHeaders: (poolsUsed + poolsFull) * P.POOL_OVERHEAD,
        quantization: quant,
        arenaAlignment: this.misalignedArenas * P.POOL_SIZE,
        arenas: this.narenasCurrent * P.ARENA_SIZE,
        large: this.largeBytes,
      },
      large: { count: this.largeCount, bytes: this.largeBytes },
    };
  }

  /** Bytes of the model's own typed arrays (its memory cost, not the simulated memory). */
  modelBytes(): number {
    let total = 0;
    for (const v of Object.values(this)) if (ArrayBuffer.isView(v)) total += v.byteLength;
    return total;
  }
}

/** A copy of `a` with length `n`, new entries 0. */
function grow<T extends Int32Array | Uint8Array | Float64Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** Envelope entry `k` goes down to `value` if lower (a quantity just fell). */
/** Widens the envelope [min, max] of item k to take in `value`. */
function widen(min: Float64Array, max: Float64Array, k: number, value: number): void {
  lower(min, k, value);
  raise(max, k, value);
}

function lower(min: Float64Array, k: number, value: number): void {
  if (value < min[k]!) min[k] = value;
}

/** Envelope entry `k` goes up to `value` if higher (a quantity just rose). */
function raise(max: Float64Array, k: number, value: number): void {
  if (value > max[k]!) max[k] = value;
}
