import { describe, expect, it } from 'vitest';
import { benchOptions, wholeOption } from '../../bench/options';

const DEFAULTS = { ops: 2_000_000, python: '3.11', only: null, check: false } as const;

describe('benchOptions', () => {
  it('gives the defaults, typed by them, when nothing is given', () => {
    expect(benchOptions([], DEFAULTS)).toEqual({ ops: 2_000_000, python: '3.11', only: undefined, check: false });
  });

  it('reads numbers, strings and flags from the command line', () => {
    expect(benchOptions(['--ops', '1.5e6', '--python', '2.7', '--only', 'a,b', '--check'], DEFAULTS)).toEqual({
      ops: 1_500_000,
      python: '2.7',
      only: 'a,b',
      check: true,
    });
  });

  it('refuses a number option that is not a positive number, naming it', () => {
    for (const bad of ['abc', '0', '-5', '', 'Infinity'])
      expect(() => benchOptions([`--ops=${bad}`], DEFAULTS)).toThrow(`--ops: "${bad}" is not a positive number`);
  });

  it('refuses unknown options and positional arguments', () => {
    expect(() => benchOptions(['--opps', '5'], DEFAULTS)).toThrow(/--opps/);
    expect(() => benchOptions(['stray'], DEFAULTS)).toThrow(/stray/);
  });
});

describe('wholeOption', () => {
  it('passes whole numbers and refuses fractions, naming the option', () => {
    expect(wholeOption('runs', 7)).toBe(7);
    expect(() => wholeOption('runs', 2.5)).toThrow('--runs: "2.5" is not a whole number');
  });
});
