/**
 * One sample of a run: the series the dashboard charts and `samples.csv` holds, in one fixed column
 * order so that samples travel and are stored as plain number rows (or columns), never as objects.
 */
import { PH_COUNT, PH_SZIDX, type Allocator } from '../engine/allocator';
import { DEFAULT_PIN_THRESHOLD } from '../pins/analyze';
import {
  ENV_ARENAS,
  ENV_BLOCK_BYTES,
  ENV_LARGE_BYTES,
  ENV_POOLS_EMPTY,
  ENV_POOLS_FULL,
  ENV_POOLS_IN_USE,
  ENV_POOLS_USED,
  ENV_REQUESTED_BYTES,
} from '../engine/envelope';

export interface SeriesDef {
  key: string;
  unit: 'ops' | 'ms' | 'bytes' | 'arenas' | 'pools';
  description: string;
}

/**
 * `as const satisfies`: each entry is checked against SeriesDef, and keeps its literal key, so that
 * SeriesKey is the union of the keys ('not-a-series' does not compile) and SERIES_INDEX needs no `!`.
 */
export const SERIES = [
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
  {
    key: 'pinned_bytes',
    unit: 'bytes',
    description: 'bytes of arenas kept only by a few blocks: arenas with live blocks filling at most 10 % of them (the pins threshold) × ARENA_SIZE',
  },
  {
    key: 'rss_bytes',
    unit: 'bytes',
    description: "resident set size of a recorded program's real process, as its recording agent read it; 0 where there is no process to measure (a model)",
  },
] as const satisfies readonly SeriesDef[];

export type SeriesKey = (typeof SERIES)[number]['key'];
export const SERIES_COUNT = SERIES.length;
/** The keys in SERIES (column) order. */
export const SERIES_KEYS: readonly SeriesKey[] = SERIES.map((s) => s.key);
/** Each key's column. */
export const SERIES_INDEX = Object.fromEntries(SERIES_KEYS.map((k, i) => [k, i])) as Readonly<Record<SeriesKey, number>>;

/** Whether a key from outside (a query, a file, a command line) names a series (own keys only: not 'toString'). */
export function isSeriesKey(key: string): key is SeriesKey {
  return Object.hasOwn(SERIES_INDEX, key);
}

/** The column of a key from outside, or a RangeError that names the key and the known ones. */
export function seriesIndexOf(key: string): number {
  if (!isSeriesKey(key)) throw new RangeError(`unknown series ${JSON.stringify(key)} (known: ${SERIES_KEYS.join(', ')})`);
  return SERIES_INDEX[key];
}

/**
 * The series that joined after the first session layout, each with the session file version that
 * added it, in SERIES order (always at the end). A file of an older version has the columns before
 * them only; `withLegacySeries` fills the later ones with 0 (not recorded) so they read as today's rows.
 */
export const LATER_SERIES = [
  { key: 'pinned_bytes', sessionVersion: 4 },
  { key: 'rss_bytes', sessionVersion: 5 },
] as const satisfies readonly { key: SeriesKey; sessionVersion: number }[];

/** The series a session file of `version` holds, in column order. */
export function seriesOfSessionVersion(version: number): readonly SeriesKey[] {
  const later = LATER_SERIES.findIndex((s) => s.sessionVersion > version);
  return later < 0 ? SERIES_KEYS : SERIES_KEYS.slice(0, SERIES_INDEX[LATER_SERIES[later]!.key]);
}

/** Series keys of the oldest layout (session files of versions 2 and 3), before any of LATER_SERIES. */
export const LEGACY_SERIES_KEYS: readonly SeriesKey[] = seriesOfSessionVersion(3);

/** Column counts an older session layout may have (each a prefix of SERIES), oldest first. */
export const LEGACY_SERIES_COUNTS: readonly number[] = LATER_SERIES.map((s) => SERIES_INDEX[s.key]);

/** Columns of an older layout (LEGACY_SERIES_COUNTS) padded to SERIES_COUNT with 0s; others as given. */
export function withLegacySeries(columns: readonly number[][]): number[][] {
  if (!LEGACY_SERIES_COUNTS.includes(columns.length)) return [...columns];
  const n = columns[0]?.length ?? 0;
  const out = [...columns];
  while (out.length < SERIES_COUNT) out.push(new Array<number>(n).fill(0));
  return out;
}

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
  row[offset + 14] = pinnedArenaBytes(a);
  row[offset + 15] = 0; // rss_bytes: a model has no process
}

/**
 * Arena bytes held by pinned arenas: arenas with live blocks whose block bytes are at most
 * DEFAULT_PIN_THRESHOLD of ARENA_SIZE (the test of shared/pins/analyze.ts, so the series and the
 * pinning view agree). Walks the arenas' carved pools (`pool_address`) and their `ref.count`s, a few
 * thousand reads per sample and no allocation; never called per operation.
 */
export function pinnedArenaBytes(a: Allocator): number {
  const arenaSize = a.preset.ARENA_SIZE;
  const limit = DEFAULT_PIN_THRESHOLD * arenaSize;
  const bs = a.geometry.blockSize;
  let pinned = 0;
  for (let s = 0; s < a.maxarenas; s++) {
    if (a.arenaAddress[s] !== 1) continue;
    const carved = a.arenaPoolAddress[s]!;
    let bytes = 0;
    for (let k = 0; k < carved; k++) {
      const p = (s << a.poolShift) + k;
      const count = a.poolField(p, PH_COUNT);
      if (count === 0) continue;
      bytes += count * bs[a.poolField(p, PH_SZIDX)]!;
    }
    if (bytes > 0 && bytes <= limit) pinned++;
  }
  return pinned * arenaSize;
}

