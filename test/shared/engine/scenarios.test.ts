/**
 * The spec's §9 scenarios: 10 × 2^20 blocks of 16 bytes, then (A) free them all or (B) free all
 * but every 256th. Pure numbers for an allocator starting empty, for every family.
 */
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';

const N = 10 * 1024 * 1024;

interface Row {
  version: string;
  arenas?: 'aligned' | 'misaligned';
  pools: number;
  peakArenas: number;
  peakBytes: number;
  afterFreeAll: number;
  retainedBytes: number;
}

const ROWS: Row[] = [
  { version: '2.4', pools: 41446, peakArenas: 658, peakBytes: 172490752, afterFreeAll: 658, retainedBytes: 172490752 },
  { version: '2.6', pools: 41446, peakArenas: 658, peakBytes: 172490752, afterFreeAll: 0, retainedBytes: 0 },
  { version: '3.6', pools: 41446, peakArenas: 648, peakBytes: 169869312, afterFreeAll: 0, retainedBytes: 0 },
  { version: '3.8', pools: 41446, peakArenas: 648, peakBytes: 169869312, afterFreeAll: 0, retainedBytes: 0 },
  { version: '3.9', pools: 41446, peakArenas: 648, peakBytes: 169869312, afterFreeAll: 1, retainedBytes: 262144 },
  { version: '3.11', arenas: 'misaligned', pools: 10271, peakArenas: 164, peakBytes: 171966464, afterFreeAll: 1, retainedBytes: 1048576 },
  { version: '3.11', arenas: 'aligned', pools: 10271, peakArenas: 161, peakBytes: 168820736, afterFreeAll: 1, retainedBytes: 1048576 },
];

function fill(version: string, arenas: Row['arenas']) {
  const a = createAllocator(version, arenas ? { arenas } : {});
  const h = new Int32Array(N);
  for (let i = 0; i < N; i++) h[i] = a.malloc(16);
  return { a, h };
}

describe('§9.1 scenario A: allocate 10 × 2^20 × 16 bytes, free them all', () => {
  it.each(ROWS)('$version $arenas', (row) => {
    const { a, h } = fill(row.version, row.arenas);
    const peak = a.stats();
    expect(peak.pools.used + peak.pools.full).toBe(row.pools);
    expect(peak.arenas.current).toBe(row.peakArenas);
    expect(peak.bytes.arenas).toBe(row.peakBytes);
    expect(peak.bytes.requested).toBe(N * 16);
    for (let i = 0; i < N; i++) a.free(h[i]!, 16);
    const end = a.stats();
    expect(end.arenas.current).toBe(row.afterFreeAll);
    expect(end.bytes.arenas).toBe(row.retainedBytes);
    expect(end.bytes.requested).toBe(0);
    expect(end.arenas.highwater).toBe(row.peakArenas);
  });

  it('keeps exactly one arena under 3.9+ whatever the free order', () => {
    for (const v of ['3.9', '3.12']) {
      const { a, h } = fill(v, undefined);
      for (let i = N - 1; i >= 0; i--) a.free(h[i]!, 16);
      expect(a.stats().arenas.current).toBe(1);
    }
  });
});

describe('§9.2 scenario B: free all but every 256th block', () => {
  it.each(ROWS)('$version $arenas', (row) => {
    const { a, h } = fill(row.version, row.arenas);
    for (let i = 0; i < N; i++) if (i % 256 !== 0) a.free(h[i]!, 16);
    const s = a.stats();
    const fourK = row.pools === 41446;
    expect(s.pools.used + s.pools.full).toBe(fourK ? 40960 : 10270);
    expect(s.pools.empty).toBe(fourK ? 486 : 1);
    expect(s.arenas.current).toBe(row.peakArenas);
    expect(s.bytes.arenas).toBe(row.peakBytes);
    expect(s.bytes.requested).toBe(40960 * 16);
  });
});
