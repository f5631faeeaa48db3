import { describe, expect, it } from 'vitest';
import type { Allocator } from '../../../shared/engine';
import { createAllocator, EngineError } from '../../../shared/engine';
import { checkInvariants } from '../../../shared/engine/invariants';
import { sized } from './sized';

/** Handles of a pool's blocks as slot numbers, for readable expectations. */
const slots = (a: Allocator, hs: number[]): number[] => hs.map((h) => a.slotOf(h));

describe('block hand-out order (pool free lists)', () => {
  it('hands out virgin blocks in address order, then freed blocks LIFO', () => {
    for (const v of ['2.4', '2.7', '3.8', '3.11']) {
      const a = sized(createAllocator(v));
      const h = [a.malloc(16), a.malloc(16), a.malloc(16)];
      expect(slots(a, h)).toEqual([0, 1, 2]);
      a.free(h[1]!);
      a.free(h[0]!);
      // Freed 1 then 0: the free list head is 0.
      expect(slots(a, [a.malloc(16), a.malloc(16), a.malloc(16)])).toEqual([0, 1, 3]);
      checkInvariants(a, a.requestedOf);
    }
  });

  it('moves a full pool to the head of usedpools when one of its blocks is freed', () => {
    const a = sized(createAllocator('3.8'));
    const nb = a.geometry.numBlocks[0]!; // 253 blocks of 16 bytes
    const first = Array.from({ length: nb }, () => a.malloc(16));
    const y = a.malloc(16); // second pool, now the head
    const y2 = a.malloc(16);
    a.free(y2);
    a.free(first[10]!); // pool X was full: it becomes the head
    expect(a.poolOf(a.malloc(16))).toBe(a.poolOf(first[10]!));
    expect(a.malloc(16)).toBe(y2);
    expect(a.poolOf(y)).not.toBe(a.poolOf(first[0]!));
    checkInvariants(a, a.requestedOf);
  });

  it('reuses an emptied pool for another class, and keeps its free list for the same class', () => {
    const a = sized(createAllocator('3.11'));
    const h1 = a.malloc(16);
    const h2 = a.malloc(16);
    const h3 = a.malloc(16);
    a.free(h1);
    a.free(h3);
    a.free(h2); // empty: free list 1 → 2 → 0 → (staged) 3 ...
    const q = a.malloc(16);
    expect(a.poolOf(q)).toBe(a.poolOf(h1));
    expect(a.slotOf(q)).toBe(1);
    a.free(q);
    const r = a.malloc(32); // another class: the pool is re-initialised
    expect(a.poolOf(r)).toBe(a.poolOf(h1));
    expect(a.slotOf(r)).toBe(0);
    checkInvariants(a, a.requestedOf);
  });
});

describe('size classes and large requests', () => {
  it('maps requests to classes per family', () => {
    const g3 = sized(createAllocator('3.8'));
    expect(g3.szidxOf(g3.malloc(1))).toBe(0);
    expect(g3.szidxOf(g3.malloc(16))).toBe(0);
    expect(g3.szidxOf(g3.malloc(17))).toBe(1);
    expect(g3.szidxOf(g3.malloc(512))).toBe(31);
    expect(g3.isSmall(g3.malloc(513))).toBe(false);
    const g0 = sized(createAllocator('2.4'));
    expect(g0.szidxOf(g0.malloc(8))).toBe(0);
    expect(g0.szidxOf(g0.malloc(256))).toBe(31);
    expect(g0.isSmall(g0.malloc(257))).toBe(false);
    const g2 = sized(createAllocator('3.6'));
    expect(g2.szidxOf(g2.malloc(512))).toBe(63);
  });

  it('serves malloc(0) and big requests outside pymalloc, counting their requested bytes', () => {
    const a = sized(createAllocator('3.11'));
    const z = a.malloc(0);
    const big = a.malloc(1000);
    expect(a.isSmall(z)).toBe(false);
    expect(a.stats().large).toEqual({ count: 2, bytes: 1000 });
    expect(a.stats().arenas.current).toBe(0);
    a.free(big);
    expect(a.stats().large).toEqual({ count: 1, bytes: 0 });
  });

  it('rejects sizes that are not integers in [0, 2^31) and frees of dead handles', () => {
    const a = sized(createAllocator('3.11'));
    for (const n of [-1, 1.5, NaN, Infinity, 2 ** 31]) expect(() => a.malloc(n)).toThrow(EngineError);
    const h = a.malloc(16);
    a.free(h);
    expect(() => a.free(h)).toThrow(/not name a live block/);
    expect(() => a.realloc(h, 8)).toThrow(/not name a live block/);
    expect(() => a.free(123456)).toThrow(EngineError);
    expect(() => a.free(-5)).toThrow(EngineError);
  });
});

