import { describe, expect, it } from 'vitest';
import { formErrors, initialValues, toRunConfig, validateBudget, validateField, validateSeed } from '../../renderer/src/model/param-form';
import type { FieldSpec, RunForm } from '../../renderer/src/model/param-form';
import { workloadInfos } from '../../electron/host/catalogue';
import type { NumberParam } from '../../shared/workloads/workload';

const count: NumberParam = { kind: 'number', name: 'count', unit: 'objects', default: 10, min: 1, max: 100, integer: true, description: '' };
const ratio: NumberParam = { kind: 'number', name: 'ratio', unit: '', default: 0.5, min: 0, max: 1, exclusiveMin: true, integer: false, description: '' };

describe('validateField', () => {
  it('accepts numbers in range and refuses the rest with the range in words', () => {
    expect(validateField(count, '10')).toBeNull();
    expect(validateField(count, '100')).toBeNull();
    expect(validateField(count, '101')).toBe('out of range: valid is [1, 100]');
    expect(validateField(count, '2.5')).toBe('must be a whole number in [1, 100]');
    expect(validateField(count, '')).toBe('a number in [1, 100] is required');
    expect(validateField(count, 'abc')).toBe('a number in [1, 100] is required');
  });

  it('honours exclusive bounds', () => {
    expect(validateField(ratio, '0')).toBe('out of range: valid is (0, 1]');
    expect(validateField(ratio, '0.001')).toBeNull();
    expect(validateField(ratio, '1')).toBeNull();
  });

  it('checks choices, sizes syntax and paths', () => {
    const order: FieldSpec = { kind: 'choice', name: 'order', default: 'fifo', choices: ['fifo', 'lifo'], description: '' };
    expect(validateField(order, 'lifo')).toBeNull();
    expect(validateField(order, 'random')).toBe('must be one of fifo, lifo');
    const sizes: FieldSpec = { kind: 'sizes', name: 'sizes', default: 'uniform(8, 64)', description: '' };
    expect(validateField(sizes, 'uniform(8, 64)')).toBeNull();
    expect(validateField(sizes, 'uniform(8')).not.toBeNull();
    expect(validateField(sizes, ' ')).toBe('a size distribution is required');
    expect(validateField({ kind: 'path', name: 'path', description: '' }, '')).toBe('a trace file path is required');
  });
});

describe('seed and budget', () => {
  it('takes decimal and hex seeds up to 64 bits', () => {
    expect(validateSeed('42')).toBeNull();
    expect(validateSeed('0xFFFFFFFFFFFFFFFF')).toBeNull();
    expect(validateSeed('0x10000000000000000')).toBe('must fit in 64 bits');
    expect(validateSeed('-1')).not.toBeNull();
    expect(validateSeed('')).not.toBeNull();
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
  // The real schema, as the host sends it.
  const workload = workloadInfos().find((w) => w.name === 'seed-16b-fill-free')!;
  const form = (over: Partial<RunForm> = {}): RunForm => ({
    python: '3.12',
    workload,
    values: initialValues(workload.params),
    seed: '7',
    budgetKind: 'ops',
    budget: '',
    ...over,
  });

  it('fills the defaults, with numbers as numbers', () => {
    const f = form();
    expect(formErrors(f)).toEqual({});
    expect(toRunConfig(f)).toEqual({
      workload: 'seed-16b-fill-free',
      params: { N: 10_485_760, size: 16, order: 'fifo', stride: 1_000_003, repeat: 1 },
      seed: '7',
      python: '3.12',
      sampleEvery: 10000,
    });
  });

  it('turns the budget into ops or milliseconds', () => {
    expect(toRunConfig(form({ budget: '5000' })).ops).toBe(5000);
    expect(toRunConfig(form({ budgetKind: 'duration', budget: '2.5' })).durationMs).toBe(2500);
  });

  it('names every bad field', () => {
    const f = form({ values: { ...initialValues(workload.params), N: '0' }, seed: 'x', budget: '-1', python: '' });
    expect(Object.keys(formErrors(f)).sort()).toEqual(['N', 'budget', 'python', 'seed']);
  });
});
