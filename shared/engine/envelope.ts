/**
 * The quantities whose envelope the allocator tracks: for each, the least and greatest value it took
 * since `Allocator.resetEnvelope()` (the state then and the state after every later operation). A
 * run samples at most a few times a second, however fast it goes; the envelope is what keeps a spike
 * between two samples (a burst of allocations freed again) visible (docs/runs.md, "sampling").
 *
 * Only quantities that can go down are here: the counters that only grow (`narenas_highwater`,
 * `ntimes_arena_allocated`, arenas reclaimed) take their window's extremes at its two ends.
 */
/** `requestedBytes`. */
export const ENV_REQUESTED_BYTES = 0;
/** `blockBytes`: Σ blocks × block size. */
export const ENV_BLOCK_BYTES = 1;
/** Partially used pools (Σ classUsedPools). */
export const ENV_POOLS_USED = 2;
/** Full pools (Σ classFullPools). */
export const ENV_POOLS_FULL = 3;
/** Used plus full pools (what pool bytes count): its own extremes, which the sum of the two above's would not give. */
export const ENV_POOLS_IN_USE = 4;
/** Carved pools with no live block. */
export const ENV_POOLS_EMPTY = 5;
/** `narenas_currently_allocated`. */
export const ENV_ARENAS = 6;
/** Requested bytes of live blocks outside pymalloc. */
export const ENV_LARGE_BYTES = 7;
export const ENV_COUNT = 8;
