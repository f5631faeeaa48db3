// A bug the fuzz target `params` found in shared/workloads/params.ts.
import { describe, expect, it } from 'vitest';
import { resolveRun, RunConfigError } from '../../../shared/run/resolve-run';
import { ParamError, resolveParams } from '../../../shared/workloads/params';
import { getWorkload } from '../../../shared/workloads/registry';
import type { RunConfig } from '../../../shared/protocol/run-config';

describe('ParamError for values String() cannot convert', () => {
  // Before the fix, building the ParamError's message threw a TypeError ("Cannot convert object to
  // primitive value") for these, so a hostile value escaped as an untyped error.
  const values: unknown[] = [{ toString: 'x' }, Object.create(null), { valueOf: 1, toString: 2 }];
  for (const value of values) {
    it(`refuses ${Object.prototype.toString.call(value)} ${JSON.stringify(value)} with a ParamError naming the parameter`, () => {
      const def = getWorkload('steady-churn');
      const name = def.params[0]!.name;
      let error: unknown;
      try {
        resolveParams(def, { [name]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParamError);
      expect((error as ParamError).param).toBe(name);
      expect((error as ParamError).message).toContain(`parameter '${name}'`);
    });
  }

  it('resolveRun turns it into a RunConfigError', () => {
    const config = { workload: 'ramp-cycles', params: { nope: { toString: 'x' } }, seed: '1', python: '3.12', sampleEvery: 1000 } as unknown as RunConfig;
    expect(() => resolveRun(config)).toThrow(RunConfigError);
    expect(() => resolveRun(config)).toThrow(/parameter 'nope'/);
  });
});
