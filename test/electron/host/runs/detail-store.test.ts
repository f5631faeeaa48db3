// The per-run detail store: bounded, thinned evenly, the newest always at hand.
import { describe, expect, it } from 'vitest';
import { DetailStore, toSnapshot } from '../../../../electron/host/runs/detail-store';
import type { DetailMessage } from '../../../../shared/protocol/detail-message';

const detail = (op: number, arenas: number[][] = []): DetailMessage => ({
  type: 'detail',
  op,
  wallMs: op / 10,
  classes: { blockSize: [16, 32], usedPools: [1, 0], fullPools: [0, 0], blocks: [3, 0], availableBlocks: [1000, 0] },
  arenas: {
    slots: arenas.map((_, i) => i),
    pools: arenas.map((a) => a.length),
    fill: Int8Array.from(arenas.flat()),
    szidx: Int8Array.from(arenas.flat().map((f) => (f < 0 ? -1 : 0))),
  },
});

describe('detail store', () => {
  it('answers the newest snapshot at or before an operation', () => {
    const store = new DetailStore(10);
    for (const op of [0, 100, 200, 300]) store.add(detail(op));
    expect(store.at(-1)).toBeNull();
    expect(store.at(0)!.op).toBe(0);
    expect(store.at(250)!.op).toBe(200);
    expect(store.at(Infinity)!.op).toBe(300);
  });

  it('keeps at most its capacity, spread evenly, and always the newest', () => {
    const store = new DetailStore(8);
    for (let i = 0; i <= 100; i++) store.add(detail(i * 10));
    expect(store.size).toBeLessThanOrEqual(8);
    const ops = store.ops();
    const gaps = ops.slice(1).map((op, i) => op - ops[i]!);
    expect(new Set(gaps).size).toBe(1);
    expect(ops[0]).toBe(0);
    expect(store.at(Infinity)!.op).toBe(1000);
  });

  it('turns the compact arena map into one entry per arena', () => {
    const snap = toSnapshot('run-1', detail(5, [[100, 50, 0, -1], [7]]));
    expect(snap.arenas).toEqual([
      { slot: 0, totalPools: 4, pools: [100, 50, 0, -1], szidx: [0, 0, 0, -1] },
      { slot: 1, totalPools: 1, pools: [7], szidx: [0] },
    ]);
    expect(snap).toMatchObject({ runId: 'run-1', op: 5, wallMs: 0.5 });
  });
});
