/**
 * Takes the worker's `detail` snapshot of an allocator: per size class its pools and blocks (from
 * `stats()`), and the arena map (from `visitArenas`), one fill code and one class per pool.
 * Pure: the worker decides when (see electron/worker/run-session.ts).
 */
import type { Allocator } from '../engine/allocator';
import { visitArenas } from '../engine/visit';
import { type DetailMessage, POOL_EMPTY, POOL_FULL, POOL_UNTOUCHED } from '../protocol/detail-message';

export function takeDetail(alloc: Allocator, wallMs: number): DetailMessage {
  const stats = alloc.stats();
  const slots: number[] = [];
  const pools: number[] = [];
  // One walk; the codes are gathered in plain arrays and packed once (the arena count is unknown up front).
  const fillCodes: number[] = [];
  const classes: number[] = [];
  visitArenas(alloc, (arena) => {
    slots.push(arena.slot);
    pools.push(arena.totalPools);
    for (const pool of arena.pools) {
      fillCodes.push(fillCode(pool.state, pool.count, pool.capacity));
      classes.push(pool.szidx);
    }
  });
  const fill = Int8Array.from(fillCodes);
  const szidx = Int8Array.from(classes);
  return {
    type: 'detail',
    op: alloc.ops,
    wallMs: Math.max(0, wallMs),
    classes: { blockSize: Array.from(alloc.geometry.blockSize), ...stats.classes },
    arenas: { slots, pools, fill, szidx },
  };
}

/**
 * A pool's fill as the arena map colours it. A used pool is never shown as 0 or 100, however close
 * it is to either: 0 and 100 mean exactly empty and exactly full.
 */
export function fillCode(state: 'used' | 'full' | 'empty' | 'untouched', count: number, capacity: number): number {
  switch (state) {
    case 'untouched':
      return POOL_UNTOUCHED;
    case 'empty':
      return POOL_EMPTY;
    case 'full':
      return POOL_FULL;
    case 'used':
      return Math.min(POOL_FULL - 1, Math.max(1, Math.round((100 * count) / capacity)));
  }
}
