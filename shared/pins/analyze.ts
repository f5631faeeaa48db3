/**
 * Why is this memory kept: at the allocator's current state, what each arena holds and what
 * releasing it would give back, and which arenas stay only because of a few live blocks.
 *
 * Definitions (docs/pins.md):
 * - an arena's *live bytes* are the block sizes (not the requests) of its live blocks;
 * - an arena is *pinned* when it has live blocks and they fill at most `threshold` (10 %) of its
 *   `ARENA_SIZE`: freeing those blocks would let the allocator give the whole arena back;
 * - *retained* bytes are `ARENA_SIZE` × arenas currently allocated.
 */
import type { Allocator } from '../engine/allocator';
import { visitArenas, visitLiveBlocks } from '../engine/visit';
import type { Births } from './births';
import type { SiteTable } from '../trace/sites';
import { PhaseClassOrigins, SiteOrigins, WorkloadOrigins, type OriginTable } from './origins';

export const DEFAULT_PIN_THRESHOLD = 0.1;

export interface ClassCount {
  szidx: number;
  blockSize: number;
  blocks: number;
}

export interface ArenaPins {
  /** `arenaindex`. */
  slot: number;
  /** Pools with live blocks (used or full). */
  usedPools: number;
  liveBlocks: number;
  /** Block bytes of the live blocks. */
  liveBytes: number;
  /** Bytes the program asked for in them; null when the analysis had no births (they keep the sizes). */
  requestedBytes: number | null;
  /** Live bytes / ARENA_SIZE. */
  fill: number;
  /** What releasing the arena gives back: ARENA_SIZE. */
  releasable: number;
  pinned: boolean;
  classes: ClassCount[];
  /** Ages in operations (now − birth) of its live blocks, when births are known. */
  minAge: number | null;
  medianAge: number | null;
}

export interface OriginPins {
  id: number;
  label: string;
  file?: string;
  line?: number;
  func?: string;
  /** Its live blocks in pinned arenas. */
  blocks: number;
  bytes: number;
  /** Pinned arenas holding at least one of its blocks. */
  arenas: number;
  /** Its share of the pinned arenas' bytes: ARENA_SIZE × its blocks / live blocks, per arena. */
  arenaBytes: number;
}

export interface PinSummary {
  /** Allocator operations done when analysed. */
  op: number;
  arenaSize: number;
  threshold: number;
  arenas: number;
  /** Allocated arenas with no live block (3.9+ keeps one; before 2.5 none goes back). */
  emptyArenas: number;
  retainedBytes: number;
  liveBlocks: number;
  liveBytes: number;
  pinnedArenas: number;
  /** X: ARENA_SIZE × pinned arenas. */
  pinnedArenaBytes: number;
  /** Y: live blocks in pinned arenas. */
  pinningBlocks: number;
  pinningBytes: number;
  /** Z: Y / live blocks (0 when none live). */
  pinningShare: number;
}

export interface PinReport {
  summary: PinSummary;
  /** Every allocated arena, pinned first by bytes given back, then by fewest live bytes. */
  arenas: ArenaPins[];
  /** Origins of the pinning blocks, by arena bytes pinned. Empty when no origin table applies. */
  origins: OriginPins[];
}

export interface PinOptions {
  threshold?: number;
  births?: Births;
  /**
   * The workload that made the stream: when it names origin tags and the births saw tagged ALLOCs,
   * blocks are grouped by those tags (untagged ones by size class × phase of birth).
   */
  workload?: { readonly name: string; readonly origins?: readonly string[] };
  /** Origin of a live block; default with births: the workload's tag, else size class × phase of birth. */
  originOf?: (handle: number, szidx: number) => number;
  origins?: OriginTable;
  /**
   * The names of a recorded program's sites (the trace's `#site` lines): when the births saw sites,
   * blocks are grouped by source location (unnamed sites by id, blocks with no site by size class × phase).
   */
  sites?: SiteTable;
}

