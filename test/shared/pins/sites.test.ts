/**
 * Pins by source site (a recorded program's `record --origins` trace): the blocks that pin arenas
 * are grouped by the file:line that allocated them; sites on one line are one origin; a site the
 * program never named, and a block with no site, still get a row that says so.
 */
import { describe, expect, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';
import { OpBatch } from '../../../shared/ops/op-batch';
import { analyzePins, PinReplay, SiteOrigins, siteLabel, PhaseClassOrigins } from '../../../shared/pins';
import type { SiteTable } from '../../../shared/trace';

const KEEP = [{ file: 'cache.py', line: 7, func: 'remember' }];
const CHURN = [{ file: 'main.py', line: 11, func: 'build' }];

/**
 * N blocks of 32 bytes; every k-th is kept, made at `keptSite(i)`, the rest at site 1 (churn) and
 * freed: the kept blocks alone pin their arenas.
 */
function keepEveryKth(N: number, k: number, keptSite: (i: number) => number): PinReplay {
  const replay = new PinReplay(createAllocator('3.12'));
  const batch = new OpBatch(N);
  const site = batch.sites();
  for (let i = 0; i < N; i++) {
    batch.alloc(i, i, 32);
    site[i] = i % k === 0 ? keptSite(i) : 1;
  }
  replay.apply(batch);
  batch.clear();
  for (let i = 0; i < N; i++) if (i % k !== 0) batch.free(i, i);
  replay.apply(batch);
  return replay;
}

describe('pins by site', () => {
  it('names the keeping line as the only origin of the pinning blocks', () => {
    const N = 200_000;
    const k = 1000;
    const replay = keepEveryKth(N, k, () => 2);
    expect(replay.sited).toBe(true);
    const sites: SiteTable = new Map([
      [1, CHURN],
      [2, KEEP],
    ]);
    const r = analyzePins(replay.alloc, { births: replay, sites });
    expect(r.summary.pinnedArenas).toBeGreaterThan(3);
    expect(r.summary.pinningBlocks).toBe(N / k);
    expect(r.origins).toHaveLength(1);
    const top = r.origins[0]!;
    expect(top.label).toBe('cache.py:7 in remember');
    expect([top.file, top.line, top.func]).toEqual(['cache.py', 7, 'remember']);
    expect(top.blocks).toBe(N / k);
    expect(top.arenas).toBe(r.summary.pinnedArenas);
    expect(top.arenaBytes).toBeCloseTo(r.summary.pinnedArenaBytes, 3);
  });

  it('sites with the same frames (two instructions of one line) are one origin; unnamed and missing sites say so', () => {
    // Kept blocks from sites 2 and 3 (both cache.py:7), 4 (never named) and 0 (no Python frame).
    const replay = keepEveryKth(120_000, 500, (i) => [2, 3, 4, 0][(i / 500) % 4]!);
    const sites: SiteTable = new Map([
      [1, CHURN],
      [2, KEEP],
      [3, KEEP],
    ]);
    const r = analyzePins(replay.alloc, { births: replay, sites });
    const byLabel = new Map(r.origins.map((o) => [o.label, o.blocks]));
    expect(byLabel.get('cache.py:7 in remember')).toBe(120);
    expect(byLabel.get('site 4 (not named: the program ended before its sites were)')).toBe(60);
    expect([...byLabel.keys()].filter((l) => l.startsWith('no Python frame: class'))).toHaveLength(1);
    expect([...byLabel.values()].reduce((a, b) => a + b, 0)).toBe(r.summary.pinningBlocks);
    expect(r.origins[0]!.label).toBe('cache.py:7 in remember');
  });

  it('a call path reads innermost first', () => {
    expect(siteLabel([...KEEP, { file: 'main.py', line: 12, func: 'build' }])).toBe('cache.py:7 in remember ← main.py:12 in build');
    const table = new SiteOrigins(new Map([[5, KEEP]]), new PhaseClassOrigins(['start'], new Int32Array([16, 32])));
    expect(table.idOf(5, 0, 1)).toBe(table.idOf(5, 0, 1));
    expect(table.origin(table.idOf(0, 0, 1)).label).toBe("no Python frame: class 1 (32 B), born in phase 'start'");
  });

  it('a stream without sites keeps the size class × phase origins', () => {
    const replay = new PinReplay(createAllocator('3.12'));
    const batch = new OpBatch(4);
    batch.alloc(0, 0, 32);
    replay.apply(batch);
    expect(replay.sited).toBe(false);
    expect(replay.siteOf(0)).toBe(0);
  });
});
