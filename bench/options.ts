/**
 * A benchmark's options from one table of their defaults, so that every suite reads and checks its
 * command line the same way: a number default makes an option whose value must be a positive number,
 * a string default a string option, `false` a flag, and `null` an optional string (undefined when not
 * given). An unknown option, a positional argument or a bad number is refused with the option's name;
 * bench/main.ts adds the suite's.
 */
import { parseArgs } from 'node:util';

type Default = number | string | boolean | null;
type Parsed<D> = { [K in keyof D]: D[K] extends number ? number : D[K] extends boolean ? boolean : D[K] extends string ? string : string | undefined };

export function benchOptions<const D extends Record<string, Default>>(argv: string[], defaults: D): Parsed<D> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, d] of Object.entries(defaults)) options[name] = { type: typeof d === 'boolean' ? 'boolean' : 'string' };
  const { values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true });
  const parsed: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(defaults)) {
    const given = values[name];
    if (typeof d !== 'number' || given === undefined) {
      parsed[name] = given ?? d ?? undefined;
      continue;
    }
    const n = Number(given);
    if (typeof given !== 'string' || given.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new Error(`--${name}: "${String(given)}" is not a positive number`);
    parsed[name] = n;
  }
  return parsed as Parsed<D>;
}

/** A positive whole number from an option (counts of runs, rounds, repetitions). */
export function wholeOption(name: string, n: number): number {
  if (!Number.isInteger(n)) throw new Error(`--${name}: "${n}" is not a whole number`);
  return n;
}