/**
 * The series each sample carries the envelope of: their least and greatest value over the states
 * since the previous sample (its state, and the state after every operation since, this sample's
 * included). A sample taken every 50 ms of a fast run stands for a quarter of a million operations;
 * the envelope keeps every spike among them. The other series are the x axes and counters that only
 * grow, whose extremes over a window are its two ends (the samples themselves).
 */
export const ENVELOPE_KEYS = [
  'requested_bytes',
  'block_bytes',
  'pool_bytes',
  'arena_bytes',
  'arenas',
  'pools_used',
  'pools_full',
  'pools_empty',
  'large_bytes',
] as const satisfies readonly SeriesKey[];
export const ENVELOPE_COUNT = ENVELOPE_KEYS.length;
/**
 * A full sample row: the SERIES values, then the minimum of each ENVELOPE_KEYS series, then the
 * maximum of each. Rows of SERIES_COUNT values (no envelope: a source that cannot know what happened
 * between samples, a session file of version 2) stand for min = max = value (`withEnvelope`).
 */
export const SAMPLE_WIDTH = SERIES_COUNT + 2 * ENVELOPE_COUNT;
/** Keys of a full row's columns: SERIES keys, then `KEY.min` and `KEY.max` of the envelope. */
export const SAMPLE_COLUMN_KEYS: readonly string[] = [...SERIES_KEYS, ...ENVELOPE_KEYS.map((k) => `${k}.min`), ...ENVELOPE_KEYS.map((k) => `${k}.max`)];
/** For each SERIES index: the column of a full row holding its window minimum / maximum (itself when it has no envelope). */
export const MIN_COLUMN: readonly number[] = SERIES.map((s, i) => {
  const e = (ENVELOPE_KEYS as readonly string[]).indexOf(s.key);
  return e < 0 ? i : SERIES_COUNT + e;
});
export const MAX_COLUMN: readonly number[] = SERIES.map((s, i) => {
  const e = (ENVELOPE_KEYS as readonly string[]).indexOf(s.key);
  return e < 0 ? i : SERIES_COUNT + ENVELOPE_COUNT + e;
});

/** For each ENVELOPE_KEYS series: the engine's envelope quantity, and what one of it counts in bytes. */
const ENVELOPE_FROM = [
  ENV_REQUESTED_BYTES,
  ENV_BLOCK_BYTES,
  ENV_POOLS_IN_USE,
  ENV_ARENAS,
  ENV_ARENAS,
  ENV_POOLS_USED,
  ENV_POOLS_FULL,
  ENV_POOLS_EMPTY,
  ENV_LARGE_BYTES,
];
const ENVELOPE_UNIT = ['1', '1', 'pool', 'arena', '1', '1', '1', '1', '1'];

/**
 * Writes the envelope part of a full row (`row[offset + SERIES_COUNT …]`, ENVELOPE_KEYS order) from
 * the allocator's envelope (shared/engine/envelope.ts), and starts the next window.
 */
export function writeEnvelope(a: Allocator, row: Float64Array | number[], offset = 0): void {
  const lo = a.envMin;
  const hi = a.envMax;
  const pool = a.preset.POOL_SIZE;
  const arena = a.preset.ARENA_SIZE;
  const mins = offset + SERIES_COUNT;
  const maxs = mins + ENVELOPE_COUNT;
  for (let e = 0; e < ENVELOPE_COUNT; e++) {
    const scale = ENVELOPE_UNIT[e] === 'pool' ? pool : ENVELOPE_UNIT[e] === 'arena' ? arena : 1;
    row[mins + e] = lo[ENVELOPE_FROM[e]!]! * scale;
    row[maxs + e] = hi[ENVELOPE_FROM[e]!]! * scale;
  }
  a.resetEnvelope();
}

/** A full sample: SERIES values and the envelope since the last one (which this sample ends). */
export function takeSample(a: Allocator, wallMs: number, row: Float64Array | number[], offset = 0): void {
  writeSample(a, wallMs, row, offset);
  writeEnvelope(a, row, offset);
}

/**
 * Columns of full rows: SAMPLE_WIDTH columns as they are, SERIES_COUNT columns (no envelope) with
 * each enveloped series' column standing for its own minimum and maximum. Anything else is returned
 * as is, for the caller's check to name.
 */
export function withEnvelope<T extends ArrayLike<number>>(columns: readonly T[]): readonly T[] {
  if (columns.length !== SERIES_COUNT) return columns;
  return [...columns, ...ENVELOPE_KEYS.map((k) => columns[SERIES_INDEX[k]]!), ...ENVELOPE_KEYS.map((k) => columns[SERIES_INDEX[k]]!)];
}

/** A row set's columns as a session file's `samples` record holds them: SERIES values, and the envelope apart. */
export function splitEnvelope<T>(columns: readonly T[]): { columns: T[]; min?: T[]; max?: T[] } {
  if (columns.length !== SAMPLE_WIDTH) return { columns: [...columns] };
  return {
    columns: columns.slice(0, SERIES_COUNT),
    min: columns.slice(SERIES_COUNT, SERIES_COUNT + ENVELOPE_COUNT),
    max: columns.slice(SERIES_COUNT + ENVELOPE_COUNT),
  };
}
