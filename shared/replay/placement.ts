/**
 * The canonical placement partition of live small blocks (the oracle's definition): blocks
 * grouped by pool, pools by arena; ids ascending within a pool, pools ordered by their smallest
 * id within an arena, arenas by their smallest id. It is independent of addresses and arena
 * slot numbers, so it compares a model with a real interpreter.
 */
import { PH_SZIDX, type Allocator } from '../engine/allocator';
import type { TrackedReplay } from './tracked-replay';

export interface Placement {
  /** Arenas in canonical order; each a list of pools; each pool a list of entries. */
  arenas: PlacedPool[][];
  /** Live small blocks. */
  blocks: number;
}

export interface PlacedPool {
  pool: number;
  szidx: number;
  /** Ids ascending. */
  ids: Float64Array;
  /** Block slot of each id, in the same order. */
  slots: Int32Array;
}

export function placement(r: TrackedReplay): Placement {
  const a: Allocator = r.alloc;
  const npools = a.maxarenas * a.maxPools;
  // Counting sort of live small blocks by pool.
  const counts = new Int32Array(npools + 1);
  let blocks = 0;
  for (let s = 0; s < r.slotsUsed; s++) {
    if (!r.live[s]) continue;
    const h = r.handles[s]!;
    if (h < 0) continue;
    counts[a.poolOf(h) + 1]!++;
    blocks++;
  }
  for (let p = 0; p < npools; p++) counts[p + 1]! += counts[p]!;
  const start = counts.slice();
  const ids = new Float64Array(blocks);
  const slots = new Int32Array(blocks);
  for (let s = 0; s < r.slotsUsed; s++) {
    if (!r.live[s]) continue;
    const h = r.handles[s]!;
    if (h < 0) continue;
    const k = start[a.poolOf(h)]!++;
    ids[k] = r.ids[s]!;
    slots[k] = a.slotOf(h);
  }
  const byArena = new Map<number, PlacedPool[]>();
  for (let p = 0; p < npools; p++) {
    const lo = counts[p]!;
    const hi = counts[p + 1]!;
    if (lo === hi) continue;
    let sorted = true;
    for (let k = lo + 1; k < hi && sorted; k++) sorted = ids[k - 1]! < ids[k]!;
    let pool: PlacedPool;
    if (sorted) {
      // The common case (blocks handed out in id order): views, no copy.
      pool = { pool: p, szidx: a.poolField(p, PH_SZIDX), ids: ids.subarray(lo, hi), slots: slots.subarray(lo, hi) };
    } else {
      const order = Array.from({ length: hi - lo }, (_, i) => lo + i).sort((x, y) => ids[x]! - ids[y]!);
      pool = {
        pool: p,
        szidx: a.poolField(p, PH_SZIDX),
        ids: Float64Array.from(order, (k) => ids[k]!),
        slots: Int32Array.from(order, (k) => slots[k]!),
      };
    }
    const arena = p >>> a.poolShift;
    let list = byArena.get(arena);
    if (!list) byArena.set(arena, (list = []));
    list.push(pool);
  }
  const arenas = [...byArena.values()];
  for (const pools of arenas) pools.sort((x, y) => x.ids[0]! - y.ids[0]!);
  arenas.sort((x, y) => x[0]!.ids[0]! - y[0]!.ids[0]!);
  return { arenas, blocks };
}

/**
 * Serialise the partition as the oracle does (compact JSON) into `sink`, in chunks; with
 * `withSlots` each id is written as `[id,slot]`.
 */
export function writePartition(pl: Placement, withSlots: boolean, sink: (chunk: string) => void): void {
  let buf = '[';
  for (let ai = 0; ai < pl.arenas.length; ai++) {
    buf += ai === 0 ? '[' : ',[';
    const pools = pl.arenas[ai]!;
    for (let pi = 0; pi < pools.length; pi++) {
      const pool = pools[pi]!;
      buf += pi === 0 ? '[' : ',[';
      for (let i = 0; i < pool.ids.length; i++) {
        if (i > 0) buf += ',';
        buf += withSlots ? `[${pool.ids[i]},${pool.slots[i]}]` : String(pool.ids[i]);
      }
      buf += ']';
      if (buf.length > 1 << 16) {
        sink(buf);
        buf = '';
      }
    }
    buf += ']';
  }
  sink(buf + ']');
}
