// Each boundary maps a failure by its base class: what the user got wrong is an InputError, a fault of
// ours an InternalError. The engine's and workloads' real refusals are checked here, as thrown.
import { describe, expect, it } from 'vitest';
import { createAllocator, resolveVersion } from '../../shared/engine';
import { InvariantError } from '../../shared/engine/invariants';
import { errorDetail, errorMessage, InputError, InternalError } from '../../shared/errors';
import { InvalidOpError } from '../../shared/run/op-guard';
import { resolveRun } from '../../shared/run/resolve-run';
import { readTraceBytes } from '../../shared/trace';
import { parseSeed, resolveParams } from '../../shared/workloads/params';
import { getWorkload } from '../../shared/workloads/registry';
import { SizeDist } from '../../shared/workloads/sizes';
import { sized } from './engine/sized';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('errorMessage and errorDetail', () => {
  it('give an Error its message (or stack) and anything else as text', () => {
    const e = new RangeError('too big');
    expect(errorMessage(e)).toBe('too big');
    expect(errorDetail(e)).toMatch(/^RangeError: too big\n\s+at /);
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorDetail(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('bad input is an InputError, with its own name and message', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    ['an unknown version', () => resolveVersion('1.0'), 'UnknownVersionError', /^unknown CPython version '1.0'/],
    ['an unknown workload', () => getWorkload('no-such'), 'UnknownWorkloadError', /^unknown workload 'no-such'/],
    ['a parameter out of range', () => resolveParams(getWorkload('steady-churn'), { L: -5 }), 'ParamError', /^parameter 'L' = -5: out of range/],
    ['a seed over 64 bits', () => parseSeed('0x10000000000000000'), 'ParamError', /^parameter 'seed'/],
    ['a size distribution', () => SizeDist.parse('uniform(8'), 'SizeSyntaxError', /^size distribution 'uniform\(8'/],
    [
      'a run configuration',
      () => resolveRun({ workload: 'steady-churn', params: {}, seed: '1', python: '1.0', sampleEvery: 1 }),
      'RunConfigError',
      /^python: unknown CPython version/,
    ],
    ['a trace line', () => readTraceBytes(new TextEncoder().encode('#pymtrace 1\nx 1\n')), 'TraceError', /:2: /],
    ['a free of no block', () => sized(createAllocator('3.11')).free(12345), 'EngineError', /does not name a live block/],
  ];
  it.each(cases)('%s', (_what, fn, name, message) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(InternalError);
    expect((error as Error).name).toBe(name);
    expect((error as Error).message).toMatch(message);
  });
});

describe('a fault of ours is an InternalError', () => {
  it('holds for a broken operation stream and a broken allocator state', () => {
    const op = new InvalidOpError(undefined, 3, 'FREE of id -1');
    expect(op).toBeInstanceOf(InternalError);
    expect(op).not.toBeInstanceOf(InputError);
    expect(op.message).toBe('internal error: the run wrote an invalid operation at op 3: FREE of id -1');
    expect(new InvariantError(['usedpools[0] is wrong'])).toBeInstanceOf(InternalError);
  });
});
