/**
 * Shared machinery of the fuzz targets: run one fast-check property for a number of cases and
 * report `{ target, cases, failures }`, with the shrunk counterexample and the seed to replay it.
 *
 * A target's property throws `FuzzFailure` (or any error) when a case breaks its contract; fast-check
 * then shrinks the input and stops, so `failures` is 0 or 1 per target (one minimal counterexample
 * is worth more than a count of similar ones). Besides the property's own checks, a run fails when:
 * - a case takes longer than its time bound (`timed`, `raceTimeout`): the "no hang" rule. Synchronous
 *   code cannot be interrupted, so a sync case is measured and fails when it overran; an async case
 *   is raced against a timer, so even a promise that never settles ends the case;
 * - an uncaught exception or an unhandled rejection happens while the target runs;
 * - `Object.prototype` gained a property (prototype pollution by a `__proto__` key).
 */
import fc from 'fast-check';

export interface FuzzResult {
  target: string;
  cases: number;
  failures: number;
  /** Seconds the run took. */
  seconds: number;
  /** The counterexample, the error and how to replay it; empty when nothing failed. */
  report: string;
  /** Observations that are not failures (e.g. a typed error raised later than it should be). */
  notes: string[];
}

export interface RunOptions {
  /** fast-check seed (default: random; printed with any failure). */
  seed?: number;
  /** Replay path of a failure, with `seed`. */
  path?: string;
}

export interface FuzzTarget {
  name: string;
  run(numRuns: number, options?: RunOptions): Promise<FuzzResult>;
}

/** A broken contract, as opposed to an error the code under test threw. */
export class FuzzFailure extends Error {
  override readonly name = 'FuzzFailure';
}

export function fail(message: string): never {
  throw new FuzzFailure(message);
}

export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) fail(typeof message === 'string' ? message : message());
}

/** Runs `fn`; fails the case when it took longer than `boundMs` (sync code cannot be interrupted). */
export function timed<T>(what: string, boundMs: number, fn: () => T): T {
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t0;
    if (ms > boundMs) fail(`${what} took ${ms.toFixed(0)} ms (bound ${boundMs} ms): a hang or a super-linear path`);
  }
}

/** Awaits `promise`; fails the case when it has not settled after `boundMs`. */
export async function raceTimeout<T>(what: string, boundMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FuzzFailure(`${what} did not settle within ${boundMs} ms: a hang`)), boundMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a rejected call threw, so that a check can name it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  try {
    return `non-Error thrown: ${String(error)}`;
  } catch {
    return 'non-Error thrown (not printable)';
  }
}

/** Runs a fast-check property with the global watchdogs described above. */
export async function runProperty(
  target: string,
  property: fc.IAsyncProperty<[unknown]> | fc.IProperty<[unknown]>,
  numRuns: number,
  options: RunOptions = {},
  notes: string[] = [],
): Promise<FuzzResult> {
  const strays: string[] = [];
  const onStray = (error: unknown): void => {
    strays.push(describeError(error));
  };
  process.on('uncaughtException', onStray);
  process.on('unhandledRejection', onStray);
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).join(',');
  const seed = options.seed ?? (Math.random() * 2 ** 31) | 0;
  const t0 = performance.now();
  let details: fc.RunDetails<[unknown]>;
  try {
    details = await fc.check(property as fc.IAsyncProperty<[unknown]>, {
      numRuns,
      seed,
      ...(options.path !== undefined && { path: options.path }),
    });
  } finally {
    // Give stray timers and rejections of the last case a turn before the watchdogs go.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('uncaughtException', onStray);
    process.off('unhandledRejection', onStray);
  }
  const seconds = (performance.now() - t0) / 1000;
  const lines: string[] = [];
  let failures = 0;
  if (details.failed) {
    failures++;
    lines.push(`counterexample: ${clip(fc.stringify(details.counterexample), 3000)}`);
    lines.push(`error: ${describeError(details.errorInstance)}`);
    lines.push(`replay: --seed ${details.seed} --path ${details.counterexamplePath ?? ''}`);
  }
  if (strays.length > 0) {
    failures++;
    lines.push(`uncaught exceptions / unhandled rejections during the run (${strays.length}): ${strays.slice(0, 3).join(' | ')}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).join(',') !== protoKeys) {
    failures++;
    lines.push(`Object.prototype was polluted: now ${Object.getOwnPropertyNames(Object.prototype).join(', ')}`);
  }
  return { target, cases: details.numRuns, failures, seconds, report: lines.join('\n'), notes };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** Dot path of a nested key, the way valibot's getDotPath writes it. */
export function dotPath(path: readonly (string | number)[]): string {
  return path.map(String).join('.');
}

/** Keys that reach an object's prototype when assigned, and other names a naive lookup trips on. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then'] as const;

/** An object with these own properties, `__proto__` included (defined, not assigned). */
export function ownObject(entries: readonly (readonly [string, unknown])[], nullProto = false): Record<string, unknown> {
  const out: Record<string, unknown> = nullProto ? Object.create(null) : {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Hostile scalars and containers for fields that expect a number or a word. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      NaN,
      Infinity,
      -Infinity,
      -0,
      0,
      -1,
      1,
      2 ** 31,
      2 ** 31 - 1,
      2 ** 32,
      2 ** 53,
      2 ** 53 + 2,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      -(2 ** 53),
      1e308,
      1e-308,
      0.5,
      1.5,
    ),
    fc.double(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
    fc.constantFrom('', ' ', '1', ' 7 ', '1e3', '0x10', '0b1', '-5', 'NaN', 'Infinity', '1.5', '1_000', '٣', '\u00a0', 'null', '__proto__'),
    fc.string({ maxLength: 20 }),
    fc.constantFrom(true, false, null, undefined),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.constantFrom<unknown>([], [1], {}, { valueOf: 5 }, { toString: 'x' }, Object.create(null), new Date(NaN), Symbol('s')),
    fc.anything({
      maxDepth: 2,
      maxKeys: 3,
      withNullPrototype: true,
      withBigInt: true,
      withSparseArray: true,
      withTypedArray: true,
      withMap: true,
      withSet: true,
    }),
  );
}
