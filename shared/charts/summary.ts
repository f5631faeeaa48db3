/**
 * The figures a report's tables show per run, read exactly off the store's min/max pyramid: peak and
 * final of every series, and the arena bytes retained after the last free phase (the dashboard's
 * compare table reads it the same way: at the end of the last `free`/`free-N` phase).
 */
import { SERIES_KEYS, type SeriesKey } from '../run/sample';
import type { SeriesStore } from '../series';

export interface SeriesFigures {
  peak: number;
  final: number;
}

export interface RunFigures {
  samples: number;
  /** First and last op; null without samples. */
  ops: [number, number] | null;
  /** Wall time of the last sample, ms. */
  wallMs: number;
  series: Record<SeriesKey, SeriesFigures>;
  /** arena_bytes once the last free phase's frees are applied; the final value without a free phase. */
  retainedAfterFree: number | null;
  retainedSource: 'free-phase' | 'final';
}

/** Free phases are marked "free", or "free-2", "free-3"… when a workload repeats them. */
export function isFreeLabel(label: string): boolean {
  return label === 'free' || label.startsWith('free-');
}

/** The op range of the run's last free phase: from its mark to the next later mark (or the last op). */
export function lastFreePhase(phases: readonly { op: number; label: string }[], lastOp: number): { start: number; end: number } | null {
  let index = -1;
  for (let i = 0; i < phases.length; i++) if (isFreeLabel(phases[i]!.label)) index = i;
  if (index < 0) return null;
  const start = phases[index]!.op;
  let end = lastOp;
  for (let i = index + 1; i < phases.length; i++) {
    if (phases[i]!.op > start) {
      end = Math.min(phases[i]!.op, lastOp);
      break;
    }
  }
  return { start, end: Math.max(start, end) };
}

export function runFigures(store: SeriesStore, runId: string): RunFigures {
  const stats = store.stats(runId);
  const last = store.lastSample(runId);
  const series = {} as Record<SeriesKey, SeriesFigures>;
  SERIES_KEYS.forEach((key, s) => {
    const w = store.window(runId, key, -Infinity, Infinity, 1);
    series[key] = { peak: w.count > 0 ? w.max[0]! : 0, final: last ? last[s]! : 0 };
  });
  const figures: RunFigures = {
    samples: stats.samples,
    ops: stats.range ? stats.range.op : null,
    wallMs: stats.range ? stats.range.wall_ms[1] : 0,
    series,
    retainedAfterFree: last ? series.arena_bytes.final : null,
    retainedSource: 'final',
  };
  if (!stats.range) return figures;
  const free = lastFreePhase(store.phases(runId), stats.range.op[1]);
  if (free) {
    const w = store.window(runId, 'arena_bytes', free.start, free.end, 4096);
    if (w.count > 0) {
      figures.retainedAfterFree = w.min[w.count - 1]!;
      figures.retainedSource = 'free-phase';
    }
  }
  return figures;
}
