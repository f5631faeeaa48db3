/**
 * A real checkpoint as a sample row in SERIES order, so a real run charts, exports and saves like a
 * model run. Every figure is measured on the real heap: blocks and pools from the live blocks'
 * addresses and pool headers, arenas from the arena hook (mapped minus unmapped since the slate,
 * the peak, and carved pools with no block). Without a hook (2.7) an arena is counted while it holds
 * a live block: exact for 2.7, which returns an arena as soon as it is empty; the arenas allocated
 * and reclaimed and the empty pools are not measured there and read 0, and the high-water mark is
 * the most arenas seen at a sample. `pinned_bytes` reads 0 on every version: a checkpoint counts
 * pools per arena but not each arena's live block bytes, which the pin test needs.
 */
import { SERIES_COUNT, SERIES_INDEX, type SeriesKey } from '../../../shared/run/sample';
import type { HelperCheckpoint, HelperReady } from './real-helper';

export class RealSeries {
  private peak = 0;

  constructor(private readonly ready: HelperReady) {}

  row(c: HelperCheckpoint, wallMs: number): Float64Array {
    const row = new Float64Array(SERIES_COUNT);
    const set = (key: SeriesKey, v: number): void => {
      row[SERIES_INDEX[key]] = v;
    };
    const arenas = c.arenas_current ?? c.arenas;
    this.peak = Math.max(this.peak, arenas);
    set('op', c.applied);
    set('wall_ms', wallMs);
    set('requested_bytes', c.requested_bytes);
    set('block_bytes', c.block_bytes);
    set('pool_bytes', c.pools * this.ready.pool_size);
    set('arena_bytes', arenas * this.ready.arena_size);
    set('arenas', arenas);
    set('pools_used', c.pools - c.pools_full);
    set('pools_full', c.pools_full);
    set('pools_empty', c.pools_empty ?? 0);
    set('large_bytes', c.large.bytes);
    set('arenas_highwater', c.arenas_highwater ?? this.peak);
    set('arenas_allocated_total', c.arena_hook?.allocated ?? 0);
    set('arenas_reclaimed', c.arena_hook?.freed ?? 0);
    // Not measured (see above): 0 keeps the row finite, as the session file requires.
    set('pinned_bytes', 0);
    // The helper's own RSS would be the harness's, not a program's: not measured either.
    set('rss_bytes', 0);
    return row;
  }
}
