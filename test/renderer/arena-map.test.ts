import { describe, expect, it } from 'vitest';
import { cellAt, cellColor, CELL, describeCell, GAP, mapLayout, mapSummary, MAX_ROWS } from '../../renderer/src/charts/arena-map-model';
import { formatBytes, formatCount, formatDuration, opsPerSecond } from '../../renderer/src/model/format';
import type { DetailSnapshot } from '../../shared/protocol/bridge';

const colors = { uncarved: '#ccc', empty: '#eef', usedHue: 24, full: '#a00' };

function detail(arenas: number[][], szidx: (slot: number, pool: number) => number = () => 0): DetailSnapshot {
  return {
    runId: 'r',
    op: 0,
    wallMs: 0,
    classes: { blockSize: [16, 32], usedPools: [], fullPools: [], blocks: [], availableBlocks: [] },
    arenas: arenas.map((pools, slot) => ({ slot, totalPools: pools.length, pools, szidx: pools.map((c, p) => (c < 0 ? -1 : szidx(slot, p))) })),
  };
}

describe('arena map', () => {
  it('colours by state, fuller pools darker', () => {
    expect(cellColor(-1, colors)).toBeNull();
    expect(cellColor(0, colors)).toBe('#eef');
    expect(cellColor(100, colors)).toBe('#a00');
    expect(cellColor(10, colors)).toBe('hsl(24 65% 76%)');
    expect(cellColor(90, colors)).toBe('hsl(24 65% 40%)');
  });

  it('counts pools, one row per arena up to MAX_ROWS', () => {
    expect(
      mapSummary(
        detail([
          [-1, 0, 50, 100],
          [100, 0],
        ]),
      ),
    ).toEqual({ arenas: 2, carved: 5, empty: 2, full: 2 });
    const one = mapLayout(detail([[0, 0, 0]]));
    expect([one.width, one.height, one.rows.length, one.perRow]).toEqual([25, 9, 1, 1]);
    const full = mapLayout(detail(Array.from({ length: MAX_ROWS }, () => [0, 0])));
    expect([full.rows.length, full.perRow]).toEqual([MAX_ROWS, 1]);
  });

  it('draws every arena of a bigger heap, several to a row, keeping empty and full exact', () => {
    // 2·MAX_ROWS + 1 arenas: three to a row, the last row holds what is left.
    const n = 2 * MAX_ROWS + 1;
    const d = detail(Array.from({ length: n }, (_, slot) => (slot % 3 === 0 ? [100, 0, -1, 1] : slot % 3 === 1 ? [100, 0, -1, 99] : [100, 0, -1, 50])));
    const layout = mapLayout(d);
    expect(layout.perRow).toBe(3);
    expect(layout.rows).toHaveLength(Math.ceil(n / 3));
    expect(layout.rows.reduce((k, r) => k + r.count, 0)).toBe(n);
    // Full everywhere stays full, empty stays empty, never carved stays so; the rest is a mean (50).
    expect(layout.rows[0]!.codes).toEqual([100, 0, -1, 50]);
    expect(layout.rows.at(-1)!.count).toBe(n - 3 * (layout.rows.length - 1));
    // A mean that is not exactly 0 or 100 never reads as empty or full.
    const nearly = mapLayout(detail(Array.from({ length: MAX_ROWS + 1 }, (_, slot) => [slot === 0 ? 99 : 100, slot === 0 ? 1 : 0])));
    expect(nearly.rows[0]!.codes).toEqual([99, 1]);
  });

  it('names the cell under the pointer: its pool, class and arena', () => {
    const d = detail([[100, 40, 0, -1]], (_slot, pool) => (pool === 1 ? 1 : 0));
    const layout = mapLayout(d);
    const at = (row: number, pool: number) => cellAt(layout, GAP + pool * (CELL + GAP) + 3, GAP + row * (CELL + GAP) + 3);
    expect(at(0, 1)).toEqual({ row: 0, pool: 1 });
    expect(cellAt(layout, 1000, 3)).toBeNull();
    expect(cellAt(layout, 3, 50)).toBeNull();
    expect(describeCell(d, layout, at(0, 1)!)).toBe(
      'arena slot 0, pool 2 of 4: class 1 (32-byte blocks), 40 % of its blocks in use · this arena: 1 full, 1 used, 1 empty, 1 never carved',
    );
    expect(describeCell(d, layout, at(0, 3)!)).toMatch(/^arena slot 0, pool 4 of 4: never carved/);
    const many = detail(Array.from({ length: MAX_ROWS + 1 }, () => [100]));
    const grouped = mapLayout(many);
    expect(describeCell(many, grouped, { row: 0, pool: 0 })).toBe('arena slots 0–1 (2 arenas), pool 1: class 0 (16-byte blocks), mean fill 100 %');
  });
});

describe('formatting', () => {
  it('shows bytes, counts, durations and rates', () => {
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatBytes(-2048)).toBe('−2 KiB');
    expect(formatCount(12_345_678)).toBe('12.35M');
    expect(formatDuration(61_000)).toBe('1 min 1 s');
    expect(opsPerSecond(1000, 500)).toBe(2000);
    expect(opsPerSecond(10, 0)).toBe(0);
  });
});
