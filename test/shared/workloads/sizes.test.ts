import { describe, expect, it } from 'vitest';
import { DictTable, layoutForVersion, listGrowTo, resolveLayout } from '../../../shared/workloads/core/python-layout';
import { bytearrayCapacity } from '../../../shared/workloads/catalogue/string-builder';
import { stream } from '../../../shared/workloads/prng';
import { checkSizes, NAMED_SIZES, SizeDist, SizeSyntaxError } from '../../../shared/workloads/sizes';

function histogram(text: string, n = 300_000, seed = 1): Map<number, number> {
  const d = SizeDist.parse(text);
  const rng = stream(seed, 'size');
  const h = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const s = d.sample(rng);
    h.set(s, (h.get(s) ?? 0) + 1 / n);
  }
  return h;
}

const share = (h: Map<number, number>, pred: (s: number) => boolean): number => [...h].filter(([s]) => pred(s)).reduce((t, [, f]) => t + f, 0);

describe('named size distributions (§0.3)', () => {
  it('py312-mix follows the measured table', () => {
    const h = histogram('py312-mix');
    // Size → percent, from the measured table (§0.3).
    const expected = { 8: 6.2, 24: 7.0, 32: 7.3, 40: 9.4, 48: 38.7, 56: 24.0, 64: 1.7, 120: 1.4 };
    for (const [s, pct] of Object.entries(expected)) expect(Math.abs((h.get(Number(s)) ?? 0) * 100 - pct)).toBeLessThan(0.3);
    expect(share(h, (s) => s > 512) * 100).toBeCloseTo(1.0, 0);
    expect(share(h, (s) => s >= 80 && s <= 512 && ![96, 120, 144, 176, 216, 288].includes(s)) * 100).toBeCloseTo(0.8, 0);
    expect(Math.max(...h.keys())).toBeLessThanOrEqual(65536);
  });

  it('py39-mix follows the measured table', () => {
    const h = histogram('py39-mix');
    for (const [s, pct] of [
      [56, 39.7],
      [40, 15.9],
      [64, 12.7],
      [168, 1.3],
    ] as const) {
      expect(Math.abs((h.get(s) ?? 0) * 100 - pct / 0.998)).toBeLessThan(0.35);
    }
  });

  it('espresso-mix bands', () => {
    const h = histogram('espresso-mix');
    expect(share(h, (s) => s <= 16) * 100).toBeCloseTo(33.4, 0);
    expect(share(h, (s) => s > 32 && s <= 48) * 100).toBeCloseTo(37.2, 0);
    expect(share(h, (s) => s > 512) * 100).toBeCloseTo(1.7, 0);
    expect(Math.max(...h.keys())).toBeLessThanOrEqual(32768);
  });

  it('invsq(4, 32768) matches glibc bench-malloc-thread quantiles', () => {
    const h = histogram('invsq(4, 32768)');
    // size ≤ k ⇔ the continuous value is below k + 1: P = (1/4 − 1/(k+1)) / (1/4 − 1/32768).
    const p = (k: number): number => (1 / 4 - 1 / (k + 1)) / (1 / 4 - 1 / 32768);
    for (const k of [8, 16, 32, 64, 512]) expect(Math.abs(share(h, (s) => s <= k) - p(k))).toBeLessThan(0.005);
    expect(Math.max(...h.keys())).toBeLessThanOrEqual(32768);
  });

  it('geom_class(10) matches alloc-test', () => {
    const h = histogram('geom_class(10)');
    expect(share(h, (s) => s >= 5 && s <= 8)).toBeCloseTo(0.5, 1);
    expect(share(h, (s) => s >= 9 && s <= 16)).toBeCloseTo(0.25, 1);
    expect(share(h, (s) => s > 512)).toBeCloseTo(1 / 128, 2);
    expect(Math.max(...h.keys())).toBeLessThanOrEqual(1024);
    expect(Math.min(...h.keys())).toBeGreaterThanOrEqual(5);
  });

  it('const, uniform, pow2_words, log_uniform, table, mix', () => {
    expect([...histogram('const(32)', 1000).keys()]).toEqual([32]);
    const u = histogram('uniform(57, 120)', 100_000);
    expect(Math.min(...u.keys())).toBe(57);
    expect(Math.max(...u.keys())).toBe(120);
    expect([...histogram('pow2_words(5)', 10_000).keys()].sort((a, b) => a - b)).toEqual([8, 16, 32, 64, 128]);
    const l = histogram('log_uniform(513, 16384)', 50_000);
    expect(Math.min(...l.keys())).toBeGreaterThanOrEqual(513);
    expect(Math.max(...l.keys())).toBeLessThanOrEqual(16384);
    const t = histogram('table(16: 1, 48: 3)', 100_000);
    expect(t.get(48)).toBeCloseTo(0.75, 1);
    const m = histogram('mix(0.6: uniform(64, 256), 0.3: uniform(257, 512), 0.1: log_uniform(513, 16384))', 100_000);
    expect(share(m, (s) => s <= 256)).toBeCloseTo(0.6, 1);
    expect(share(m, (s) => s > 512)).toBeCloseTo(0.1, 1);
  });

  it('cfrac and py-num (W14)', () => {
    const c = histogram('cfrac', 100_000);
    expect(c.get(16)).toBeCloseTo(0.17, 1);
    expect(Math.max(...c.keys())).toBe(32);
    expect(histogram('py-num', 100_000).get(32)).toBeCloseTo(0.6, 1);
  });

  it('every named table parses; min and max are known', () => {
    for (const { name } of NAMED_SIZES) expect(checkSizes(name)).toBeNull();
    const d = SizeDist.parse('uniform(8, 512)');
    expect([d.min, d.max]).toEqual([8, 512]);
  });

  it('explains what is wrong with a bad distribution', () => {
    expect(() => SizeDist.parse('py313-mix')).toThrow(/unknown distribution 'py313-mix': known are py312-mix/);
    expect(checkSizes('uniform(8)')).toMatch(/takes 2 arguments/);
    expect(checkSizes('uniform(512, 8)')).toMatch(/lower bound exceeds/);
    expect(checkSizes('const(0)')).toMatch(/1 … 2147483647/);
    expect(checkSizes('const(1.5)')).toMatch(/not an integer/);
    expect(checkSizes('const(32) x')).toMatch(/unexpected/);
    expect(checkSizes('table(16: -1)')).toMatch(/weight/);
    expect(checkSizes('mix(0: const(8))')).toMatch(/sum to zero/);
    expect(() => SizeDist.parse('')).toThrow(SizeSyntaxError);
  });
});

