/**
 * The verdict of a real run against the model run of the same version: their samples at the same
 * operation counts (both take one every `sampleEvery` operations), compared series by series, wall
 * time aside. The real run's figures come from the real heap, so "identical" means the model put
 * every block, pool and arena where the interpreter did, at every common sample.
 */
import { SERIES_INDEX, SERIES_KEYS, type SeriesKey } from './sample';

export interface SampleVerdict {
  model: string;
  real: string;
  /** Samples taken at the same operation count by both runs. */
  compared: number;
  identical: number;
  /** The first difference in words (null when none). */
  first: string | null;
  /** Per series, the largest absolute difference over the compared samples (0 when the model is exact). */
  maxDiff: Record<string, number>;
}

/** Collects a run's sample rows by their operation count (the last row at a count wins). */
export class SamplesByOp {
  readonly rows = new Map<number, Float64Array>();

  add(row: ArrayLike<number>): void {
    this.rows.set(row[SERIES_INDEX.op]!, Float64Array.from(row));
  }
}

/**
 * Series a real run measures only with an arena hook (2.7 has none): not compared without it. The
 * high-water mark without a hook is the most arenas seen at a sample, not between samples.
 */
export const HOOK_ONLY_SERIES: ReadonlySet<SeriesKey> = new Set<SeriesKey>(['pools_empty', 'arenas_allocated_total', 'arenas_reclaimed', 'arenas_highwater']);
/**
 * Series never compared between a model and a real run: pinned_bytes, which a real run does not
 * measure (a checkpoint has no per-arena block bytes), and rss_bytes, which a model does not (it has no process).
 */
export const UNMEASURED_SERIES: ReadonlySet<SeriesKey> = new Set<SeriesKey>(['pinned_bytes', 'rss_bytes']);

export function sampleVerdict(model: { name: string; samples: SamplesByOp }, real: { name: string; samples: SamplesByOp; hooked: boolean }): SampleVerdict {
  const keys = SERIES_KEYS.filter((k) => k !== 'op' && k !== 'wall_ms' && !UNMEASURED_SERIES.has(k) && (real.hooked || !HOOK_ONLY_SERIES.has(k)));
  const maxDiff: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  let compared = 0;
  let identical = 0;
  let first: string | null = null;
  const ops = [...real.samples.rows.keys()].sort((a, b) => a - b);
  for (const op of ops) {
    const m = model.samples.rows.get(op);
    if (!m) continue;
    const r = real.samples.rows.get(op)!;
    compared++;
    let same = true;
    for (const k of keys) {
      const i = SERIES_INDEX[k];
      const d = Math.abs(m[i]! - r[i]!);
      if (d === 0) continue;
      same = false;
      maxDiff[k] = Math.max(maxDiff[k]!, d);
      first ??= `at op ${op}: ${k} model ${m[i]}, real ${r[i]}`;
    }
    if (same) identical++;
  }
  return { model: model.name, real: real.name, compared, identical, first, maxDiff };
}

export function verdictText(v: SampleVerdict): string {
  if (v.compared === 0) return `${v.real} vs ${v.model}: no sample at a common operation count`;
  return v.identical === v.compared
    ? `${v.real} vs ${v.model}: identical at ${v.compared} of ${v.compared} common samples`
    : `${v.real} vs ${v.model}: NOT identical: ${v.identical} of ${v.compared} common samples identical; first ${v.first}`;
}
