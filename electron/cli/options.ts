/** Parsing and checking of the options several commands share. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveVersion, type ArenaAlignment, type ResolvedVersion } from '../../shared/engine';
import { asUsageError, UsageError } from './usage-error';
import { errorMessage } from '../../shared/errors';

/** `util.parseArgs` with its errors turned into usage errors that name the command. */
export function parse<T extends ParseArgsConfig>(command: string, argv: string[], config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs({ ...config, args: argv, strict: true }) as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    throw new UsageError(`${command}: ${negativeValue(argv) ?? errorMessage(error)}`);
  }
}

/**
 * Node refuses `--ops -5` as "argument is ambiguous" (the value looks like an option); the user
 * meant a negative number, which no option takes: say that instead.
 */
function negativeValue(argv: readonly string[]): string | null {
  for (let i = 0; i + 1 < argv.length; i++) {
    const [name, value] = [argv[i]!, argv[i + 1]!];
    if (name.startsWith('--') && !name.includes('=') && /^-\d/.test(value)) return `${name} must not be negative, not '${value}'`;
  }
  return null;
}

export function versionOption(command: string, value: string | undefined): ResolvedVersion {
  if (value === undefined) throw new UsageError(`${command}: --python VERSION is required (e.g. --python 3.11)`);
  return asUsageError(`${command}: --python`, () => resolveVersion(value));
}

export function arenasOption(command: string, value: string | undefined): ArenaAlignment | undefined {
  if (value === undefined) return undefined;
  if (value === 'aligned' || value === 'misaligned') return value;
  throw new UsageError(`${command}: --arenas must be 'aligned' or 'misaligned', not '${value}'`);
}

export function positiveIntOption(command: string, name: string, value: string | undefined, fallback: number, max = 1e9): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${command}: --${name} must be an integer from 1 to ${max}, not '${value}'`);
  return n;
}

/** A number of samples a second from 0 (no cap) to `max`; fractions allowed (0.5: one every 2 s). */
export function rateOption(command: string, name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max)
    throw new UsageError(`${command}: --${name} must be a number of samples a second from 0 (no cap) to ${max}, not '${value}'`);
  return n;
}

export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command}: expected one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  return positionals[0]!;
}

/** `--set key=value` options as the workload's parameters (values as text: the workload's schema checks them). */
export function parseSets(command: string, values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`${command}: --set takes key=value, not '${kv}'`);
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
  }
  return out;
}
