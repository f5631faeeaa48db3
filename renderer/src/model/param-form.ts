/**
 * The run form generated from a workload's parameter schema: initial values, inline validation and
 * the conversion of what the user typed into a `RunConfig`. Pure, so the rules are unit-tested
 * without a DOM; the components only bind inputs to the strings kept here. The rules are the
 * host's (shared/workloads/params.ts): only their wording for a text field is the form's.
 */
import type { WorkloadInfo } from '../../../shared/protocol/bridge';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { DEFAULT_SAMPLE_EVERY } from '../../../shared/protocol/run-config';
import { boundsText, choiceProblem, numberFault, seedTextFault } from '../../../shared/workloads/params';
import type { NumberParam } from '../../../shared/workloads/workload';
import { checkSizes } from '../../../shared/workloads/sizes';

/** One field of the generated form: a workload parameter, or trace-replay's file path. */
export type FieldSpec = WorkloadInfo['params'][number];

/** What the inputs hold: always the text as typed, so an invalid entry is kept and explained. */
export type FieldValues = Record<string, string>;

export function initialValues(params: readonly FieldSpec[]): FieldValues {
  const values: FieldValues = {};
  for (const p of params) values[p.name] = p.kind === 'path' ? '' : String(p.default);
  return values;
}

/** The `step` attribute of a number input: integers step by 1, others freely. */
export function numberStep(p: NumberParam): string {
  return p.integer ? '1' : 'any';
}

function parseNumber(raw: string): number | null {
  const text = raw.trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The host's number rule (numberFault), worded for what was typed. */
function numberMessage(p: NumberParam, raw: string): string | null {
  const n = parseNumber(raw);
  switch (n === null ? 'not-finite' : numberFault(p, n)) {
    case 'not-finite':
      return `a number in ${boundsText(p)} is required`;
    case 'not-integer':
      return `must be a whole number in ${boundsText(p)}`;
    case 'out-of-range':
      return `out of range: valid is ${boundsText(p)}`;
    case null:
      return null;
  }
}

/** The message shown under a field, or null when the value is acceptable. */
export function validateField(p: FieldSpec, raw: string): string | null {
  switch (p.kind) {
    case 'number':
      return numberMessage(p, raw);
    case 'choice':
      return choiceProblem(p, raw);
    case 'sizes':
      return raw.trim() === '' ? 'a size distribution is required' : checkSizes(raw.trim());
    case 'path':
      return raw.trim() === '' ? 'a trace file path is required' : null;
  }
}

/** Seeds are unsigned 64-bit integers, decimal or 0x-prefixed hexadecimal (as the CLI takes them). */
export function validateSeed(raw: string): string | null {
  switch (seedTextFault(raw)) {
    case 'syntax':
      return 'a decimal or 0x… hexadecimal integer is required';
    case 'range':
      return 'must fit in 64 bits';
    case null:
      return null;
  }
}

export type BudgetKind = 'ops' | 'duration';

/** Empty means "the workload's own end (or the host's default for endless workloads)". */
export function validateBudget(kind: BudgetKind, raw: string): string | null {
  const text = raw.trim();
  if (text === '') return null;
  const n = parseNumber(text);
  if (kind === 'ops') {
    if (n === null || !Number.isSafeInteger(n) || n < 1) return 'a whole number of operations ≥ 1 is required';
  } else if (n === null || n <= 0) {
    return 'a positive number of seconds is required';
  }
  return null;
}

export interface RunForm {
  python: string;
  workload: WorkloadInfo;
  values: FieldValues;
  seed: string;
  budgetKind: BudgetKind;
  budget: string;
}

/** Every message of the form, keyed by field name ("seed" and "budget" for those two). */
export function formErrors(form: RunForm): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const p of form.workload.params) {
    const message = validateField(p, form.values[p.name] ?? '');
    if (message !== null) errors[p.name] = message;
  }
  const seed = validateSeed(form.seed);
  if (seed !== null) errors['seed'] = seed;
  const budget = validateBudget(form.budgetKind, form.budget);
  if (budget !== null) errors['budget'] = budget;
  if (form.python.trim() === '') errors['python'] = 'choose a CPython version';
  return errors;
}

/** The config to start; call only when `formErrors` is empty. */
export function toRunConfig(form: RunForm): RunConfig {
  const params: Record<string, string | number> = {};
  for (const p of form.workload.params) {
    const raw = (form.values[p.name] ?? '').trim();
    params[p.name] = p.kind === 'number' ? Number(raw) : raw;
  }
  const config: RunConfig = {
    workload: form.workload.name,
    params,
    seed: form.seed.trim(),
    python: form.python.trim(),
    sampleEvery: DEFAULT_SAMPLE_EVERY,
  };
  const budget = form.budget.trim();
  if (budget !== '') {
    if (form.budgetKind === 'ops') config.ops = Number(budget);
    else config.durationMs = Number(budget) * 1000;
  }
  return config;
}
