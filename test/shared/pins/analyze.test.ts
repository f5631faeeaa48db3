import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAllocator, visitArenas } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { analyzePins, driveTo, PinReplay } from '../../../shared/pins';
import { pinnedArenaBytes } from '../../../shared/run/sample';
import { createGenerator, getWorkload } from '../../../shared/workloads/registry';
import { sized } from '../engine/sized';

describe('pins: keep-every-kth, k = 256, 3.11', () => {
  it('every arena is pinned by exactly its kept blocks; one origin, the kept blocks', () => {
    const N = 700_000;
    const k = 256;
    const survivors = Math.ceil(N / k);
    const gen = createGenerator('keep-every-kth', { N, k, size: 16, hold_live: 0, hold_ops: 0 });
    const replay = new PinReplay(sized(createAllocator('3.11')));
    // The fill (N allocs) and the thinning (N − survivors frees): the survivors alone are live.
    driveTo(gen, replay, N + (N - survivors));
    const r = analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') });
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
    // The origin table has one row, the workload's kept blocks, in every pinned arena and holding all of X.
    expect(r.origins).toHaveLength(1);
    expect(r.origins[0]!.label).toBe('keep-every-kth: kept block');
    expect(r.origins[0]!.blocks).toBe(survivors);
    expect(r.origins[0]!.bytes).toBe(16 * survivors);
    expect(r.origins[0]!.arenas).toBe(s.pinnedArenas);
    expect(r.origins[0]!.arenaBytes).toBeCloseTo(s.pinnedArenaBytes, 3);
    // Without the workload's names the same blocks fall back to size class × phase of birth.
    const plain = analyzePins(replay.alloc, { births: replay });
    expect(plain.origins.map((o) => [o.label, o.blocks])).toEqual([["class 0 (16 B), born in phase 'fill'", survivors]]);
  });

  it('with the hold objects churning, the kept blocks still hold every pinned arena', () => {
    const params = { N: 300_000, k: 256, size: 16, hold_live: 2000, hold_ops: 50_000 };
    const replay = new PinReplay(sized(createAllocator('3.11')));
    // Stop inside the hold churn: kept blocks and hold objects are live.
    driveTo(createGenerator('keep-every-kth', params), replay, 300_000 + 298_828 + 2000 + 20_000);
    const r = analyzePins(replay.alloc, { births: replay, workload: getWorkload('keep-every-kth') });
    expect(r.summary.liveBlocks).toBe(Math.ceil(300_000 / 256) + 2000);
    const kept = r.origins.find((o) => o.label === 'keep-every-kth: kept block')!;
    expect(kept.blocks).toBe(Math.ceil(300_000 / 256));
    expect(kept.arenas).toBe(r.summary.pinnedArenas);
    // Whatever hold objects share a pinned arena are named as such, and the shares add up to X.
    for (const o of r.origins) expect(['keep-every-kth: kept block', 'keep-every-kth: hold object']).toContain(o.label);
    expect(r.origins.reduce((t, o) => t + o.arenaBytes, 0)).toBeCloseTo(r.summary.pinnedArenaBytes, 3);
    expect(r.origins[0]).toBe(kept);
  });
});

describe('pins: origins from workload tags', () => {
  const workload = { name: 'w', origins: ['cache key', 'value'] };

  it('names tagged blocks by the workload, untagged ones by size class × phase, a tagged REALLOC retags', () => {
    const replay = new PinReplay(sized(createAllocator('3.11')));
    const b = new OpBatch(64);
    b.mark('load');
    b.alloc(0, 1, 40, 1); // cache key
    b.alloc(1, 2, 100, 2); // value
    b.alloc(2, 3, 24); // untagged
    b.alloc(3, 4, 64, 2); // value, then …
    b.realloc(3, 4, 72, 1); // … a tagged REALLOC says it is a cache key now
    b.alloc(4, 5, 200, 1);
    b.realloc(4, 5, 300); // an untagged REALLOC keeps its tag, even when the block moves class
    b.alloc(5, 6, 48, 9); // a tag the workload does not name
    replay.apply(b);
    expect(replay.tagged).toBe(true);
    const r = analyzePins(replay.alloc, { births: replay, workload });
    const rows = new Map(r.origins.map((o) => [o.label, o.blocks]));
    expect(rows).toEqual(
      new Map([
        ['w: cache key', 3],
        ['w: value', 1],
        ["class 1 (32 B), born in phase 'load'", 1],
        ['w: unnamed tag 9', 1],
      ]),
    );
  });

  it('a stream without tags (a trace) keeps size class × phase even when the workload names tags', () => {
    const replay = new PinReplay(sized(createAllocator('3.11')));
    const b = new OpBatch(8);
    b.alloc(0, 1, 16);
    replay.apply(b);
    expect(replay.tagged).toBe(false);
    const r = analyzePins(replay.alloc, { births: replay, workload });
    expect(r.origins.map((o) => o.label)).toEqual(["class 0 (16 B), born in phase 'start'"]);
  });
});

describe('pins: the seed scenario with one block kept per arena', () => {
  it.each(['2.4', '2.7', '3.8', '3.11'])('%s: each arena is pinned by its one block, and gives back ARENA_SIZE', (version) => {
    const a = sized(createAllocator(version));
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
    expect(pinnedArenaBytes(a)).toBe(r.summary.pinnedArenaBytes);
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
        const replay = new PinReplay(sized(createAllocator(version)));
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
        // The pinned_bytes series is the same count, taken per sample without the analysis.
        if (threshold === 0.1) expect(pinnedArenaBytes(a)).toBe(r.summary.pinnedArenaBytes);
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

/** Every live small handle, by testing every block slot of every arena slot (not through the pins walk). */
function liveHandles(a: ReturnType<typeof createAllocator>): number[] {
  const out: number[] = [];
  const slots = a.linkChunks.length << a.arenaShift;
  for (let h = 0; h < slots; h++) if (a.isLive(h)) out.push(h);
  return out;
}
