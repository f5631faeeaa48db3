/**
 * The engine's statistics snapshot: versioned plain data (numbers and number arrays only), so it
 * can cross IPC, be stored in a session file or compared in a test without conversion.
 *
 * Bytes follow `sys._debugmallocstats()` (Objects/obmalloc.c `pymalloc_print_stats`): the
 * breakdown fields of `bytes` other than `requested` and `large` sum exactly to
 * `arenas.current × ARENA_SIZE`:
 *
 *   blocksInUse + availableBlocks + freePools + poolHeaders + quantization + arenaAlignment
 *     == arenaBytes
 */
export const STATS_VERSION = 1;

export interface ClassStats {
  /** One entry per size class `szidx` (block size `(szidx + 1) << ALIGNMENT_SHIFT`). */
  /** Partially used pools of the class (members of `usedpools[szidx]`). */
  usedPools: number[];
  /** Pools of the class with every block handed out (in no list). */
  fullPools: number[];
  /** Σ pool `ref.count` over the class's pools: blocks handed out. */
  blocks: number[];
  /** Σ (NUMBLOCKS − count) over used and full pools: free plus never-carved blocks. */
  availableBlocks: number[];
}

export interface PoolStats {
  /** Partially used pools (0 < count < NUMBLOCKS). */
  used: number;
  /** Pools with every block handed out. */
  full: number;
  /** Carved pools with count 0, waiting on a `freepools` list. */
  empty: number;
  /** Pools of allocated arenas never carved yet (beyond `pool_address`). */
  untouched: number;
}

export interface ArenaStats {
  /** `narenas_currently_allocated`. */
  current: number;
  /** `narenas_highwater`: the largest `current` seen. */
  highwater: number;
  /** `ntimes_arena_allocated`: successful `new_arena()` calls ever. */
  allocatedTotal: number;
  /** Arenas given back to the system: `allocatedTotal − current`. */
  reclaimed: number;
  /** Allocated arenas whose base is not pool-aligned (one pool short). */
  misaligned: number;
}

export interface ByteStats {
  /** Σ requested sizes of live small blocks (what the program asked pymalloc for). */
  requested: number;
  /** `# bytes in allocated blocks`: Σ blocks × block size. */
  blocksInUse: number;
  /** `# bytes in available blocks`: Σ available blocks × block size. */
  availableBlocks: number;
  /** `unused pools * POOL_SIZE`: empty and never-carved pools of allocated arenas. */
  freePools: number;
  /** `# bytes lost to pool headers`: (used + full pools) × POOL_OVERHEAD. */
  poolHeaders: number;
  /** `# bytes lost to quantization`: Σ pools × ((POOL_SIZE − POOL_OVERHEAD) mod block size). */
  quantization: number;
  /** `# bytes lost to arena alignment`: POOL_SIZE per misaligned arena. */
  arenaAlignment: number;
  /** `arenas × ARENA_SIZE`: what pymalloc holds from the system. */
  arenas: number;
  /** Σ requested sizes of live blocks served outside pymalloc (0 or above the threshold). */
  large: number;
}

export interface StatsSnapshot {
  statsVersion: typeof STATS_VERSION;
  /** Allocator operations applied so far (malloc, free, realloc). */
  ops: number;
  classes: ClassStats;
  pools: PoolStats;
  arenas: ArenaStats;
  bytes: ByteStats;
  /** Live blocks served outside pymalloc and their requested bytes. */
  large: { count: number; bytes: number };
}
