/**
 * Which charts exist and what they show: the dashboard's three run charts (retained memory, arenas,
 * pools) and the one-series overlays of a comparison. The renderer and the exports both read these.
 */
import { isSeriesKey, SERIES, SERIES_KEYS, type SeriesKey } from '../run/sample';

export type YUnit = 'bytes' | 'count';

export interface ChartDef {
  id: RunChartId;
  title: string;
  /** What a screen reader (and an image's alt text) says. */
  label: string;
  keys: readonly SeriesKey[];
  yUnit: YUnit;
}

/**
 * The main chart: retained memory, from what the system gave (arenas) down to what was asked; then
 * the part of the arena bytes only a few blocks keep (pinned), so the user sees when fragmentation sets in.
 */
export const MEMORY_KEYS = ['arena_bytes', 'pool_bytes', 'block_bytes', 'requested_bytes', 'pinned_bytes'] as const satisfies readonly SeriesKey[];
export const ARENA_KEYS = ['arenas', 'arenas_highwater', 'arenas_allocated_total', 'arenas_reclaimed'] as const satisfies readonly SeriesKey[];
export const POOL_KEYS = ['pools_used', 'pools_full', 'pools_empty'] as const satisfies readonly SeriesKey[];

export const RUN_CHART_IDS = ['memory', 'arenas', 'pools'] as const;
export type RunChartId = (typeof RUN_CHART_IDS)[number];

export const RUN_CHARTS: Readonly<Record<RunChartId, ChartDef>> = {
  memory: { id: 'memory', title: 'Retained memory', label: 'Retained memory over time', keys: MEMORY_KEYS, yUnit: 'bytes' },
  arenas: { id: 'arenas', title: 'Arenas', label: 'Arenas over time', keys: ARENA_KEYS, yUnit: 'count' },
  pools: { id: 'pools', title: 'Pools', label: 'Pool states over time', keys: POOL_KEYS, yUnit: 'count' },
};

/** The x axes' keys are not charted on their own. */
export const X_KEYS = ['op', 'wall_ms'] as const satisfies readonly SeriesKey[];
/** The series charted on their own: each has a title and a colour (a new series does not compile without). */
export type ChartedKey = Exclude<SeriesKey, (typeof X_KEYS)[number]>;

export function isChartedKey(key: string): key is ChartedKey {
  return isSeriesKey(key) && !(X_KEYS as readonly string[]).includes(key);
}

/** Series a comparison overlays, one chart each: every sample column but the x axes. */
export const COMPARE_KEYS: readonly ChartedKey[] = SERIES_KEYS.filter(isChartedKey);

/** The y unit of a series' chart. */
export function yUnitOf(key: string): YUnit {
  return SERIES.find((s) => s.key === key)?.unit === 'bytes' ? 'bytes' : 'count';
}

const SERIES_TITLES: Readonly<Record<ChartedKey, string>> = {
  arena_bytes: 'Arena bytes (retained)',
  pool_bytes: 'Pool bytes',
  block_bytes: 'Block bytes',
  requested_bytes: 'Requested bytes',
  arenas: 'Arenas',
  pools_used: 'Pools in use (partly)',
  pools_full: 'Full pools',
  pools_empty: 'Empty pools',
  large_bytes: 'Large (libc) bytes',
  arenas_highwater: 'Arenas high-water mark',
  arenas_allocated_total: 'Arenas allocated in total',
  arenas_reclaimed: 'Arenas given back',
  pinned_bytes: 'Pinned arena bytes (arenas ≤ 10 % full)',
  rss_bytes: 'RSS of the real process',
};

/** A series' chart title in a comparison. */
export function seriesTitle(key: string): string {
  const t = isChartedKey(key) ? SERIES_TITLES[key] : key.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The x axis' title. */
export function axisTitle(axis: 'op' | 'wall_ms'): string {
  return axis === 'op' ? 'operations' : 'wall time';
}
