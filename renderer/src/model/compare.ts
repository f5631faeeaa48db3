/**
 * The compare table: per run its peak, final and retained-after-free arena bytes, and each one's
 * difference from the first (baseline) run. Pure: the service fetches the few numbers, this
 * module decides what they mean.
 */

// The free-phase reading is shared with the exports' summaries, so screen and report agree.
export { isFreeLabel, lastFreePhase } from '../../../shared/charts/summary';

export interface RunFigures {
  runId: string;
  name: string;
  peak: number | null;
  final: number | null;
  /** arena_bytes at the end of the last free phase; null when the run has no free phase. */
  afterFree: number | null;
}

export interface CompareCell {
  value: number | null;
  /** value − baseline's value; null for the baseline itself or when either is unknown. */
  diff: number | null;
}

export interface CompareRow {
  runId: string;
  name: string;
  peak: CompareCell;
  final: CompareCell;
  retainedAfterFree: CompareCell;
  /** Where retained-after-free was read: the end of the last free phase, or the final sample. */
  retainedSource: 'free-phase' | 'final';
}

function cell(value: number | null, base: number | null, isBaseline: boolean): CompareCell {
  return { value, diff: isBaseline || value === null || base === null ? null : value - base };
}

export function compareRows(runs: readonly RunFigures[]): CompareRow[] {
  const retained = (r: RunFigures): number | null => r.afterFree ?? r.final;
  const base = runs[0];
  return runs.map((r, i) => ({
    runId: r.runId,
    name: r.name,
    peak: cell(r.peak, base?.peak ?? null, i === 0),
    final: cell(r.final, base?.final ?? null, i === 0),
    retainedAfterFree: cell(retained(r), base ? retained(base) : null, i === 0),
    retainedSource: r.afterFree === null ? 'final' : 'free-phase',
  }));
}