export function analyzePins(a: Allocator, options: PinOptions = {}): PinReport {
  const threshold = options.threshold ?? DEFAULT_PIN_THRESHOLD;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], not ${threshold}`);
  const arenaSize = a.preset.ARENA_SIZE;
  const bs = a.geometry.blockSize;
  const births = options.births;
  let origins = options.origins;
  let originOf = options.originOf;
  if (!originOf && births) {
    const byPhase = new PhaseClassOrigins(births.phases, bs);
    const workload = options.workload;
    if (births.sited) {
      const table = new SiteOrigins(options.sites ?? new Map(), byPhase);
      origins = table;
      originOf = (h, c) => table.idOf(births.siteOf(h), births.phaseOf(h), c);
    } else if (workload?.origins && births.tagged) {
      const table = new WorkloadOrigins(workload.name, workload.origins, byPhase);
      origins = table;
      originOf = (h, c) => table.idOf(births.tagOf(h), births.phaseOf(h), c);
    } else {
      origins = byPhase;
      originOf = (h, c) => byPhase.idOf(births.phaseOf(h), c);
    }
  }
  const now = a.ops;
  const arenas: ArenaPins[] = [];
  const perArenaOrigins: Map<number, [number, number]>[] = [];
  let liveBlocks = 0;
  let liveBytes = 0;
  visitArenas(a, (v) => {
    let usedPools = 0;
    let blocks = 0;
    let bytes = 0;
    let requested = 0;
    const byClass = new Map<number, number>();
    const ages: number[] = [];
    const byOrigin = new Map<number, [number, number]>();
    for (const pool of v.pools) {
      if (pool.count === 0) continue;
      usedPools++;
      const p = (v.slot << a.poolShift) + pool.index;
      visitLiveBlocks(a, p, (h) => {
        blocks++;
        bytes += bs[pool.szidx]!;
        if (births) requested += births.requestedOf(h);
        byClass.set(pool.szidx, (byClass.get(pool.szidx) ?? 0) + 1);
        if (births) ages.push(now - births.bornAt(h));
        if (originOf) {
          const o = originOf(h, pool.szidx);
          const c = byOrigin.get(o);
          if (c) {
            c[0]++;
            c[1] += bs[pool.szidx]!;
          } else byOrigin.set(o, [1, bs[pool.szidx]!]);
        }
      });
    }
    liveBlocks += blocks;
    liveBytes += bytes;
    ages.sort((x, y) => x - y);
    const fill = bytes / arenaSize;
    arenas.push({
      slot: v.slot,
      usedPools,
      liveBlocks: blocks,
      liveBytes: bytes,
      requestedBytes: births ? requested : null,
      fill,
      releasable: arenaSize,
      pinned: blocks > 0 && bytes <= threshold * arenaSize,
      classes: [...byClass].sort((x, y) => x[0] - y[0]).map(([szidx, n]) => ({ szidx, blockSize: bs[szidx]!, blocks: n })),
      minAge: ages.length ? ages[0]! : null,
      medianAge: ages.length ? ages[(ages.length - 1) >> 1]! : null,
    });
    perArenaOrigins.push(byOrigin);
  });

  const originRows = new Map<number, OriginPins>();
  let pinnedArenas = 0;
  let pinningBlocks = 0;
  let pinningBytes = 0;
  arenas.forEach((ar, i) => {
    if (!ar.pinned) return;
    pinnedArenas++;
    pinningBlocks += ar.liveBlocks;
    pinningBytes += ar.liveBytes;
    if (!origins) return;
    for (const [id, [n, b]] of perArenaOrigins[i]!) {
      let row = originRows.get(id);
      if (!row) {
        row = { id, ...origins.origin(id), blocks: 0, bytes: 0, arenas: 0, arenaBytes: 0 };
        originRows.set(id, row);
      }
      row.blocks += n;
      row.bytes += b;
      row.arenas++;
      row.arenaBytes += (arenaSize * n) / ar.liveBlocks;
    }
  });

  arenas.sort((x, y) => Number(y.pinned) - Number(x.pinned) || y.releasable - x.releasable || x.liveBytes - y.liveBytes || x.slot - y.slot);
  const originList = [...originRows.values()].sort((x, y) => y.arenaBytes - x.arenaBytes || y.blocks - x.blocks || x.id - y.id);
  return {
    summary: {
      op: now,
      arenaSize,
      threshold,
      arenas: arenas.length,
      emptyArenas: arenas.filter((x) => x.liveBlocks === 0).length,
      retainedBytes: arenas.length * arenaSize,
      liveBlocks,
      liveBytes,
      pinnedArenas,
      pinnedArenaBytes: pinnedArenas * arenaSize,
      pinningBlocks,
      pinningBytes,
      pinningShare: liveBlocks ? pinningBlocks / liveBlocks : 0,
    },
    arenas,
    origins: originList,
  };
}
