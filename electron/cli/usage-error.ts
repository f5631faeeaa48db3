import { InputError } from '../../shared/errors';

/** A command-line mistake: printed with the command's usage, exit status 2. */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `fn()`, with bad input it throws (an InputError: a parameter, a file, an interpreter) turned into a
 * usage error whose message starts with `prefix` ("open", "run: --real"); a usage error passes as
 * it is, anything else (a fault of ours) too. Works for a value or a promise.
 */
export function asUsageError<T>(prefix: string, fn: () => T): T {
  try {
    const result = fn();
    if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(toUsageError(prefix, error))) as T;
    return result;
  } catch (error) {
    throw toUsageError(prefix, error);
  }
}

function toUsageError(prefix: string, error: unknown): unknown {
  return error instanceof InputError && !(error instanceof UsageError) ? new UsageError(`${prefix}: ${error.message}`) : error;
}
