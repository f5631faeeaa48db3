/**
 * The two kinds of failure every boundary tells apart, so each maps by base class instead of by a
 * list of classes: the command line's exit status, the bridge's refusals, the page's messages.
 *
 * - `InputError`: the user gave something we cannot take (an option, a parameter, a file, a
 *   request). Its message says what and where, in words the user can act on; the command line
 *   prints it and exits 2, the host refuses the request with it.
 * - `InternalError`: a fault of ours (a broken contract between our own parts). The command line
 *   prints it with its stack as an internal error and exits 1: it is reported as a bug.
 *
 * Anything else thrown (a plain `Error`, a `RangeError` from a library) is treated as internal.
 */

/** Bad input from the user: the message names what is wrong and where. */
export class InputError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/** A fault of ours, not of the input: reported as a bug. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** Exit status of the command line for bad input (usage, parameters, files). */
export const EXIT_INPUT = 2;
/** Exit status of the command line for an internal error. */
export const EXIT_INTERNAL = 1;

/** The message of anything thrown (an `Error`'s message; anything else as text). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** For a log or a bug report: an `Error`'s stack (its message when it has none); anything else as text. */
export function errorDetail(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
