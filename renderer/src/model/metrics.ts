/**
 * Which series each chart shows, and their definitions (from SERIES, the one source of truth).
 */
import { SERIES } from '../../../shared/run/sample';
import type { SeriesDef, SeriesKey } from '../../../shared/run/sample';
import type { RunConfig } from '../../../shared/protocol/run-config';

/** The charts' series (memory, arenas, pools): defined once in shared/charts, for the screen and the exports. */
export { ARENA_KEYS, COMPARE_KEYS, MEMORY_KEYS, POOL_KEYS } from '../../../shared/charts/definitions';

/**
 * The main chart on screen: retained memory plus large_bytes (requests the C library served, outside
 * pymalloc), so every series the engine samples is drawn somewhere on the dashboard.
 */
export const SCREEN_MEMORY_KEYS = ['arena_bytes', 'pool_bytes', 'block_bytes', 'requested_bytes', 'large_bytes'] as const satisfies readonly SeriesKey[];

/**
 * The main chart's series for a run: a profiled program's real process adds its RSS (rss_bytes), the
 * whole process's memory over the same axis as its arenas; no other run measures it (a model has no
 * process), so none gets a line of zeros.
 */
export function memoryKeysOf(config: RunConfig): readonly SeriesKey[] {
  return config.real?.recorded === true ? [...SCREEN_MEMORY_KEYS, 'rss_bytes'] : SCREEN_MEMORY_KEYS;
}

export function seriesDef(key: string): SeriesDef | undefined {
  return SERIES.find((s) => s.key === key);
}

export function describe(key: string): string {
  const s = seriesDef(key);
  return s ? `${key} (${s.unit}): ${s.description}` : key;
}

/** Why the top line sits above the bottom one: the paragraph under the definitions. */
export const GAP_EXPLANATION = [
  'requested_bytes ≤ block_bytes ≤ pool_bytes ≤ arena_bytes. Each step rounds up:',
  'a request is served by a block of its size class (rounded up to the alignment);',
  'a pool holds blocks of one class only, so a pool with a single live block counts whole;',
  'an arena is held from the system as long as any of its pools is in use (and, depending on the',
  'version, some empty arenas are kept too). After a program frees most of its objects, the few',
  'survivors scattered across arenas keep those arenas — hence arena bytes far above requested bytes.',
].join(' ');
