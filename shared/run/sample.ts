/**
 * One sample of a run: the series the dashboard charts and `samples.csv` holds, in one fixed column
 * order so that samples travel and are stored as plain number rows (or columns), never as objects.
 */
import type { Allocator } from '../engine/allocator';

export interface SeriesDef {
  key: string;
  unit: 'ops' | 'ms' | 'bytes' | 'arenas' | 'pools';
  description: string;
}

export const SERIES: readonly SeriesDef[] = [
  { key: 'op', unit: 'ops', description: 'allocator operations applied (malloc, free, realloc) when the sample was taken' },
  { key: 'wall_ms', unit: 'ms', description: 'wall-clock milliseconds since the run started' },
  { key: 'requested_bytes', unit: 'bytes', description: 'bytes the program asked pymalloc for, summed over live small blocks' },
  { key: 'block_bytes', unit: 'bytes', description: 'bytes of the blocks handed out (requests rounded up to their size class)' },
  { key: 'pool_bytes', unit: 'bytes', description: 'bytes of pools holding at least one live block (used and full pools × POOL_SIZE)' },
  { key: 'arena_bytes', unit: 'bytes', description: 'bytes of arenas pymalloc holds from the system (arenas × ARENA_SIZE): what it retains' },
  { key: 'arenas', unit: 'arenas', description: 'arenas currently allocated' },
  { key: 'pools_used', unit: 'pools', description: 'partially used pools' },
  { key: 'pools_full', unit: 'pools', description: 'pools with every block handed out' },
  { key: 'pools_empty', unit: 'pools', description: 'carved pools with no live block, kept for reuse' },
  { key: 'large_bytes', unit: 'bytes', description: 'requested bytes of live blocks served by the C library (0 bytes or above the threshold)' },
  { key: 'arenas_highwater', unit: 'arenas', description: 'the most arenas allocated at once so far (narenas_highwater)' },
  { key: 'arenas_allocated_total', unit: 'arenas', description: 'arenas allocated since the run started, released ones included (ntimes_arena_allocated)' },
  { key: 'arenas_reclaimed', unit: 'arenas', description: 'arenas given back to the system so far (allocated total − current)' },
] as const;

export type SeriesKey = (typeof SERIES)[number]['key'];
export const SERIES_COUNT = SERIES.length;
export const SERIES_INDEX: Readonly<Record<string, number>> = Object.fromEntries(SERIES.map((s, i) => [s.key, i]));

/** Writes the current sample into `row[offset …]` in SERIES order, without allocating. */
export function writeSample(a: Allocator, wallMs: number, row: Float64Array | number[], offset = 0): void {
  let blockBytes = 0;
  let usedPools = 0;
  let fullPools = 0;
  const g = a.geometry;
  for (let c = 0; c < g.nclasses; c++) {
    blockBytes += a.classBlocks[c]! * g.blockSize[c]!;
    usedPools += a.classUsedPools[c]!;
    fullPools += a.classFullPools[c]!;
  }
  row[offset] = a.ops;
  row[offset + 1] = wallMs;
  row[offset + 2] = a.requestedBytes;
  row[offset + 3] = blockBytes;
  row[offset + 4] = (usedPools + fullPools) * a.preset.POOL_SIZE;
  row[offset + 5] = a.narenasCurrent * a.preset.ARENA_SIZE;
  row[offset + 6] = a.narenasCurrent;
  row[offset + 7] = usedPools;
  row[offset + 8] = fullPools;
  row[offset + 9] = a.poolsEmpty;
  row[offset + 10] = a.largeBytes;
  row[offset + 11] = a.narenasHighwater;
  row[offset + 12] = a.ntimesArenaAllocated;
  row[offset + 13] = a.ntimesArenaAllocated - a.narenasCurrent;
}
