/**
 * The run list's "step by N ops" field: a whole number of operations, at least one. Anything else
 * (empty, 0, -1, 2.5) is refused with a reason instead of silently stepping one.
 */
export const MAX_STEP_OPS = 1_000_000_000;

/** The reason the field's value cannot be stepped by, or null when it can. */
export function stepOpsError(value: unknown): string | null {
  if (value === '' || value === null || value === undefined) return 'give a number of operations to step by';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_STEP_OPS)
    return `step by a whole number of operations from 1 to ${MAX_STEP_OPS.toLocaleString('en-US')}, not ${String(value)}`;
  return null;
}
