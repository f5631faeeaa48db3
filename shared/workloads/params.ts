/**
 * Validation of user parameters against a workload's schema, and typed reads for generators.
 */
import { checkSizes } from './sizes';
import type { ChoiceParam, NumberParam, ParamSpec, ParamValue, ResolvedParams, WorkloadDef } from './workload';
import { seedToBigInt } from './prng';
import { InputError } from '../errors';

export class ParamError extends InputError {
  constructor(
    /** The parameter's name ("seed" for the seed). */
    readonly param: string,
    /** The offending value as given. */
    readonly value: unknown,
    /** Why it was refused, in words a user can act on. */
    readonly reason: string,
  ) {
    super(value === undefined ? `parameter '${param}' is missing: ${reason}` : `parameter '${param}' = ${show(value)}: ${reason}`);
    this.name = 'ParamError';
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}`;
  // Not every value converts: an object whose toString is not a function, or without a prototype.
  try {
    return String(value);
  } catch {
    try {
      return JSON.stringify(value) ?? typeof value;
    } catch {
      return `(${typeof value})`;
    }
  }
}

/** `[min, max]`, with `(` or `)` for an exclusive bound: the range as the run form shows it. */
export function boundsText(p: NumberParam): string {
  const lo = `${p.exclusiveMin ? '(' : '['}${p.min}`;
  const hi = `${p.max}${p.exclusiveMax ? ')' : ']'}`;
  return `${lo}, ${hi}`;
}

/** The bounds, and whether only integers are valid: the command line's listing and refusals. */
export function rangeText(p: NumberParam): string {
  return `${boundsText(p)}${p.integer ? ', an integer' : ''}`;
}

/** The rule a number breaks for `p` (NaN is not finite), or null when it is valid. */
export type NumberFault = 'not-finite' | 'not-integer' | 'out-of-range';

/**
 * The one check of a number parameter's value, here and in the run form (which words the same
 * faults for a text field): finite, an integer where one is required, inside the bounds.
 */
export function numberFault(p: NumberParam, v: number): NumberFault | null {
  if (!Number.isFinite(v)) return 'not-finite';
  if (p.integer && !Number.isInteger(v)) return 'not-integer';
  const low = p.exclusiveMin ? v <= p.min : v < p.min;
  const high = p.exclusiveMax ? v >= p.max : v > p.max;
  return low || high ? 'out-of-range' : null;
}

/** Why `v` is not one of `p`'s choices (words only), or null. */
export function choiceProblem(p: ChoiceParam, v: unknown): string | null {
  return typeof v === 'string' && p.choices.includes(v) ? null : `must be one of ${p.choices.join(', ')}`;
}

function checkNumber(p: NumberParam, raw: unknown): number {
  let v: number;
  if (typeof raw === 'number') v = raw;
  else if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw))) v = Number(raw);
  else throw new ParamError(p.name, raw, `expected a number in ${rangeText(p)}`);
  switch (numberFault(p, v)) {
    case 'not-finite':
      throw new ParamError(p.name, raw, `must be finite, in ${rangeText(p)}`);
    case 'not-integer':
      throw new ParamError(p.name, raw, `must be an integer in ${rangeText(p)}`);
    case 'out-of-range':
      throw new ParamError(p.name, raw, `out of range: valid is ${rangeText(p)}`);
    case null:
      return v;
  }
}

function checkChoice(p: ChoiceParam, raw: unknown): string {
  const v = typeof raw === 'number' ? String(raw) : raw;
  const problem = choiceProblem(p, v);
  if (problem !== null) throw new ParamError(p.name, raw, problem);
  return String(v);
}

function checkOne(p: ParamSpec, raw: unknown): ParamValue {
  switch (p.kind) {
    case 'number':
      return checkNumber(p, raw);
    case 'choice':
      return checkChoice(p, raw);
    case 'sizes': {
      if (typeof raw !== 'string') throw new ParamError(p.name, raw, 'expected a size distribution such as "py312-mix" or "uniform(8, 512)"');
      const why = checkSizes(raw);
      if (why !== null) throw new ParamError(p.name, raw, why);
      return raw.trim();
    }
  }
}

/**
 * Every schema parameter with the user's value or its default. Unknown names, wrong types,
 * non-finite numbers, non-integers where an integer is required and values out of range throw
 * ParamError naming the parameter, the value and the valid range; then `def.check` runs.
 */
export function resolveParams(def: WorkloadDef, user: Readonly<Record<string, unknown>> = {}): ResolvedParams {
  const byName = new Map(def.params.map((p) => [p.name, p] as const));
  for (const [name, value] of Object.entries(user)) {
    if (!byName.has(name)) {
      const valid = def.params.map((p) => p.name).join(', ') || '(none)';
      throw new ParamError(name, value, `unknown parameter of '${def.name}': valid are ${valid}`);
    }
  }
  const out: Record<string, ParamValue> = {};
  for (const p of def.params) {
    out[p.name] = hasValue(user, p.name) ? checkOne(p, user[p.name]) : p.default;
  }
  def.check?.(out);
  return out;
}

function hasValue(user: Readonly<Record<string, unknown>>, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(user, name) && user[name] !== undefined;
}

/** What is wrong with a seed given as text: not a decimal or 0x-hexadecimal integer, or over 64 bits. */
export type SeedTextFault = 'syntax' | 'range';

/** The one check of a seed typed as text, here and in the run form; null when it is a u64. */
export function seedTextFault(text: string): SeedTextFault | null {
  const t = text.trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return 'syntax';
  try {
    seedToBigInt(BigInt(t));
    return null;
  } catch {
    return 'range';
  }
}

/** The seed as the spec means it (u64): a non-negative safe integer, a bigint, or a decimal/0x string. */
export function parseSeed(value: unknown): bigint {
  try {
    if (typeof value === 'number' || typeof value === 'bigint') return seedToBigInt(value);
    if (typeof value === 'string' && seedTextFault(value) === null) return BigInt(value.trim());
  } catch {
    // fall through to the uniform message
  }
  throw new ParamError('seed', value, 'must be an unsigned 64-bit integer (0 … 18446744073709551615)');
}

/** Typed reads for generators (the values were validated by `resolveParams`). */
export function num(params: ResolvedParams, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new ParamError(name, v, 'expected a number (was the parameter validated?)');
  return v;
}

/** A generator's settings: number parameters by name, read once when it is created (`nums`). */
export type Settings<Names extends readonly string[]> = Readonly<Record<Names[number], number>>;

/** The number parameters `names` of `params`, by name: one read for all the settings a generator keeps. */
export function nums<const Names extends readonly string[]>(params: ResolvedParams, names: Names): Settings<Names> {
  const out = {} as Record<Names[number], number>;
  for (const name of names as readonly Names[number][]) out[name] = num(params, name);
  return out;
}

export function str(params: ResolvedParams, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new ParamError(name, v, 'expected a word (was the parameter validated?)');
  return v;
}

/** Schema builders: keep the catalogue files short and their tables readable. */
/** A number parameter's row in a schema table: the columns every catalogue table writes, in order. */
type NumberRow = [name: string, unit: string, def: number, min: number, max: number, description: string];
interface RangeOpts {
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
}

export function numberParam(...row: [...NumberRow, opts?: RangeOpts & { integer?: boolean }]): NumberParam {
  const [name, unit, def, min, max, description, opts = {}] = row;
  return { kind: 'number', name, unit, default: def, min, max, integer: opts.integer ?? true, description, ...pick(opts) };
}

function pick(opts: RangeOpts): Partial<NumberParam> {
  const out: Partial<NumberParam> = {};
  if (opts.exclusiveMin) out.exclusiveMin = true;
  if (opts.exclusiveMax) out.exclusiveMax = true;
  return out;
}

/** A number parameter that takes fractions too. */
export function realParam(...row: [...NumberRow, opts?: RangeOpts]): NumberParam {
  const [name, unit, def, min, max, description, opts] = row;
  return numberParam(name, unit, def, min, max, description, { ...opts, integer: false });
}

export function choiceParam(name: string, def: string, choices: readonly string[], description: string): ChoiceParam {
  return { kind: 'choice', name, default: def, choices, description };
}

export function sizesParam(name: string, def: string, description: string): ParamSpec {
  return { kind: 'sizes', name, default: def, description };
}

/** Largest count parameters accept: ids and counters stay exact doubles. */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** Live objects are addressed by an int32 slot. */
export const MAX_LIVE = 2 ** 31 - 1;