describe('CPython growth rules (§2.3) and sizes (§2.2)', () => {
  const capacities = (growth: '3.9+' | '3.8-', upTo: number): number[] => {
    const caps: number[] = [];
    let cap = 0;
    for (let n = 1; n <= upTo; n++) {
      if (n > cap) {
        cap = listGrowTo(growth, n, cap);
        caps.push(cap);
      }
    }
    return caps;
  };

  it('list append capacities', () => {
    expect(capacities('3.9+', 200)).toEqual([4, 8, 16, 24, 32, 40, 52, 64, 76, 92, 108, 128, 148, 172, 200]);
    expect(capacities('3.8-', 201)).toEqual([4, 8, 16, 25, 35, 46, 58, 72, 88, 106, 126, 148, 173, 201]);
  });

  it('bytearray capacities', () => {
    const caps: number[] = [];
    let alloc = 0;
    for (let n = 1; n <= 160; n++) {
      const next = bytearrayCapacity(n, alloc);
      if (next !== alloc) caps.push(next);
      alloc = next;
    }
    expect(caps).toEqual([2, 5, 8, 12, 19, 27, 36, 46, 57, 70, 84, 100, 118, 138, 161]);
  });

  const tableSizes = (python: string, keys: number): number[] => {
    const t = new DictTable(resolveLayout(python).dictKeys, true);
    const sizes: number[] = [];
    for (let i = 0; i < keys; i++) if (t.insert()) sizes.push(t.tableBytes);
    return sizes;
  };

  it('str-keyed dict tables at 1, 6, 11, 22 keys', () => {
    expect(tableSizes('3.12', 22)).toEqual([120, 208, 400, 768]);
    expect(tableSizes('3.11', 22)).toEqual([120, 208, 400, 768]);
    expect(tableSizes('3.9', 22)).toEqual([168, 296, 576, 1112]);
    // 3.6/3.7 allocate the 8-slot table with the dict.
    expect(new DictTable(resolveLayout('3.7').dictKeys, true).tableBytes).toBe(168);
  });

  it('layouts follow the modelled version', () => {
    expect(layoutForVersion(undefined)).toBe('3.12');
    expect(layoutForVersion('3.13')).toBe('3.12');
    expect(layoutForVersion('3.11')).toBe('3.11');
    expect(layoutForVersion('3.10')).toBe('3.9');
    expect(layoutForVersion('3.8')).toBe('3.8');
    expect(layoutForVersion('3.6')).toBe('3.7');
    expect(layoutForVersion('2.4')).toBe('2.7');
    expect(resolveLayout('auto', { python: '3.11' }).strAscii).toBe(48);
    expect(resolveLayout('auto').strAscii).toBe(40);
    expect(resolveLayout('3.12').int).toBe(32);
    expect(resolveLayout('3.9').int).toBe(28);
  });
});
