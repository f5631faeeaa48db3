// Option parsing refuses a negative value with what was wrong, not Node's "argument is ambiguous".
import { describe, expect, it } from 'vitest';
import { parse } from '../../../electron/cli/options';
import { UsageError } from '../../../electron/cli/usage-error';

const config = { options: { ops: { type: 'string' }, seed: { type: 'string' } } } as const;

describe('parse', () => {
  it('says a negative --ops or --seed is not allowed, naming the option and the value', () => {
    expect(() => parse('run', ['--ops', '-5'], config)).toThrow(new UsageError("run: --ops must not be negative, not '-5'"));
    expect(() => parse('run', ['--seed', '-1'], config)).toThrow("run: --seed must not be negative, not '-1'");
  });

  it("keeps Node's message for other mistakes, and parses good values", () => {
    expect(() => parse('run', ['--nope'], config)).toThrow(/^run: Unknown option '--nope'/);
    expect(parse('run', ['--ops', '5'], config).values.ops).toBe('5');
  });
});
