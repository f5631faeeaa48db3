import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAllocator, visitArenas } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { analyzePins, driveTo, PinReplay } from '../../../shared/pins';
import { createGenerator } from '../../../shared/workloads/registry';

describe('pins: keep-every-kth, k = 256, 3.11', () => {
  it('every arena is pinned by exactly its kept blocks; one origin', () => {
    const N = 700_000;
    const k = 256;
    const survivors = Math.ceil(N / k);
    const gen = createGenerator('keep-every-kth', { N, k, size: 16, hold_live: 0, hold_ops: 0 });
    const replay = new PinReplay(createAllocator('3.11'));
    // The fill (N allocs) and the thinning (N − survivors frees): the survivors alone are live.
    driveTo(gen, replay, N + (N - survivors));
    const r = analyzePins(replay.alloc, { births: replay });
    const s = r.summary;
    expect(s.liveBlocks).toBe(survivors);
    expect(s.emptyArenas).toBeLessThanOrEqual(1);
    expect(s.pinnedArenas).toBe(s.arenas - s.emptyArenas);
    expect(s.pinnedArenas).toBeGreaterThan(5);
    expect(s.pinningBlocks).toBe(survivors);
    expect(s.pinningShare).toBe(1);
    expect(s.pinnedArenaBytes).toBe(s.pinnedArenas * 1024 * 1024);
    // 16-byte blocks, 1 MiB arenas of 16 KiB pools: a kept block every 256 fills each arena's pools.
    for (const a of r.arenas.filter((x) => x.pinned)) {
      // 3.11 aligns to 16 bytes: 16-byte requests are class 0.
      expect(a.classes).toEqual([{ szidx: 0, blockSize: 16, blocks: a.liveBlocks }]);
      expect(a.liveBytes).toBe(16 * a.liveBlocks);
      expect(a.minAge).toBeGreaterThanOrEqual(N - survivors);
    }
    // Exactly its kept blocks: per arena, the live block words the engine holds, scanned directly.
    const byArena = new Map<number, number>();
    for (const h of liveHandles(replay.alloc)) byArena.set(replay.alloc.arenaOf(h), (byArena.get(replay.alloc.arenaOf(h)) ?? 0) + 1);
    expect(new Map(r.arenas.filter((x) => x.pinned).map((x) => [x.slot, x.liveBlocks]))).toEqual(byArena);
    expect(r.origins).toHaveLength(1);
    expect(r.origins[0]!.label).toContain("phase 'fill'");
    expect(r.origins[0]!.blocks).toBe(survivors);
    expect(r.origins[0]!.arenaBytes).toBeCloseTo(s.pinnedArenaBytes, 3);
  });
});

describe('pins: the seed scenario with one block kept per arena', () => {
  it.each(['2.4', '2.7', '3.8', '3.11'])('%s: each arena is pinned by its one block, and gives back ARENA_SIZE', (version) => {
    const a = createAllocator(version);
    const handles: number[] = [];
    // The 2009 scenario: 16-byte blocks filling several arenas of every family.
    for (let i = 0; i < 300_000; i++) handles.push(a.malloc(16));
    const keep = new Map<number, number>();
    for (const h of handles) if (!keep.has(a.arenaOf(h))) keep.set(a.arenaOf(h), h);
    const kept = new Set(keep.values());
    for (const h of handles) if (!kept.has(h)) a.free(h);
    const r = analyzePins(a);
    expect(r.summary.arenas).toBe(keep.size);
    expect(r.summary.pinnedArenas).toBe(keep.size);
    expect(r.summary.pinningBlocks).toBe(keep.size);
    expect(r.summary.pinnedArenaBytes).toBe(keep.size * a.preset.ARENA_SIZE);
    for (const ar of r.arenas) {
      expect(ar.liveBlocks).toBe(1);
      expect(ar.usedPools).toBe(1);
      expect(ar.releasable).toBe(a.preset.ARENA_SIZE);
      expect(ar.minAge).toBeNull();
    }
    expect(r.origins).toEqual([]);
  });
});

type Op = { k: 'a'; size: number } | { k: 'f'; pick: number } | { k: 'r'; pick: number; size: number } | { k: 'm' } | { k: 'burst'; size: number; n: number };
const size = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 512 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 16, 512, 513) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('a' as const), size }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('f' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('r' as const), pick: fc.nat(), size }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('m' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('burst' as const), size: fc.constantFrom(16, 48, 512), n: fc.integer({ min: 100, max: 6000 }) }) },
);

