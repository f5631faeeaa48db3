import { CATALOGUE_NAMES } from '../../support/catalogue-names';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nums, ParamError, parseSeed, resolveParams } from '../../../shared/workloads/params';
import { createGenerator, getWorkload, UnknownWorkloadError, WORKLOADS } from '../../../shared/workloads/registry';

function refusal(f: () => unknown): ParamError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParamError) return e;
    throw e;
  }
  throw new Error('expected a ParamError');
}

describe('parameter validation', () => {
  const churn = getWorkload('steady-churn');

  it('fills every default', () => {
    const p = resolveParams(churn);
    expect(p.L).toBe(1_000_000);
    expect(p.sizes).toBe('py312-mix');
    expect(p.victim).toBe('uniform');
  });

  it('names valid parameters for an unknown one', () => {
    const e = refusal(() => resolveParams(churn, { Lmax: 5 }));
    expect(e.param).toBe('Lmax');
    expect(e.value).toBe(5);
    expect(e.message).toMatch(/unknown parameter of 'steady-churn': valid are L, sizes, victim, batch/);
  });

  it.each([
    ['NaN', NaN, /expected a number|finite/],
    ['Infinity', Infinity, /must be finite, in \[1, 2147483647\]/],
    ['-Infinity', -Infinity, /must be finite/],
    ['negative', -5, /out of range: valid is \[1, 2147483647\], an integer/],
    ['zero', 0, /out of range/],
    ['huge', 1e30, /out of range/],
    ['non-integer', 2.5, /must be an integer in \[1, 2147483647\]/],
    ['a word', 'lots', /expected a number/],
    ['null', null, /expected a number/],
  ])('refuses %s for an integer count', (_label, value, message) => {
    const e = refusal(() => resolveParams(churn, { L: value }));
    expect(e.param).toBe('L');
    expect(Object.is(e.value, value)).toBe(true);
    expect(e.reason).toMatch(message);
    expect(e.message).toContain("parameter 'L'");
  });

  it('accepts numeric strings as numbers (command lines)', () => {
    expect(resolveParams(churn, { L: '1000' }).L).toBe(1000);
  });

  it('respects open interval ends', () => {
    const ramp = getWorkload('ramp-cycles');
    expect(refusal(() => resolveParams(ramp, { p_up: 0.5 })).reason).toMatch(/\(0.5, 1\]/);
    expect(resolveParams(ramp, { p_up: 1 }).p_up).toBe(1);
    expect(refusal(() => resolveParams(ramp, { p_down: 0.5 })).reason).toMatch(/\[0, 0.5\)/);
  });

  it('refuses a word outside the choices, naming them', () => {
    const e = refusal(() => resolveParams(churn, { victim: 'oldest' }));
    expect(e.reason).toBe('must be one of uniform, fifo, lifo, batch');
  });

  it('refuses a bad size distribution with the parser’s reason', () => {
    expect(refusal(() => resolveParams(churn, { sizes: 'uniform(9, 3)' })).reason).toMatch(/lower bound exceeds/);
    expect(refusal(() => resolveParams(churn, { sizes: 42 })).reason).toMatch(/expected a size distribution/);
  });

  it('checks rules across parameters', () => {
    expect(refusal(() => resolveParams(getWorkload('keep-every-kth'), { N: 100, k: 1000 })).param).toBe('k');
    expect(refusal(() => resolveParams(getWorkload('keep-every-kth'), { k: 10, offset: 10 })).param).toBe('offset');
    expect(refusal(() => resolveParams(getWorkload('seed-16b-fill-free'), { order: 'strided', N: 1000, stride: 10 })).param).toBe('stride');
    expect(refusal(() => resolveParams(churn, { depth_lo: 100 })).param).toBe('depth_lo');
    expect(refusal(() => resolveParams(getWorkload('int-list-del'), { stride: 1 })).param).toBe('stride');
    expect(refusal(() => resolveParams(getWorkload('pareto-lifetimes'), { xm: 10, cap: 5 })).param).toBe('cap');
  });

  it('parses seeds as unsigned 64-bit integers', () => {
    expect(parseSeed(1)).toBe(1n);
    expect(parseSeed('18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(parseSeed('0x10')).toBe(16n);
    for (const bad of [-1, 1.5, NaN, '2e3', '18446744073709551616', {}]) expect(refusal(() => parseSeed(bad)).param).toBe('seed');
  });
});

describe('registry', () => {
  it('holds the fifteen catalogue workloads in order, with the spec’s names', () => {
    expect(WORKLOADS.map((w) => w.name)).toEqual([...CATALOGUE_NAMES]);
    expect(WORKLOADS.map((w) => w.id)).toEqual(WORKLOADS.map((_, i) => `W${String(i + 1).padStart(2, '0')}`));
  });

  it('finds by name or catalogue number and lists the names otherwise', () => {
    expect(getWorkload('larson-server').id).toBe('W07');
    expect(getWorkload('w07').name).toBe('larson-server');
    expect(() => getWorkload('larson')).toThrow(UnknownWorkloadError);
    expect(() => getWorkload('larson')).toThrow(/known are seed-16b-fill-free, steady-churn/);
  });

  it('every schema is well formed and its defaults validate', () => {
    for (const def of WORKLOADS) {
      const names = new Set<string>();
      for (const p of def.params) {
        expect(names.has(p.name)).toBe(false);
        names.add(p.name);
        expect(p.description.length).toBeGreaterThan(10);
        if (p.kind === 'number') {
          expect(p.min).toBeLessThanOrEqual(p.default);
          expect(p.default).toBeLessThanOrEqual(p.max);
        }
        if (p.kind === 'choice') expect(p.choices).toContain(p.default);
      }
      expect(() => createGenerator(def.name)).not.toThrow();
    }
  });

  it('the project doc has a section for every workload', () => {
    const doc = readFileSync(new URL('../../../docs/workloads.md', import.meta.url), 'utf8');
    for (const def of WORKLOADS) {
      expect(doc).toContain(`${def.id} \`${def.name}\``);
      for (const p of def.params) expect(doc, `${def.name}.${p.name}`).toContain(`\`${p.name}\``);
      // Its origin tags, in its own section.
      const section = doc.split('\n### ').find((s) => s.startsWith(`${def.id} \``))!;
      const tags = section.split('\n').find((l) => l.startsWith('Origin tags:'));
      expect(tags, `${def.name} lists its origin tags`).toBeDefined();
      for (const name of def.origins ?? []) expect(tags, `${def.name}: ${name}`).toContain(`\`${name}\``);
    }
  });
});

describe('nums (a generator settings read)', () => {
  it('reads the named number parameters of validated parameters, by name', () => {
    const p = resolveParams(getWorkload('keep-every-kth'), { N: 5000, k: 16 });
    const s = nums(p, ['N', 'k', 'hold_live'] as const);
    expect(s).toEqual({ N: 5000, k: 16, hold_live: 100_000 });
  });

  it('refuses a name that is not a number parameter, naming it', () => {
    const p = resolveParams(getWorkload('steady-churn'));
    expect(refusal(() => nums(p, ['L', 'victim'] as const)).param).toBe('victim');
  });
});