describe('realloc', () => {
  it('stays in place iff n ≤ block size and 4n > 3·block size (oracle micro trace)', () => {
    const a = sized(createAllocator('3.11'));
    const h = a.malloc(64);
    for (const n of [64, 49]) expect(a.realloc(h, n)).toBe(h);
    for (const n of [48, 47, 33, 17, 65, 512]) {
      const b = sized(createAllocator('3.11'));
      const x = b.malloc(64);
      const y = b.realloc(x, n);
      expect(y).not.toBe(x);
      expect(b.isSmall(y)).toBe(true);
    }
    for (const n of [0, 513]) {
      const b = sized(createAllocator('3.11'));
      expect(b.isSmall(b.realloc(b.malloc(64), n))).toBe(false);
    }
  });

  it('moves by malloc before free, so a same-class move takes a new block', () => {
    const a = sized(createAllocator('3.11'));
    const x = a.malloc(32);
    const y = a.realloc(x, 20); // 4·20 = 80 ≤ 96: moves, within class 1
    expect(a.szidxOf(y)).toBe(1);
    expect(a.slotOf(y)).toBe(1);
    expect(a.malloc(32)).toBe(x); // the old block heads the free list
  });

  it('keeps a large block large (G1+), takes it over in G0', () => {
    const a = sized(createAllocator('3.11'));
    const big = a.malloc(1000);
    expect(a.realloc(big, 16)).toBe(big);
    expect(a.stats().large).toEqual({ count: 1, bytes: 16 });
    const g0 = sized(createAllocator('2.4'));
    const b0 = g0.malloc(1000);
    const t = g0.realloc(b0, 16);
    expect(g0.isSmall(t)).toBe(true);
    expect(g0.stats().large.count).toBe(0);
    const z = g0.realloc(g0.malloc(0), 0); // malloc(0 or 1) from a pool
    expect(g0.isSmall(z)).toBe(true);
    expect(g0.szidxOf(z)).toBe(0);
    const stays = g0.realloc(g0.malloc(300), 400); // above 256: libc realloc
    expect(g0.isSmall(stays)).toBe(false);
    checkInvariants(g0, g0.requestedOf);
  });

  it('updates requested bytes for in-place changes', () => {
    const a = sized(createAllocator('3.11'));
    const h = a.malloc(60);
    a.realloc(h, 50);
    expect(a.stats().bytes.requested).toBe(50);
  });
});

describe('block links', () => {
  it('2.3–3.7 keep 9-bit links for 8-byte blocks, and a pool leaving that class forgets them', () => {
    for (const v of ['2.4', '2.6', '3.6']) {
      const a = sized(createAllocator(v));
      a.malloc(32); // another pool keeps the arena
      const nb = a.geometry.numBlocks[0]!; // 506 blocks of 8 bytes
      expect(nb).toBeGreaterThan(256);
      const hs = Array.from({ length: nb }, () => a.malloc(8));
      // Block 10's link names slot 254: in one byte it would read as the live code.
      a.free(hs[254]!);
      a.free(hs[10]!);
      expect(a.blockLink(hs[10]!)).toBe(254);
      a.free(hs[300]!);
      expect(a.blockLink(hs[300]!)).toBe(10);
      expect(a.malloc(8)).toBe(hs[300]);
      expect(a.malloc(8)).toBe(hs[10]);
      expect(a.malloc(8)).toBe(hs[254]);
      checkInvariants(a, a.requestedOf);
      for (const h of hs) a.free(h);
      // The emptied pool serves 16-byte blocks now: slots 2.. are not handed out, whatever they held.
      const r = a.malloc(16);
      expect(a.poolOf(r)).toBe(a.poolOf(hs[0]!));
      expect(() => a.free(hs[10]!, 8)).toThrow(/not name a live block/);
      checkInvariants(a, a.requestedOf);
    }
  });

  it('keeps at most 0.15 byte of model per simulated arena byte at the seed scenario peak (every family)', () => {
    for (const v of ['2.4', '2.6', '3.6', '3.8', '3.9', '3.11']) {
      const a = createAllocator(v);
      const n = 1 << 20;
      for (let i = 0; i < n; i++) a.malloc(16);
      const arenaBytes = a.narenasCurrent * a.preset.ARENA_SIZE;
      expect(a.modelBytes() / arenaBytes).toBeLessThanOrEqual(0.15);
    }
  });
});