describe('pins: agrees with a brute-force count from the visitor and the op stream', () => {
  it('on random op sequences', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 50 }), fc.constantFrom('3.11', '3.7', '2.7'), fc.constantFrom(0.1, 0.5), (ops, version, threshold) => {
        // Build the batch and, beside it, what the brute force knows: each id's birth op, phase and size.
        const batch = new OpBatch(200_000);
        const live: { id: number; slot: number; size: number; small: boolean; born: number; phase: number }[] = [];
        const replay = new PinReplay(createAllocator(version));
        const threshold0 = replay.alloc.preset.SMALL_REQUEST_THRESHOLD;
        const isSmall = (sz: number) => sz > 0 && sz <= threshold0;
        let nextId = 1;
        let nextSlot = 0;
        let n = 0;
        let phase = 0;
        const freeSlots: number[] = [];
        const slotFor = () => freeSlots.pop() ?? nextSlot++;
        const push = (sz: number) => {
          const s = slotFor();
          batch.alloc(s, nextId, sz);
          live.push({ id: nextId++, slot: s, size: sz, small: isSmall(sz), born: n++, phase });
        };
        for (const o of ops) {
          if (o.k === 'a') push(o.size);
          else if (o.k === 'burst') for (let i = 0; i < o.n; i++) push(o.size);
          else if (o.k === 'm') {
            batch.mark(`p${++phase}`);
          } else if (live.length) {
            const [x] = live.splice(o.pick % live.length, 1);
            if (o.k === 'f') {
              batch.free(x!.slot, x!.id);
              freeSlots.push(x!.slot);
            } else {
              batch.realloc(x!.slot, x!.id, o.size);
              // A block served by libc stays there whatever its new size (3.x, 2.7).
              live.push({ ...x!, size: o.size, small: x!.small && isSmall(o.size) });
            }
            n++;
          }
        }
        replay.apply(batch);
        const a = replay.alloc;
        const r = analyzePins(a, { births: replay, threshold });
        // Brute force: arenas from the visitor, blocks from the op stream's live set.
        const arenaSize = a.preset.ARENA_SIZE;
        const perArena = new Map<number, { blocks: number; bytes: number; ages: number[] }>();
        visitArenas(a, (v) => perArena.set(v.slot, { blocks: 0, bytes: 0, ages: [] }));
        // Handles are not in the op stream: find each live small object's block by its request.
        const small = live.filter((x) => x.small);
        const handles = liveHandles(a);
        expect(handles.length).toBe(small.length);
        let liveBytes = 0;
        for (const h of handles) {
          const e = perArena.get(a.arenaOf(h))!;
          e.blocks++;
          e.bytes += a.geometry.blockSize[a.szidxOf(h)]!;
          e.ages.push(a.ops - replay.bornAt(h));
          liveBytes += a.geometry.blockSize[a.szidxOf(h)]!;
        }
        const ageMultiset = handles.map((h) => a.ops - replay.bornAt(h)).sort((x, y) => x - y);
        expect(ageMultiset).toEqual(small.map((x) => a.ops - x.born).sort((x, y) => x - y));
        let pinned = 0;
        let pinningBlocks = 0;
        for (const [slot, e] of perArena) {
          const row = r.arenas.find((x) => x.slot === slot)!;
          expect(row.liveBlocks).toBe(e.blocks);
          expect(row.liveBytes).toBe(e.bytes);
          const isPinned = e.blocks > 0 && e.bytes <= threshold * arenaSize;
          expect(row.pinned).toBe(isPinned);
          if (isPinned) {
            pinned++;
            pinningBlocks += e.blocks;
          }
          e.ages.sort((x, y) => x - y);
          expect(row.minAge).toBe(e.ages.length ? e.ages[0] : null);
        }
        expect(r.arenas).toHaveLength(perArena.size);
        expect(r.summary.liveBlocks).toBe(small.length);
        expect(r.summary.liveBytes).toBe(liveBytes);
        expect(r.summary.pinnedArenas).toBe(pinned);
        expect(r.summary.pinningBlocks).toBe(pinningBlocks);
        expect(r.summary.retainedBytes).toBe(a.narenasCurrent * arenaSize);
        // Origins: phase × class counts of the pinning blocks add up to them.
        expect(r.origins.reduce((t, o) => t + o.blocks, 0)).toBe(pinningBlocks);
        expect(r.origins.reduce((t, o) => t + o.arenaBytes, 0)).toBeCloseTo(pinned * arenaSize, 3);
      }),
      { numRuns: 60 },
    );
  });
});

/** Every live small handle, by scanning the block words directly (not through the pins walk). */
function liveHandles(a: ReturnType<typeof createAllocator>): number[] {
  const out: number[] = [];
  for (let h = 0; h < a.blocks.length; h++) if (a.blocks[h]! >>> 16) out.push(h);
  return out;
}
