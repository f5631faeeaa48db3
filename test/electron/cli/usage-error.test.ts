// A command turns bad input from below (a session, an interpreter, a parameter) into a usage error
// that names the command or option; its own usage errors and our faults pass unchanged.
import { describe, expect, it } from 'vitest';
import { asUsageError, UsageError } from '../../../electron/cli/usage-error';
import { versionOption } from '../../../electron/cli/options';
import { SessionFileError } from '../../../electron/host/session/error';
import { InputError } from '../../../shared/errors';

describe('asUsageError', () => {
  it('prefixes bad input thrown by a function', () => {
    const error = (() => {
      try {
        return asUsageError('open', () => {
          throw new SessionFileError('s.gz', 3, 'bad record');
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe('open: s.gz: record 3: bad record');
  });

  it('prefixes bad input rejected by a promise, and returns what succeeds', async () => {
    await expect(asUsageError('run: --real', () => Promise.reject(new InputError('/bin/true: not a Python')))).rejects.toThrow(
      new UsageError('run: --real: /bin/true: not a Python'),
    );
    await expect(asUsageError('run', () => Promise.resolve(7))).resolves.toBe(7);
    expect(asUsageError('run', () => 'ok')).toBe('ok');
  });

  it('lets a usage error and a fault of ours through as they are', async () => {
    const usage = new UsageError('run: --real given twice for /usr/bin/python3');
    await expect(asUsageError('run: --real', () => Promise.reject(usage))).rejects.toBe(usage);
    const fault = new TypeError('x is undefined');
    expect(() =>
      asUsageError('open', () => {
        throw fault;
      }),
    ).toThrow(fault);
  });

  it('names the option for an unknown --python', () => {
    expect(() => versionOption('replay', '1.0')).toThrow(/^replay: --python: unknown CPython version '1.0'/);
    expect(() => versionOption('replay', '1.0')).toThrow(UsageError);
  });
});
