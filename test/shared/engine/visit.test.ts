import { describe, expect, it } from 'vitest';
import { createAllocator, visitArenas, visitLiveBlocks } from '../../../shared/engine';
import { sized } from './sized';

describe('visitLiveBlocks', () => {
  it.each(['2.7', '3.11'])('%s: yields exactly the live blocks of each pool, each once', (version) => {
    const a = sized(createAllocator(version));
    const live = new Map<number, number>();
    // Several classes, pools reused after they empty: freed blocks must not be reported.
    for (let round = 0; round < 3; round++) {
      const hs: [number, number][] = [];
      for (let i = 0; i < 5000; i++) {
        const n = 1 + ((i * 37 + round * 11) % 200);
        hs.push([a.malloc(n), n]);
      }
      hs.forEach(([h, n], i) => {
        if (i % (3 + round) === 0) live.set(h, n);
        else a.free(h);
      });
    }
    const seen = new Map<number, number>();
    visitArenas(a, (v) => {
      for (const pool of v.pools) {
        let count = 0;
        visitLiveBlocks(a, (v.slot << a.poolShift) + pool.index, (h) => {
          expect(seen.has(h)).toBe(false);
          seen.set(h, a.requestedOf(h));
          count++;
        });
        expect(count).toBe(pool.count);
      }
    });
    expect(seen).toEqual(live);
  });
});
