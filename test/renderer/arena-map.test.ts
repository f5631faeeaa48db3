import { describe, expect, it } from 'vitest';
import { cellColor, mapSize, mapSummary, MAX_ROWS } from '../../renderer/src/charts/arena-map-model';
import { formatBytes, formatCount, formatDuration, opsPerSecond } from '../../renderer/src/model/format';
import type { DetailSnapshot } from '../../shared/protocol/bridge';

const colors = { uncarved: '#ccc', empty: '#eef', usedHue: 24, full: '#a00' };

function detail(arenas: number[][]): DetailSnapshot {
  return {
    runId: 'r', op: 0, wallMs: 0,
    classes: { blockSize: [], usedPools: [], fullPools: [], blocks: [], availableBlocks: [] },
    arenas: arenas.map((pools, slot) => ({ slot, totalPools: pools.length, pools, szidx: pools.map(() => 0) })),
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

  it('counts pools and caps the rows drawn', () => {
    expect(mapSummary(detail([[-1, 0, 50, 100], [100, 0]]))).toEqual({ arenas: 2, carved: 5, empty: 2, full: 2 });
    const many = detail(Array.from({ length: MAX_ROWS + 5 }, () => [0, 0]));
    expect(mapSize(many).rows).toBe(MAX_ROWS);
    expect(mapSize(detail([[0, 0, 0]]))).toEqual({ width: 25, height: 9, rows: 1 });
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
