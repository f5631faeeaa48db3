/**
 * Min/max decimation of one series over an x range, read off the pyramid.
 *
 * [from, to] is cut into `maxPoints` buckets of equal x width; every bucket holding at least one
 * sample becomes one point carrying the true minimum and maximum of the series in it (and where
 * they occur). Drawing a vertical stroke from min to max per bucket, or the points in x order, shows
 * every spike of a million-sample run at a thousand pixels. Buckets are aligned to the requested
 * range, not to the data, so a live chart that keeps `from` fixed does not shimmer as data arrives.
 *
 * A run whose old rows were spilled to its session file (./run-spill.ts): when the range touches a
 * spilled chunk of the series and holds at least SNAP_ROWS_PER_POINT samples per point, each bucket's
 * end moves forward to the next multiple of FANOUT rows, and an end of the range that lies in a
 * spilled chunk moves out to its group's edge, so that every bucket is answered by the pyramid (and
 * the x axes, always in memory) alone: a zoom over a week reads nothing from the disk. A point then
 * holds up to FANOUT − 1 samples of the next bucket's x range (the first and last up to FANOUT − 1
 * samples just outside [from, to]); its x, xEnd, min, max and samples still describe exactly the
 * samples it holds.
 */
import { FANOUT, type RangeExtrema } from './min-max-pyramid';
import type { RunSeries } from './run-series';

/**
 * One decimated window. Every array has `count` entries, one per non-empty bucket, in x order.
 * Plain typed arrays of exactly that length, so they cross IPC as they are.
 */
export interface SeriesWindow {
  count: number;
  /** x of the first and last sample of the bucket (equal when it holds one sample). */
  x: Float64Array;
  xEnd: Float64Array;
  /** The smallest value in the bucket and the x of a sample holding it. */
  min: Float64Array;
  minX: Float64Array;
  /** The largest value in the bucket and the x of a sample holding it. */
  max: Float64Array;
  maxX: Float64Array;
  /** Samples aggregated into the bucket. */
  samples: Float64Array;
}

/** Fewer samples per point than this, and a window over spilled rows stays exact (reading them back). */
export const SNAP_ROWS_PER_POINT = 8;

export function emptyWindow(): SeriesWindow {
  const none = () => new Float64Array(0);
  return { count: 0, x: none(), xEnd: none(), min: none(), minX: none(), max: none(), maxX: none(), samples: none() };
}

/**
 * Decimates several series over the same range at once: the rows where each bucket starts and stops
 * depend on the x axis alone (and on whether the range is snapped to the pyramid's groups), so they
 * are found once for every series that agrees on those, and each series only reads its extrema.
 */
export function decimateMany(run: RunSeries, series: readonly number[], axis: number, from: number, to: number, maxPoints: number): SeriesWindow[] {
  const xs = run.columns[axis]!;
  const n = xs.length;
  if (n === 0 || !(from <= to)) return series.map(emptyWindow);
  // Infinite ends mean "from the first sample" / "to the last".
  const lo = Number.isFinite(from) ? from : Math.min(xs.get(0), to);
  const hi = Number.isFinite(to) ? to : Math.max(xs.get(n - 1), lo);
  const first = xs.lowerBound(lo);
  const last = xs.upperBound(hi, first);
  if (first >= last) return series.map(emptyWindow);
  const grid = (hi - lo) / maxPoints; // 0 when lo === hi: one bucket takes everything
  /** Bucket row bounds per (start, end, snap): bounds[2k] and bounds[2k + 1] are bucket k's first row and its end. */
  const boundsOf = new Map<string, Float64Array>();
  return series.map((s) => {
    let start = first;
    let end = last;
    const values = run.columns[s]!;
    const snap = end - start >= SNAP_ROWS_PER_POINT * maxPoints && values.anySpilled(start, end);
    if (snap) {
      // An end in a spilled chunk moves out to a whole group, so no row is read back from the file.
      if (!values.resident(start)) start -= start % FANOUT;
      if (!values.resident(end - 1)) end = Math.min(n, end + ((FANOUT - (end % FANOUT)) % FANOUT));
    }
    const key = `${start} ${end} ${snap}`;
    let bounds = boundsOf.get(key);
    if (bounds === undefined) {
      bounds = bucketBounds(xs, start, end, snap, lo, grid, maxPoints);
      boundsOf.set(key, bounds);
    }
    return extremaOf(run, s, xs, bounds);
  });
}

type XColumn = RunSeries['columns'][number];

/** The buckets' row bounds over rows [start, end): non-empty buckets only, in x order. */
function bucketBounds(xs: XColumn, start: number, end: number, snap: boolean, lo: number, grid: number, maxPoints: number): Float64Array {
  // Never more points than samples: sized for the smaller of the two.
  const bounds = new Float64Array(2 * Math.min(maxPoints, end - start));
  let count = 0;
  let row = start;
  // Every pass moves to a later bucket, so the loop ends after at most maxPoints passes, and each
  // bucket takes at least one sample, so count ≤ the capacity.
  for (let b = 0; row < end; b++) {
    // Jump over empty buckets: go straight to the bucket of the next sample.
    if (grid > 0) b = Math.max(b, Math.min(maxPoints - 1, Math.floor((xs.get(row) - lo) / grid)));
    let stop = grid === 0 || b >= maxPoints - 1 ? end : xs.lowerBound(lo + (b + 1) * grid, row, end);
    if (snap && stop > row) stop = Math.min(end, Math.ceil(stop / FANOUT) * FANOUT);
    if (stop <= row) continue;
    bounds[2 * count] = row;
    bounds[2 * count + 1] = stop;
    count++;
    row = stop;
  }
  return count * 2 === bounds.length ? bounds : bounds.slice(0, 2 * count);
}

/** One point per bucket of `bounds`: its x extent, its extrema and where they are, its sample count. */
function extremaOf(run: RunSeries, series: number, xs: XColumn, bounds: Float64Array): SeriesWindow {
  const count = bounds.length / 2;
  const out: SeriesWindow = {
    count,
    x: new Float64Array(count),
    xEnd: new Float64Array(count),
    min: new Float64Array(count),
    minX: new Float64Array(count),
    max: new Float64Array(count),
    maxX: new Float64Array(count),
    samples: new Float64Array(count),
  };
  const pyramid = run.pyramids[series]!;
  const ext: RangeExtrema = { min: 0, minRow: 0, max: 0, maxRow: 0 };
  for (let k = 0; k < count; k++) {
    const row = bounds[2 * k]!;
    const stop = bounds[2 * k + 1]!;
    pyramid.extrema(row, stop, ext);
    out.x[k] = xs.get(row);
    out.xEnd[k] = xs.get(stop - 1);
    out.min[k] = ext.min;
    out.minX[k] = xs.get(ext.minRow);
    out.max[k] = ext.max;
    out.maxX[k] = xs.get(ext.maxRow);
    out.samples[k] = stop - row;
  }
  return out;
}
