// The formatting rules: binary steps on byte axes, one tick precision without trailing zeros,
// thousands separators and plurals in tables, CSV fractions to the microsecond.
import { describe, expect, it } from 'vitest';
import { binaryScaleHooks, binaryTicks, csvNumber, formatBytes, formatCount, formatInteger, plural } from '../../../shared/charts';

const MiB = 1024 * 1024;

describe('byte axes', () => {
  it('step by powers of two of a binary unit, never 9.54 / 19.1 MiB', () => {
    const t = binaryTicks(0, 37 * MiB, 6);
    expect(t.values.map(formatBytes)).toEqual(['0 B', '8 MiB', '16 MiB', '24 MiB', '32 MiB', '40 MiB']);
    expect(t.max).toBe(40 * MiB);
    for (const max of [1, 1000, 5e6, 3.3e9, 7 * MiB]) {
      const { values } = binaryTicks(0, max, 6);
      const step = values[1]! - values[0]!;
      expect(Math.log2(step) % 1).toBe(0);
      expect(values.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(values.length).toBeLessThanOrEqual(7);
    }
  });

  it('as Chart.js hooks: the top rounds up to a step, the ticks are the binary ones', () => {
    const scale = { min: 0, max: 37 * MiB, ticks: [] as { value: number }[] };
    binaryScaleHooks.afterDataLimits(scale);
    binaryScaleHooks.afterBuildTicks(scale);
    expect(scale.max).toBe(40 * MiB);
    expect(scale.ticks.map((t) => t.value)).toEqual([0, 8, 16, 24, 32, 40].map((m) => m * MiB));
  });
});

describe('labels', () => {
  it('drop trailing zeros: 8M, not 8.00M', () => {
    expect(formatCount(8_000_000)).toBe('8M');
    expect(formatCount(12_345_678)).toBe('12.35M');
    expect(formatCount(50_000)).toBe('50k');
    expect(formatBytes(9.5 * MiB)).toBe('9.5 MiB');
  });

  it('separate thousands and pluralise counts in tables', () => {
    expect(formatInteger(1_048_576)).toBe('1,048,576');
    expect(plural(1, 'arena')).toBe('1 arena');
    expect(plural(0, 'arena')).toBe('0 arenas');
    expect(plural(2048, 'pool')).toBe('2,048 pools');
  });

  it('write CSV fractions to the microsecond and integers as they are', () => {
    expect(csvNumber(17.64629600000012)).toBe('17.646');
    expect(csvNumber(1048576)).toBe('1048576');
    expect(csvNumber(0.1 + 0.2)).toBe('0.3');
  });
});
