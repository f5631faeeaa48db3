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
    super(`parameter '${param}' = ${show(value)}: ${reason}`);
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

export function rangeText(p: NumberParam): string {
  const lo = `${p.exclusiveMin ? '(' : '['}${p.min}`;
  const hi = `${p.max}${p.exclusiveMax ? ')' : ']'}`;
  return `${lo}, ${hi}${p.integer ? ', an integer' : ''}`;
}

function checkNumber(p: NumberParam, raw: unknown): number {
  let v: number;
  if (typeof raw === 'number') v = raw;
  else if (typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw))) v = Number(raw);
  else throw new ParamError(p.name, raw, `expected a number in ${rangeText(p)}`);
  if (!Number.isFinite(v)) throw new ParamError(p.name, raw, `must be finite, in ${rangeText(p)}`);
  if (p.integer && !Number.isInteger(v)) throw new ParamError(p.name, raw, `must be an integer in ${rangeText(p)}`);
  const low = p.exclusiveMin ? v <= p.min : v < p.min;
  const high = p.exclusiveMax ? v >= p.max : v > p.max;
  if (low || high) throw new ParamError(p.name, raw, `out of range: valid is ${rangeText(p)}`);
  return v;
}

function checkChoice(p: ChoiceParam, raw: unknown): string {
  const v = typeof raw === 'number' ? String(raw) : raw;
  if (typeof v !== 'string' || !p.choices.includes(v)) {
    throw new ParamError(p.name, raw, `must be one of ${p.choices.join(', ')}`);
  }
  return v;
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

/** The seed as the spec means it (u64): a non-negative safe integer, a bigint, or a decimal/0x string. */
export function parseSeed(value: unknown): bigint {
  try {
    if (typeof value === 'number' || typeof value === 'bigint') return seedToBigInt(value);
    if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) return seedToBigInt(BigInt(value.trim()));
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

export function str(params: ResolvedParams, name: string): string {
  const v = params[name];
  if (typeof v !== 'string') throw new ParamError(name, v, 'expected a word (was the parameter validated?)');
  return v;
}

/** Schema builders: keep the catalogue files short and their tables readable. */
export function numberParam(
  name: string,
  unit: string,
  def: number,
  min: number,
  max: number,
  description: string,
  opts: { integer?: boolean; exclusiveMin?: boolean; exclusiveMax?: boolean } = {},
): NumberParam {
  return { kind: 'number', name, unit, default: def, min, max, integer: opts.integer ?? true, description, ...pick(opts) };
}

function pick(opts: { exclusiveMin?: boolean; exclusiveMax?: boolean }): Partial<NumberParam> {
  const out: Partial<NumberParam> = {};
  if (opts.exclusiveMin) out.exclusiveMin = true;
  if (opts.exclusiveMax) out.exclusiveMax = true;
  return out;
}

export function realParam(name: string, unit: string, def: number, min: number, max: number, description: string, opts: { exclusiveMin?: boolean; exclusiveMax?: boolean } = {}): NumberParam {
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
