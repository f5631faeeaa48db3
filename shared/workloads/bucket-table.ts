/**
 * Exact shortcuts for the float samplers whose result is an integer: `geometric`, the rounded-up
 * `pareto` of the lifetimes, and the rounded-down log-uniform (docs/workloads.md, "Randomness").
 *
 * Each is x = round(f(u)), u = u01() of one draw, f monotone in u, round = floor or ceil. The top
 * BUCKET_BITS bits of u (those of the draw's high word) name one of 2^BUCKET_BITS equal intervals of
 * u. Where f, computed at both ends of an interval, rounds to the same integer even when moved by
 * `tolerance`, every u inside rounds to it too: the true f is monotone, and the computed f is within
 * far less than `tolerance` of it (fastmath.ts: ln within 2·10^-13, exp within 10^-13 relative), so
 * every computed value inside lies between the two ends widened by the tolerance, where `round` is
 * constant. The table holds that integer; elsewhere it holds −1 and the sampler computes f as it
 * always did, from the same draw.
 *
 * So a draw gives the same number with or without the table, and no stream changes (the workloads'
 * stream pins, test/shared/workloads/stream-pins.test.ts, hold them to it). What the table saves is
 * the ln and exp of most draws: a table lookup instead of about 300 instructions for a Pareto
 * lifetime (docs/benchmarks.md).
 */

export const BUCKET_BITS = 12;
const BUCKETS = 1 << BUCKET_BITS;
/** `hi >>> BUCKET_SHIFT` is the bucket of a draw whose high word is `hi`. */
export const BUCKET_SHIFT = 32 - BUCKET_BITS;
const TWO_M53 = 2 ** -53;

/**
 * The table for x = round(f(u)): per bucket, the integer every u of the bucket gives, or −1. `f`
 * must be monotone in u (either way), computed exactly as the sampler computes it, with results ≥ 0.
 */
export function bucketTable(f: (u: number) => number, round: (x: number) => number, tolerance: (x: number) => number): Float64Array {
  const table = new Float64Array(BUCKETS).fill(-1);
  for (let b = 0; b < BUCKETS; b++) {
    // The smallest and the largest u01 of the bucket (u is a multiple of 2^-53).
    const first = f(b / BUCKETS);
    const last = f((b + 1) / BUCKETS - TWO_M53);
    if (!(Number.isFinite(first) && Number.isFinite(last) && first >= 0)) continue;
    const r = round(first);
    const tFirst = tolerance(first);
    const tLast = tolerance(last);
    const ends = [first - tFirst, first + tFirst, last - tLast, last + tLast];
    if (ends.every((x) => round(x) === r)) table[b] = r;
  }
  return table;
}

/** A table with no shortcut (every bucket −1): the sampler computes every draw. */
export const NO_SHORTCUT: Float64Array = new Float64Array(BUCKETS).fill(-1);

/** Tables are kept per sampler and parameters; past this many, a new one is made but not kept. */
const MAX_CACHED = 256;
const cache = new Map<string, Float64Array>();

/** `bucketTable` for `key` (the sampler and its parameters), made once. */
export function cachedBucketTable(key: string, make: () => Float64Array): Float64Array {
  let table = cache.get(key);
  if (table === undefined) {
    table = make();
    if (cache.size < MAX_CACHED) cache.set(key, table);
  }
  return table;
}
