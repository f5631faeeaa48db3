/**
 * Walk the allocator's arenas and pools without I/O (for the arena occupancy map and for tests),
 * in arena-slot order, pools in address order: what `sys._debugmallocstats` walks.
 */
import { PH_COUNT, PH_NEXTSLOT, PH_SZIDX, type Allocator } from './allocator';

export type PoolState = 'used' | 'full' | 'empty' | 'untouched';

export interface PoolVisit {
  /** Position of the pool in its arena (ascending addresses). */
  index: number;
  state: PoolState;
  /** Size class, or -1 for a pool never given one. */
  szidx: number;
  /** `ref.count`. */
  count: number;
  /** `NUMBLOCKS` of its class (0 for a pool with no class). */
  capacity: number;
}

export interface ArenaVisit {
  /** `arenaindex`: the arena's slot in `arenas[]`. */
  slot: number;
  /** `ntotalpools`: 64, or 63 when misaligned. */
  totalPools: number;
  /** Empty plus untouched pools (`nfreepools` in G1+). */
  freePools: number;
  /** Pools in address order. */
  pools: PoolVisit[];
}

export function visitArenas(a: Allocator, visit: (arena: ArenaVisit) => void): void {
  const nb = a.geometry.numBlocks;
  for (let s = 0; s < a.maxarenas; s++) {
    if (a.arenaAddress[s] !== 1) continue;
    const total = a.arenaNtotal[s]!;
    const carved = a.arenaPoolAddress[s]!;
    const pools: PoolVisit[] = [];
    let free = total - carved;
    for (let k = 0; k < total; k++) {
      const p = (s << a.poolShift) + k;
      if (k >= carved) {
        pools.push({ index: k, state: 'untouched', szidx: -1, count: 0, capacity: 0 });
        continue;
      }
      const szidx = a.poolField(p, PH_SZIDX);
      const count = a.poolField(p, PH_COUNT);
      const capacity = szidx >= 0 ? nb[szidx]! : 0;
      const state: PoolState = count === 0 ? 'empty' : count === capacity ? 'full' : 'used';
      if (count === 0) free++;
      pools.push({ index: k, state, szidx, count, capacity });
    }
    visit({ slot: s, totalPools: total, freePools: free, pools });
  }
}

/**
 * Calls `visit(handle)` for every live block of pool `p` (`arenaSlot * maxPools + k`), in slot
 * order. A block is live when its link holds the live code (what `free` tests), so the walk reads
 * only blocks the pool has carved (`nextoffset`). Outside the hot path: for the pins analysis.
 */
export function visitLiveBlocks(a: Allocator, p: number, visit: (handle: number) => void): void {
  const szidx = a.poolField(p, PH_SZIDX);
  if (szidx < 0 || a.poolField(p, PH_COUNT) === 0) return;
  const carved = a.poolField(p, PH_NEXTSLOT);
  const base = p << a.slotShift;
  for (let s = 0; s < carved; s++) if (a.isLive(base | s)) visit(base | s);
}
