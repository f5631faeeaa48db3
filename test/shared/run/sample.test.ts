// The series keys as a type and as columns: SeriesKey is the union of SERIES' keys (checked by the
// compiler: `npm run typecheck` fails when an @ts-expect-error below stops being an error), and keys
// from outside are checked against the same table at run time.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createAllocator } from '../../../shared/engine';
import { analyzePins } from '../../../shared/pins';
import {
  ENVELOPE_KEYS,
  isSeriesKey,
  LEGACY_SERIES_COUNTS,
  LEGACY_SERIES_KEYS,
  SERIES,
  SERIES_COUNT,
  SERIES_INDEX,
  SERIES_KEYS,
  type SeriesKey,
  seriesIndexOf,
  seriesOfSessionVersion,
  withLegacySeries,
  writeSample,
} from '../../../shared/run/sample';
import { sized } from '../engine/sized';

describe('SeriesKey', () => {
  it('is the union of the keys, not string', () => {
    const ok: SeriesKey = 'arena_bytes';
    // @ts-expect-error 'not-a-series' is not a series key
    const bad: SeriesKey = 'not-a-series';
    expectTypeOf<SeriesKey>().not.toEqualTypeOf<string>();
    expectTypeOf<'arena_bytes'>().toMatchTypeOf<SeriesKey>();
    expectTypeOf(SERIES_INDEX.arenas).toEqualTypeOf<number>();
    // @ts-expect-error SERIES_INDEX has no entry for a key outside SERIES
    void SERIES_INDEX['not-a-series'];
    expect([ok, bad]).toEqual(['arena_bytes', 'not-a-series']);
  });

  it('indexes SERIES in column order', () => {
    expect(SERIES_KEYS).toEqual(SERIES.map((s) => s.key));
    expect(SERIES_KEYS.map((k) => SERIES_INDEX[k])).toEqual([...Array(SERIES_COUNT).keys()]);
    expect(Object.keys(SERIES_INDEX)).toEqual(SERIES_KEYS);
    expect(new Set(SERIES_KEYS).size).toBe(SERIES_COUNT);
    for (const k of ENVELOPE_KEYS) expect(SERIES_KEYS).toContain(k);
  });
});

describe('keys from outside', () => {
  it('are series keys only when SERIES holds them, prototype names included', () => {
    expect(isSeriesKey('pools_used')).toBe(true);
    for (const k of ['not-a-series', '', 'toString', 'constructor', '__proto__', 'Arenas']) expect(isSeriesKey(k), k).toBe(false);
  });

  it('give their column, or an error that names the key and the known ones', () => {
    expect(seriesIndexOf('wall_ms')).toBe(1);
    // pinned_bytes, then rss_bytes were appended last (session files before version 4 end at arenas_reclaimed, before 5 at pinned_bytes).
    expect(seriesIndexOf('arenas_reclaimed')).toBe(SERIES_COUNT - 3);
    expect(seriesIndexOf('pinned_bytes')).toBe(SERIES_COUNT - 2);
    expect(seriesIndexOf('rss_bytes')).toBe(SERIES_COUNT - 1);
    expect(() => seriesIndexOf('toString')).toThrow(RangeError);
    expect(() => seriesIndexOf('nope')).toThrow(/unknown series "nope" \(known: op, wall_ms, requested_bytes, .*arenas_reclaimed, pinned_bytes, rss_bytes\)/);
  });
});

describe('session layouts', () => {
  it('each session version holds a prefix of SERIES: the series that joined later read as 0 from older files', () => {
    expect(seriesOfSessionVersion(2)).toEqual(SERIES_KEYS.slice(0, SERIES_INDEX.pinned_bytes));
    expect(seriesOfSessionVersion(3)).toEqual(LEGACY_SERIES_KEYS);
    expect(seriesOfSessionVersion(4)).toEqual(SERIES_KEYS.slice(0, SERIES_INDEX.rss_bytes));
    expect(seriesOfSessionVersion(5)).toEqual(SERIES_KEYS);
    expect(LEGACY_SERIES_COUNTS).toEqual([SERIES_COUNT - 2, SERIES_COUNT - 1]);
    for (const n of LEGACY_SERIES_COUNTS) {
      const padded = withLegacySeries(Array.from({ length: n }, (_, s) => [s + 1, s + 2]));
      expect(padded).toHaveLength(SERIES_COUNT);
      expect(padded.slice(n)).toEqual(Array.from({ length: SERIES_COUNT - n }, () => [0, 0]));
      expect(padded[n - 1]).toEqual([n, n + 1]);
    }
    // Any other width is left as it is, for the reader to refuse by name.
    expect(withLegacySeries([[1]])).toEqual([[1]]);
  });
});

describe('pinned_bytes', () => {
  it.each(['2.4', '2.7', '3.11'])('%s: 0 while arenas are full, then every arena kept by one block, as analyzePins says', (version) => {
    const a = sized(createAllocator(version));
    const row = new Float64Array(SERIES_COUNT);
    const handles: number[] = [];
    for (let i = 0; i < 200_000; i++) handles.push(a.malloc(16));
    writeSample(a, 0, row);
    expect(row[SERIES_INDEX.pinned_bytes]).toBe(0);
    const keep = new Map<number, number>();
    for (const h of handles) if (!keep.has(a.arenaOf(h))) keep.set(a.arenaOf(h), h);
    const kept = new Set(keep.values());
    for (const h of handles) if (!kept.has(h)) a.free(h);
    writeSample(a, 0, row);
    expect(row[SERIES_INDEX.pinned_bytes]).toBe(keep.size * a.preset.ARENA_SIZE);
    expect(row[SERIES_INDEX.pinned_bytes]).toBe(analyzePins(a).summary.pinnedArenaBytes);
    expect(keep.size).toBeGreaterThan(1);
  });
});
