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
 *   a block's link is 8 or 16 bits (9 in 8-byte-class pools), a handed-out block holds the live code;
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
/** `blockLink` of a live block. */
export const LINK_LIVE = -2;
/** Stored codes of the end of a list and of a live block in a 9-bit (wide class) link. */
const NIL9 = 0x1ff;
const LIVE9 = 0x1fe;
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
/** `pools` grows by at least this factor, copying: its slack stays an eighth of a small array. */
const POOLS_GROWTH = 1.125;
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
   * Per arena slot, one array of link codes, one per block slot of its pools (index: the handle's
   * low `slotShift + poolShift` bits): the free-list link CPython stores inside a free block (the
   * next free slot), `linkNil` at the end of a list, `linkLive` for a block handed out. Bytes where
   * a pool holds at most 253 blocks (4 KiB pools of 16-byte classes), 16 bits in 16 KiB pools. In
   * 4 KiB pools of 8-byte classes (`wideClass` 0 of 2.3–3.7) a link needs 9 bits: the ninth is in
   * a bitmap after the bytes (`wideOffset`), so a block costs at most an eighth of a 16-byte one.
   * An arena slot's array is made when the slot first holds an arena and kept for its next one,
   * like the pool headers: storage follows the arenas in use, not the doubled `arenas[]` vector.
   * A live block's requested size is not kept here: the layer that knows ids keeps it
   * (`HandleTable.sizes`) and passes it to free and realloc.
   */
  readonly linkChunks: Array<Uint8Array | Uint16Array> = [];
  /** End of a list and live block, as stored (all ones and all ones but the lowest bit). */
  readonly linkNil: number;
  readonly linkLive: number;
  /** The size class whose links take 9 bits, or −2. */
  readonly wideClass: number;
  /** Where the ninth bits start in an arena's link array (= block slots per arena). */
  readonly wideOffset: number;
  /** log2(block slots per arena): handle → arena slot. */
  readonly arenaShift: number;

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
    // Link codes: bytes while every class but the first leaves the two top codes free; the first
    // may then need a ninth bit (2.3–3.7's 8-byte class: 506 blocks); else 16 bits.
    this.arenaShift = g.slotShift + this.poolShift;
    this.wideOffset = 1 << this.arenaShift;
    const byteSized = g.nclasses < 2 || g.numBlocks[1]! <= 254;
    this.linkNil = byteSized ? 0xff : 0xffff;
    this.linkLive = this.linkNil - 1;
    // No wide class: −2, which no pool's szidx (≥ DUMMY_SIZE_IDX) equals.
    this.wideClass = byteSized && g.numBlocks[0]! > 254 ? 0 : -2;
    if (g.numBlocks[0]! > (this.wideClass === 0 ? 510 : this.linkLive)) {
      throw new EngineError(`${g.numBlocks[0]} blocks per pool: more than a link code holds`);
    }
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

  /**
   * `PyObject_Free(p)`. `requested` is the size the block was last asked for (malloc or realloc):
   * the caller keeps it with the object's id; for a block outside pymalloc the model knows it.
   */
  free(h: number, requested: number): void {
    this.ops++;
    if (h >= 0) {
      // The live test reads the link the free path writes next: no extra memory traffic.
      if (!this.isLive(h)) this.notLive(h);
      this.release(h, requested);
    } else {
      this.checkLarge(h);
      this.largeRelease(h);
    }
  }

  /** `PyObject_Realloc(p, n)`: returns the (possibly new) handle. `requested`: as for `free`. */
  realloc(h: number, n: number, requested: number): number {
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
    if (!this.isLive(h)) this.notLive(h);
    const size = this.blockSize[this.pools[((h >>> this.slotShift) << POOL_STRIDE_SHIFT) + PH_SZIDX]!]!;
    if (n <= size && 4 * n > 3 * size) {
      // Same block: growing within it, or shrinking by less than a quarter.
      this.requestedBytes += n - requested;
      return h;
    }
    // Move: malloc first (through the whole allocator, so 0 and > threshold go to libc), then free.
    // The envelope holds states after operations, not the one between the two halves.
    this.holdEnvelope();
    const q = this.alloc(n);
    this.release(h, requested);
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
    let sizes = table.sizes;
    let P = this.pools;
    const chunks = this.linkChunks;
    const AS = this.arenaShift;
    const AM = this.wideOffset - 1;
    const NILB = this.linkNil;
    const LIVEB = this.linkLive;
    // Pools of this class keep 9-bit links (bytes + a bit after them): their cases take the methods.
    const W = this.wideClass;
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
          sizes = table.sizes;
        }
        if (n > 0 && n <= threshold) {
          const c = (n - 1) >> shift;
          const p = used[c]!;
          if (p !== NIL && c !== W) {
            const ph = p << POOL_STRIDE_SHIFT;
            const base = p << slotShift;
            const h = base | P[ph + PH_FREEBLOCK]!;
            const A = chunks[h >>> AS]!;
            const next = A[h & AM]!;
            if (next !== NILB) {
              P[ph + PH_FREEBLOCK] = next;
            } else {
              const ns = P[ph + PH_NEXTSLOT]!;
              if (ns < numBlocks[c]!) {
                P[ph + PH_FREEBLOCK] = ns;
                A[(base | ns) & AM] = NILB;
                P[ph + PH_NEXTSLOT] = ns + 1;
              } else {
                this.poolFilled(p, c);
              }
            }
            P[ph + PH_COUNT]!++;
            A[h & AM] = LIVEB;
            classBlocks[c]!++;
            req += n;
            blk += blockSize[c]!;
            if (req > reqMax) reqMax = req;
            if (blk > blkMax) blkMax = blk;
            handles[s] = h;
            sizes[s] = n;
            fast++;
            continue;
          }
        }
        // The general path changes the fields; the locals follow by the difference (no store before it).
        const r0 = this.requestedBytes;
        const b0 = this.blockBytes;
        handles[s] = this.malloc(n);
        sizes[s] = n;
        P = this.pools;
        req += this.requestedBytes - r0;
        blk += this.blockBytes - b0;
        if (req > reqMax) reqMax = req;
        if (blk > blkMax) blkMax = blk;
      } else if (k === OP_FREE_KIND) {
        const s = slot[i]!;
        const h = handles[s]!;
        if (h >= 0) {
          const ph = (h >>> slotShift) << POOL_STRIDE_SHIFT;
          const c = P[ph + PH_SZIDX]!;
          const A = chunks[h >>> AS];
          if (A !== undefined && A[h & AM] === LIVEB && c !== W) {
            const lastfree = P[ph + PH_FREEBLOCK]!;
            const count = P[ph + PH_COUNT]!;
            // The pool stays partially used (a full or emptied pool takes the general path: handling
            // the full one here measured +24 % instructions on seed-16b for −16 % on churn).
            if (lastfree !== NIL && count > 1) {
              A[h & AM] = lastfree;
              P[ph + PH_FREEBLOCK] = h & slotMask;
              P[ph + PH_COUNT] = count - 1;
              classBlocks[c]!--;
              req -= sizes[s]!;
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
        this.free(h, sizes[s]!);
        P = this.pools;
        req += this.requestedBytes - r0;
        blk += this.blockBytes - b0;
        if (req < reqMin) reqMin = req;
        if (blk < blkMin) blkMin = blk;
      } else if (k === OP_REALLOC_KIND) {
        const s = slot[i]!;
        const n = size[i]!;
        const r0 = this.requestedBytes;
        const b0 = this.blockBytes;
        const q = this.realloc(handles[s]!, n, sizes[s]!);
        handles[s] = q;
        // reallocatedSize(n, q), written out: the call here measured +3.6 % instructions on seed-16b (code layout).
        sizes[s] = n === 0 && q >= 0 ? 1 : n;
        P = this.pools;
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

  /** The free-list link stored in block `h`: the next free slot, NIL (−1) at the end, LINK_LIVE when handed out. */
  blockLink(h: number): number {
    const A = this.linkChunks[h >>> this.arenaShift];
    if (A === undefined) return NIL;
    return this.linkAt(A, h & (this.wideOffset - 1), this.pools[((h >>> this.slotShift) << POOL_STRIDE_SHIFT) + PH_SZIDX]!);
  }

  /** Whether small handle `h` names a block handed out and not freed (on every free: kept small, so that it inlines). */
  isLive(h: number): boolean {
    const A = this.linkChunks[h >>> this.arenaShift];
    if (A === undefined) return false;
    const x = h & (this.wideOffset - 1);
    // The live code's low byte is the same in a 9-bit link (LIVE9 & 0xff === linkLive).
    if (A[x] !== this.linkLive) return false;
    return this.pools[((h >>> this.slotShift) << POOL_STRIDE_SHIFT) + PH_SZIDX] !== this.wideClass || ((A[this.wideOffset + (x >>> 3)]! >>> (x & 7)) & 1) === 1;
  }

  /** The link at index `x` of arena link array `A`, in a pool of class `c`: a slot, NIL or LINK_LIVE. */
  private linkAt(A: Uint8Array | Uint16Array, x: number, c: number): number {
    const v = A[x]!;
    if (c !== this.wideClass) return v === this.linkNil ? NIL : v === this.linkLive ? LINK_LIVE : v;
    const w = v | (((A[this.wideOffset + (x >>> 3)]! >>> (x & 7)) & 1) << 8);
    return w === NIL9 ? NIL : w === LIVE9 ? LINK_LIVE : w;
  }

  /** Stores link `v` (a slot, NIL or LINK_LIVE) at index `x` of arena link array `A`, in a pool of class `c`. */
  private setLinkAt(A: Uint8Array | Uint16Array, x: number, c: number, v: number): void {
    if (c !== this.wideClass) {
      A[x] = v === NIL ? this.linkNil : v === LINK_LIVE ? this.linkLive : v;
      return;
    }
    const w = v === NIL ? NIL9 : v === LINK_LIVE ? LIVE9 : v;
    A[x] = w & 0xff;
    const j = this.wideOffset + (x >>> 3);
    const m = 1 << (x & 7);
    A[j] = w > 0xff ? A[j]! | m : A[j]! & ~m;
  }

  /**
   * Before pool `p` stops being of the wide class: its bytes alone could read as the live code in a
   * slot the next class has not handed out yet (a 9-bit link to slot 254), so they are cleared.
   */
  private leaveWideClass(p: number): void {
    if (this.pools[(p << POOL_STRIDE_SHIFT) + PH_SZIDX] !== this.wideClass) return;
    const A = this.linkChunks[p >>> this.poolShift]!;
    const x = (p << this.slotShift) & (this.wideOffset - 1);
    A.fill(0, x, x + (1 << this.slotShift));
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
    const ph = p << POOL_STRIDE_SHIFT;
    P[ph + PH_COUNT]!++;
    const base = p << this.slotShift;
    const slot = P[ph + PH_FREEBLOCK]!;
    const h = base | slot;
    const A = this.linkChunks[p >>> this.poolShift]!;
    const am = this.wideOffset - 1;
    const next = this.linkAt(A, h & am, c);
    if (next !== NIL) {
      P[ph + PH_FREEBLOCK] = next;
    } else {
      // pymalloc_pool_extend: stage the next never-used block, or the pool is now full.
      const ns = P[ph + PH_NEXTSLOT]!;
      if (ns < this.numBlocks[c]!) {
        P[ph + PH_FREEBLOCK] = ns;
        this.setLinkAt(A, (base | ns) & am, c, NIL);
        P[ph + PH_NEXTSLOT] = ns + 1;
      } else {
        this.poolFilled(p, c);
      }
    }
    this.setLinkAt(A, h & am, c, LINK_LIVE);
    this.classBlocks[c]!++;
    this.blockBytes += this.blockSize[c]!;
    this.requestedBytes += n;
    return h;
  }

  /** The head pool of usedpools[c] handed out its last block: it is full and leaves the list. A method of its own keeps `alloc` small enough to inline. */
  private poolFilled(p: number, c: number): void {
    const P = this.pools;
    P[(p << POOL_STRIDE_SHIFT) + PH_FREEBLOCK] = NIL;
    const nx = P[(p << POOL_STRIDE_SHIFT) + PH_NEXTPOOL]!;
    this.usedpools[c] = nx;
    if (nx !== NIL) P[(nx << POOL_STRIDE_SHIFT) + PH_PREVPOOL] = NIL;
    this.classUsedPools[c]!--;
    this.classFullPools[c]!++;
    this.poolsUsed--;
    this.poolsFull++;
    lower(this.envMin, ENV_POOLS_USED, this.poolsUsed);
    raise(this.envMax, ENV_POOLS_FULL, this.poolsFull);
  }

  /** A full pool had a block freed: it goes to the front of usedpools[c], serving the next request. */
  private poolUnfilled(p: number, c: number): void {
    const P = this.pools;
    const head = this.usedpools[c]!;
    P[(p << POOL_STRIDE_SHIFT) + PH_NEXTPOOL] = head;
    P[(p << POOL_STRIDE_SHIFT) + PH_PREVPOOL] = NIL;
    if (head !== NIL) P[(head << POOL_STRIDE_SHIFT) + PH_PREVPOOL] = p;
    this.usedpools[c] = p;
    this.classFullPools[c]!--;
    this.classUsedPools[c]!++;
    this.poolsFull--;
    this.poolsUsed++;
    lower(this.envMin, ENV_POOLS_FULL, this.poolsFull);
    raise(this.envMax, ENV_POOLS_USED, this.poolsUsed);
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
        this.leaveWideClass(p);
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
        this.leaveWideClass(p);
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
    const A = this.linkChunks[p >>> this.poolShift]!;
    const am = this.wideOffset - 1;
    let slot: number;
    if (Q[ph + PH_SZIDX] === c) {
      // The pool last served this class: its free list is still valid; hand out its head.
      slot = Q[ph + PH_FREEBLOCK]!;
      Q[ph + PH_FREEBLOCK] = this.linkAt(A, (base | slot) & am, c);
    } else {
      // Initialise: hand out block 0, stage block 1, next never-used block is 2.
      this.leaveWideClass(p);
      Q[ph + PH_SZIDX] = c;
      slot = 0;
      Q[ph + PH_FREEBLOCK] = 1;
      this.setLinkAt(A, (base | 1) & am, c, NIL);
      Q[ph + PH_NEXTSLOT] = 2;
    }
    this.setLinkAt(A, (base | slot) & am, c, LINK_LIVE);
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
    this.ensureStorage(a);
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

  /** Free a live small block of `requested` bytes (the caller checked it). */
  private release(h: number, requested: number): void {
    if (h < 0) {
      this.largeRelease(h);
      return;
    }
    const P = this.pools;
    const p = h >>> this.slotShift;
    const ph = p << POOL_STRIDE_SHIFT;
    const c = P[ph + PH_SZIDX]!;
    this.requestedBytes -= requested;
    this.classBlocks[c]!--;
    this.blockBytes -= this.blockSize[c]!;
    // Push on the pool's free list.
    const lastfree = P[ph + PH_FREEBLOCK]!;
    this.setLinkAt(this.linkChunks[p >>> this.poolShift]!, h & (this.wideOffset - 1), c, lastfree);
    P[ph + PH_FREEBLOCK] = h & this.slotMask;
    const count = --P[ph + PH_COUNT]!;
    if (lastfree === NIL) {
      this.poolUnfilled(p, c);
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
    this.maxarenas = cap;
  }

  /**
   * Pool headers and block links for arena slot `a`. Slots are taken lowest first (fresh ones are
   * chained in ascending order, freed ones reused first), so storage covers the high-water mark of
   * arenas: the headers grow by POOLS_GROWTH (copying a small array), each new slot gets its own
   * link array (never copied), and a reused slot keeps its arrays as they were.
   */
  private ensureStorage(a: number): void {
    const chunks = this.linkChunks;
    if (a < chunks.length) return;
    if (a !== chunks.length) throw new Error(`internal: arena slot ${a} taken before slot ${chunks.length}`);
    const slots = this.wideOffset;
    chunks.push(this.linkNil === 0xff ? new Uint8Array(slots + (this.wideClass >= 0 ? slots >>> 3 : 0)) : new Uint16Array(slots));
    const need = (a + 1) * this.maxPools * (1 << POOL_STRIDE_SHIFT);
    if (need > this.pools.length) {
      const next = new Int32Array(Math.max(need, Math.ceil((this.pools.length * POOLS_GROWTH) / 256) * 256));
      next.set(this.pools);
      this.pools = next;
    }
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
    for (const c of this.linkChunks) total += c.byteLength;
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
