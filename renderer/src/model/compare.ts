/**
 * The compare table: per run its peak, final and retained-after-free arena bytes, its arena bytes
 * at the end of each phase, and each one's difference from the first (baseline) run. Pure: the service fetches the few numbers, this
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
  /** arena_bytes at the end of each phase, in the run's order (a phase ends where the next begins, the last at the run's end). */
  phases: PhaseFigure[];
}

export interface PhaseFigure {
  /** The phase's label, numbered from its second occurrence on ("free", "fill 2", "free 2"). */
  key: string;
  value: number | null;
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
  /** Per column of `phaseColumns`: the value at the end of that phase (null: the run has no such phase). */
  phases: CompareCell[];
}

/** Phase keys for a run's phase labels: a label seen before gets its occurrence number. */
export function phaseKeys(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} ${n}`;
  });
}

/** The compare table's phase columns: every run's phase keys, in the order they first appear. */
export function phaseColumns(runs: readonly RunFigures[]): string[] {
  const out: string[] = [];
  for (const r of runs) for (const p of r.phases) if (!out.includes(p.key)) out.push(p.key);
  return out;
}

function cell(value: number | null, base: number | null, isBaseline: boolean): CompareCell {
  return { value, diff: isBaseline || value === null || base === null ? null : value - base };
}

export function compareRows(runs: readonly RunFigures[]): CompareRow[] {
  const retained = (r: RunFigures): number | null => r.afterFree ?? r.final;
  const base = runs[0];
  const columns = phaseColumns(runs);
  const phaseValue = (r: RunFigures | undefined, key: string): number | null => r?.phases.find((p) => p.key === key)?.value ?? null;
  return runs.map((r, i) => ({
    runId: r.runId,
    name: r.name,
    peak: cell(r.peak, base?.peak ?? null, i === 0),
    final: cell(r.final, base?.final ?? null, i === 0),
    retainedAfterFree: cell(retained(r), base ? retained(base) : null, i === 0),
    retainedSource: r.afterFree === null ? 'final' : 'free-phase',
    phases: columns.map((key) => cell(phaseValue(r, key), phaseValue(base, key), i === 0)),
  }));
}