describe('pools and arenas', () => {
  it('G1+ takes the next pool from the head of usable_arenas (its freepools first, LIFO)', () => {
    for (const v of ['2.7', '3.7', '3.8', '3.9', '3.11']) {
      const a = sized(createAllocator(v, { arenas: 'aligned' }));
      const perPool = a.geometry.numBlocks[31]!;
      const perArena = perPool * 64;
      // Fill three arenas with 512-byte blocks.
      const hs = Array.from({ length: 3 * perArena }, () => a.malloc(512));
      const arenaOf = (i: number): number => a.arenaOf(hs[i]!);
      // Empty 2 pools of arena 1 (pools 20 then 21) and 5 pools of arena 0.
      const emptyPool = (arena: number, pool: number): void => {
        for (let i = 0; i < perPool; i++) a.free(hs[arena * perArena + pool * perPool + i]!);
      };
      emptyPool(1, 20);
      emptyPool(1, 21);
      for (const p of [1, 2, 3, 4, 5]) emptyPool(0, p);
      const q = a.malloc(512);
      expect(a.arenaOf(q)).toBe(arenaOf(perArena));
      expect(a.poolOf(q)).toBe(a.poolOf(hs[perArena + 21 * perPool]!));
      checkInvariants(a, a.requestedOf);
    }
  });

  it('G0 takes empty pools from one global LIFO list, across arenas', () => {
    const a = sized(createAllocator('2.4'));
    const perPool = a.geometry.numBlocks[31]!;
    const perArena = perPool * 63;
    const hs = Array.from({ length: 2 * perArena }, () => a.malloc(256));
    for (let i = 0; i < perPool; i++) a.free(hs[3 * perPool + i]!); // arena 0, pool 3
    for (let i = 0; i < perPool; i++) a.free(hs[perArena + 7 * perPool + i]!); // arena 1, pool 7
    const q = a.malloc(8);
    expect(a.poolOf(q)).toBe(a.poolOf(hs[perArena + 7 * perPool]!));
    const r = a.malloc(256 - 7);
    expect(a.poolOf(r)).toBe(a.poolOf(hs[3 * perPool]!));
    checkInvariants(a, a.requestedOf);
  });

  it('releases an empty arena per family policy', () => {
    const counts: Record<string, number> = {};
    for (const v of ['2.4', '2.6', '3.8', '3.9', '3.11']) {
      const a = sized(createAllocator(v));
      const hs = Array.from({ length: 20000 }, () => a.malloc(200));
      for (const h of hs) a.free(h);
      checkInvariants(a, a.requestedOf);
      counts[v] = a.stats().arenas.current;
    }
    expect(counts).toEqual({ '2.4': counts['2.4'], '2.6': 0, '3.8': 0, '3.9': 1, '3.11': 1 });
    expect(counts['2.4']).toBeGreaterThan(10);
  });

  it('reuses freed arena slots LIFO and grows arenas[] 16 → 32', () => {
    const a = sized(createAllocator('3.8', { arenas: 'aligned' }));
    const perArena = a.geometry.numBlocks[31]! * 64;
    const hs = Array.from({ length: 17 * perArena }, () => a.malloc(512));
    expect(a.maxarenas).toBe(32);
    expect(a.arenaOf(hs[hs.length - 1]!)).toBe(16);
    for (const arena of [3, 5]) for (let i = 0; i < perArena; i++) a.free(hs[arena * perArena + i]!);
    expect(a.stats().arenas).toMatchObject({ current: 15, reclaimed: 2 });
    expect(a.arenaOf(a.malloc(512))).toBe(5);
    checkInvariants(a, a.requestedOf);
  });

  it('follows an arena sequence, then the alignment option', () => {
    const a = sized(createAllocator('3.11', { arenas: 'aligned', arenaSequence: [[63, 2]] }));
    const perArena63 = a.geometry.numBlocks[31]! * 63;
    const hs = Array.from({ length: 2 * perArena63 + 1 }, () => a.malloc(512));
    expect(a.stats().arenas).toMatchObject({ current: 3, misaligned: 2 });
    expect(a.arenaOf(hs[perArena63 - 1]!)).not.toBe(a.arenaOf(hs[perArena63]!));
    expect(() => sized(createAllocator('3.11', { arenaSequence: [[62, 1]] }))).toThrow(EngineError);
  });
});

describe('stats', () => {
  it('breaks arena bytes down exactly as _debugmallocstats does', () => {
    const a = sized(createAllocator('3.11'));
    const hs = Array.from({ length: 5000 }, (_, i) => a.malloc(1 + ((i * 37) % 512)));
    for (let i = 0; i < hs.length; i += 3) a.free(hs[i]!);
    const s = a.stats();
    const b = s.bytes;
    expect(b.blocksInUse + b.availableBlocks + b.freePools + b.poolHeaders + b.quantization + b.arenaAlignment).toBe(b.arenas);
    expect(b.arenas).toBe(s.arenas.current * 1048576);
    expect(b.arenaAlignment).toBe(s.arenas.misaligned * 16384);
    expect(s.pools.used + s.pools.full + s.pools.empty + s.pools.untouched).toBe(s.arenas.current * 64 - s.arenas.misaligned);
    expect(s.ops).toBe(5000 + Math.ceil(5000 / 3));
    expect(s.classes.blocks.reduce((x, y) => x + y, 0)).toBe(5000 - Math.ceil(5000 / 3));
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
