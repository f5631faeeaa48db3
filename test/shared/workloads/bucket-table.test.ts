import { describe, expect, it } from 'vitest';
import { BUCKET_BITS, bucketTable } from '../../../shared/workloads/bucket-table';
import { exp, ln } from '../../../shared/workloads/fastmath';
import { stream } from '../../../shared/workloads/prng';
import { LogUniform } from '../../../shared/workloads/core/log-uniform';

const BUCKETS = 2 ** BUCKET_BITS;
const TWO_M53 = 2 ** -53;
const DRAWS = 200_000;

/** The share of buckets a table resolves (the rest fall back to the formula). */
const resolved = (table: Float64Array) => table.filter((v) => v >= 0).length / table.length;

describe('bucket tables (bucket-table.ts)', () => {
  it('gives, in every bucket it resolves, the number the formula gives at 64 points across the bucket', () => {
    const cases: [string, (u: number) => number, (x: number) => number][] = [
      ['geometric(2)', (u) => ln(1 - u) / Math.log(2 / 3), Math.floor],
      ['ceil pareto(0.3, 1)', (u) => 1 * exp(-ln(1 - u) / 0.3), Math.ceil],
      ['ceil pareto(1.5, 3)', (u) => 3 * exp(-ln(1 - u) / 1.5), Math.ceil],
      ['log-uniform(2, 10^6)', (u) => 2 * exp(u * Math.log(500_000)), Math.floor],
      ['a decreasing one', (u) => 1000 * (1 - u), Math.floor],
    ];
    for (const [what, f, round] of cases) {
      const table = bucketTable(f, round, (x) => 1e-9 * (1 + Math.abs(x)));
      expect(resolved(table), what).toBeGreaterThan(0.2);
      for (let b = 0; b < BUCKETS; b++) {
        if (table[b]! < 0) continue;
        // u is a multiple of 2^-53: the bucket's first and last, and 62 spread between.
        const first = b * 2 ** 41;
        for (let k = 0; k < 64; k++) {
          const u = (first + Math.floor((k / 63) * (2 ** 41 - 1))) * TWO_M53;
          if (round(f(u)) !== table[b]) throw new Error(`${what}: bucket ${b} says ${table[b]}, u = ${u} gives ${round(f(u))}`);
        }
      }
    }
  });

  it('resolves no bucket whose ends round apart, or fall within the tolerance of an integer', () => {
    // f crosses 5 inside bucket 10, and comes within 10^-12 of 7 at the end of bucket 20.
    const f = (u: number) => {
      const b = Math.floor(u * BUCKETS);
      if (b === 10) return 4.5 + (u * BUCKETS - 10) * 0.9;
      if (b === 20) return 7 - 1e-12 + (u * BUCKETS - 20) * 1e-12;
      return 3.5;
    };
    const table = bucketTable(f, Math.floor, () => 1e-9);
    expect(table[10]).toBe(-1);
    expect(table[20]).toBe(-1);
    expect(table[0]).toBe(3);
  });
});

describe('the samplers with their tables give the formula’s numbers, draw for draw', () => {
  it('geometric, for means from 0.5 to 5000', () => {
    for (const mean of [0.5, 2, 19, 100, 5000]) {
      const a = stream(11, `geometric ${mean}`);
      const b = stream(11, `geometric ${mean}`);
      const logQ = Math.log(mean / (mean + 1));
      for (let i = 0; i < DRAWS; i++) {
        const want = Math.floor(ln(1 - b.u01()) / logQ);
        const got = a.geometric(mean);
        if (got !== want) throw new Error(`geometric(${mean}), draw ${i}: ${got}, the formula ${want}`);
      }
    }
  });

  it('geometric, with two means in turn (each keeps its table)', () => {
    const a = stream(12, 'two');
    const b = stream(12, 'two');
    for (let i = 0; i < DRAWS; i++) {
      const mean = i % 2 === 0 ? 2 : 19;
      expect(a.geometric(mean)).toBe(Math.floor(ln(1 - b.u01()) / Math.log(mean / (mean + 1))));
    }
  });

  it('the rounded-up Pareto, for tail indices 0.1–3 and scales 1–10^9', () => {
    for (const alpha of [0.1, 0.3, 0.5, 1.5, 3]) {
      for (const xm of [1, 10_000, 1e9]) {
        const a = stream(13, `pareto ${alpha} ${xm}`);
        const b = stream(13, `pareto ${alpha} ${xm}`);
        for (let i = 0; i < DRAWS / 4; i++) {
          const want = Math.ceil(b.pareto(alpha, xm));
          const got = a.paretoCeil(alpha, xm);
          if (got !== want) throw new Error(`paretoCeil(${alpha}, ${xm}), draw ${i}: ${got}, the formula ${want}`);
        }
      }
    }
  });

  it('the log-uniform of LogUniform', () => {
    for (const [min, max] of [
      [1, 100],
      [2, 1_000_000],
      [500, 501],
      [7, 7],
    ] as const) {
      const d = new LogUniform({ lo: min, hi: max }, 'lo', 'hi');
      const a = stream(14, `log-uniform ${min}`);
      const b = stream(14, `log-uniform ${min}`);
      const span = Math.log(max / min);
      for (let i = 0; i < DRAWS / 4; i++) {
        const want = Math.floor(min * exp(b.u01() * span));
        const got = d.draw(a);
        if (got !== want) throw new Error(`log-uniform(${min}, ${max}), draw ${i}: ${got}, the formula ${want}`);
      }
    }
  });
});
