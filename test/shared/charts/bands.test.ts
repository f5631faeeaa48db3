// How a band is drawn (shared by the screen and the PNG export; their equality is checked in
// test/renderer/series-datasets.test.ts).
import { describe, expect, it } from 'vitest';
import { bandLines, BAND_FILL_ALPHA, isBandMin, legendShows, MIN_SUFFIX, REAL_RUN_DASH, toPoints, withAlpha } from '../../../shared/charts';

const band = { x: [0, 100, 200, 300], min: [0, 10, 20, 20], max: [0, 15, 40, 20] };

describe('a band', () => {
  it('zips x and y into points, as long as the shorter', () => {
    expect(toPoints([1, 2, 3], [4, 5])).toEqual([
      { x: 1, y: 4 },
      { x: 2, y: 5 },
    ]);
  });

  it('is max, then min filled up to it, the min marked for the legend to leave out', () => {
    const [max, min] = bandLines(band, 'arena_bytes', '#d9480f');
    expect(max.label).toBe('arena_bytes');
    expect(max.fill).toBe(false);
    expect(max.data.map((p) => p.y)).toEqual([0, 15, 40, 20]);
    expect(min.label).toBe(`arena_bytes${MIN_SUFFIX}`);
    expect(min.fill).toBe('-1');
    expect(min.data.map((p) => p.y)).toEqual([0, 10, 20, 20]);
    expect(min.backgroundColor).toBe(withAlpha('#d9480f', BAND_FILL_ALPHA));
    expect(max.borderDash).toBeUndefined();
    expect(bandLines(band, 'real', '#000000', true)[1].borderDash).toEqual(REAL_RUN_DASH);
  });

  it('shows once in the legend', () => {
    const [max, min] = bandLines(band, 'pools', '#000000');
    expect(legendShows({ text: max.label })).toBe(true);
    expect(legendShows({ text: min.label })).toBe(false);
    expect(isBandMin(undefined)).toBe(false);
  });

  it('formats alpha', () => {
    expect(withAlpha('#000000', 1)).toBe('#000000ff');
    expect(withAlpha('#000000', 0)).toBe('#00000000');
    expect(withAlpha('#d9480f', 0.25)).toBe('#d9480f40');
  });
});
