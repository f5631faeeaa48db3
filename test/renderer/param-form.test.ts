// The run form against the real workload schemas (the catalogue the host sends): its messages, and
// that it accepts exactly what the host's own validation (shared/workloads/params.ts) accepts.
import { describe, expect, it } from 'vitest';
import { workloadInfos } from '../../electron/host/catalogue/catalogue';
import { formErrors, initialValues, toRunConfig, validateBudget, validateField, validateSeed } from '../../renderer/src/model/param-form';
import type { FieldSpec, RunForm } from '../../renderer/src/model/param-form';
import type { WorkloadInfo } from '../../shared/protocol/bridge';
import { resolveRun } from '../../shared/run/resolve-run';
import { ParamError, parseSeed, resolveParams } from '../../shared/workloads/params';
import { getWorkload } from '../../shared/workloads/registry';
import type { NumberParam } from '../../shared/workloads/workload';

const WORKLOADS = workloadInfos();

function workload(name: string): WorkloadInfo {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
}

function param(workloadName: string, name: string): FieldSpec {
  const p = (workload(workloadName).params as readonly FieldSpec[]).find((x) => x.name === name);
  if (!p) throw new Error(`no parameter ${workloadName}.${name}`);
  return p;
}

describe('validateField', () => {
  it('accepts integers in range and refuses the rest with the range in words', () => {
    const size = param('keep-every-kth', 'size'); // an integer in [1, 512]
    expect(validateField(size, '16')).toBeNull();
    expect(validateField(size, ' 512 ')).toBeNull();
    expect(validateField(size, '513')).toBe('out of range: valid is [1, 512]');
    expect(validateField(size, '0')).toBe('out of range: valid is [1, 512]');
    expect(validateField(size, '2.5')).toBe('must be a whole number in [1, 512]');
    expect(validateField(size, '')).toBe('a number in [1, 512] is required');
    expect(validateField(size, 'abc')).toBe('a number in [1, 512] is required');
    expect(validateField(size, 'Infinity')).toBe('a number in [1, 512] is required');
  });

  it('honours exclusive bounds', () => {
    const pUp = param('ramp-cycles', 'p_up'); // (0.5, 1]
    expect(validateField(pUp, '0.5')).toBe('out of range: valid is (0.5, 1]');
    expect(validateField(pUp, '0.5001')).toBeNull();
    expect(validateField(pUp, '1')).toBeNull();
    const pDown = param('ramp-cycles', 'p_down'); // [0, 0.5)
    expect(validateField(pDown, '0')).toBeNull();
    expect(validateField(pDown, '0.5')).toBe('out of range: valid is [0, 0.5)');
  });

  it('checks choices, sizes syntax and paths', () => {
    const order = param('seed-16b-fill-free', 'order');
    expect(validateField(order, 'lifo')).toBeNull();
    expect(validateField(order, 'sideways')).toBe('must be one of fifo, lifo, random, strided');
    const sizes = param('steady-churn', 'sizes');
    expect(validateField(sizes, 'uniform(8, 64)')).toBeNull();
    expect(validateField(sizes, 'py312-mix')).toBeNull();
    expect(validateField(sizes, 'uniform(8')).not.toBeNull();
    expect(validateField(sizes, ' ')).toBe('a size distribution is required');
    expect(validateField(param('trace-replay', 'path'), '')).toBe('a trace file path is required');
  });

  it('accepts exactly the numbers the host accepts, for every number parameter of every workload', () => {
    let checked = 0;
    for (const w of WORKLOADS) {
      if (w.name === 'trace-replay') continue;
      const def = getWorkload(w.name);
      for (const p of w.params as readonly FieldSpec[]) {
        if (p.kind !== 'number') continue;
        const n: NumberParam = p;
        const mid = (n.min + Math.min(n.max, n.min + 1000)) / 2;
        for (const x of [n.min, n.max, n.min - 1, n.max + 1, mid, mid + 0.5, n.min + 0.25, Number.NaN]) {
          const text = String(x);
          let hostRefuses = false;
          try {
            resolveParams(def, { [p.name]: text });
          } catch (error) {
            // Only this parameter's own rule: `def.check` relates parameters, which the form does not.
            hostRefuses =
              error instanceof ParamError && error.param === p.name && /^(expected a number|must be finite|must be an integer|out of range)/.test(error.reason);
          }
          expect(validateField(p, text) !== null, `${w.name}.${p.name} = ${text}`).toBe(hostRefuses);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});

function hostTakesSeed(seed: string): boolean {
  try {
    parseSeed(seed);
    return true;
  } catch {
    return false;
  }
}

describe('seed and budget', () => {
  it('takes decimal and hex seeds up to 64 bits, as the host does', () => {
    expect(validateSeed('42')).toBeNull();
    expect(validateSeed(' 0xFFFFFFFFFFFFFFFF ')).toBeNull();
    expect(validateSeed('18446744073709551615')).toBeNull();
    expect(validateSeed('0x10000000000000000')).toBe('must fit in 64 bits');
    expect(validateSeed('18446744073709551616')).toBe('must fit in 64 bits');
    expect(validateSeed('-1')).toBe('a decimal or 0x… hexadecimal integer is required');
    expect(validateSeed('')).toBe('a decimal or 0x… hexadecimal integer is required');
    for (const seed of ['42', '0xFFFFFFFFFFFFFFFF', '0x10000000000000000', '-1', '1e3', ''])
      expect(validateSeed(seed) === null, seed).toBe(hostTakesSeed(seed));
  });

  it('allows an empty budget and refuses nonsense', () => {
    expect(validateBudget('ops', '')).toBeNull();
    expect(validateBudget('ops', '1000')).toBeNull();
    expect(validateBudget('ops', '0')).not.toBeNull();
    expect(validateBudget('ops', '1.5')).not.toBeNull();
    expect(validateBudget('duration', '0.5')).toBeNull();
    expect(validateBudget('duration', '-2')).not.toBeNull();
  });
});

describe('the run config', () => {
  const form = (w: WorkloadInfo, over: Partial<RunForm> = {}): RunForm => ({
    python: '3.12',
    workload: w,
    values: initialValues(w.params),
    seed: '7',
    budgetKind: 'ops',
    budget: '',
    ...over,
  });

  it('fills the defaults, with numbers as numbers', () => {
    const f = form(workload('seed-16b-fill-free'));
    expect(formErrors(f)).toEqual({});
    expect(toRunConfig(f)).toEqual({
      workload: 'seed-16b-fill-free',
      params: { N: 10485760, size: 16, order: 'fifo', stride: 1000003, repeat: 1 },
      seed: '7',
      python: '3.12',
      sampleEvery: 10000,
    });
  });

  it('gives the host a configuration it accepts, for every workload with its defaults', () => {
    for (const w of WORKLOADS) {
      if (w.name === 'trace-replay') continue;
      const f = form(w);
      expect(formErrors(f), w.name).toEqual({});
      expect(() => resolveRun(toRunConfig(f)), w.name).not.toThrow();
    }
  });

  it('turns the budget into ops or milliseconds', () => {
    const w = workload('steady-churn');
    expect(toRunConfig(form(w, { budget: '5000' })).ops).toBe(5000);
    expect(toRunConfig(form(w, { budgetKind: 'duration', budget: '2.5' })).durationMs).toBe(2500);
  });

  it('names every bad field', () => {
    const w = workload('seed-16b-fill-free');
    const f = form(w, { values: { ...initialValues(w.params), size: '0', order: 'sideways' }, seed: 'x', budget: '-1', python: '' });
    expect(Object.keys(formErrors(f)).sort()).toEqual(['budget', 'order', 'python', 'seed', 'size']);
  });
});
