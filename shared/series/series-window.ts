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

export function decimate(run: RunSeries, series: number, axis: number, from: number, to: number, maxPoints: number): SeriesWindow {
  const xs = run.columns[axis]!;
  const n = xs.length;
  if (n === 0 || !(from <= to)) return emptyWindow();
  // Infinite ends mean "from the first sample" / "to the last".
  const lo = Number.isFinite(from) ? from : Math.min(xs.get(0), to);
  const hi = Number.isFinite(to) ? to : Math.max(xs.get(n - 1), lo);
  let start = xs.lowerBound(lo);
  let end = xs.upperBound(hi, start);
  if (start >= end) return emptyWindow();
  const values = run.columns[series]!;
  const snap = end - start >= SNAP_ROWS_PER_POINT * maxPoints && values.anySpilled(start, end);
  if (snap) {
    // An end in a spilled chunk moves out to a whole group, so no row is read back from the file.
    if (!values.resident(start)) start -= start % FANOUT;
    if (!values.resident(end - 1)) end = Math.min(n, end + ((FANOUT - (end % FANOUT)) % FANOUT));
  }

  // Never more points than samples: the arrays are sized for the smaller of the two.
  const capacity = Math.min(maxPoints, end - start);
  const grid = (hi - lo) / maxPoints; // 0 when lo === hi: one bucket takes everything
  const out = {
    x: new Float64Array(capacity),
    xEnd: new Float64Array(capacity),
    min: new Float64Array(capacity),
    minX: new Float64Array(capacity),
    max: new Float64Array(capacity),
    maxX: new Float64Array(capacity),
    samples: new Float64Array(capacity),
  };
  const pyramid = run.pyramids[series]!;
  const ext: RangeExtrema = { min: 0, minRow: 0, max: 0, maxRow: 0 };
  let count = 0;
  let row = start;
  // Every pass moves to a later bucket, so the loop ends after at most maxPoints passes, and each
  // emitted point takes at least one sample, so count ≤ capacity.
  for (let b = 0; row < end; b++) {
    // Jump over empty buckets: go straight to the bucket of the next sample.
    if (grid > 0) b = Math.max(b, Math.min(maxPoints - 1, Math.floor((xs.get(row) - lo) / grid)));
    let stop = grid === 0 || b >= maxPoints - 1 ? end : xs.lowerBound(lo + (b + 1) * grid, row, end);
    if (snap && stop > row) stop = Math.min(end, Math.ceil(stop / FANOUT) * FANOUT);
    if (stop <= row) continue;
    pyramid.extrema(row, stop, ext);
    out.x[count] = xs.get(row);
    out.xEnd[count] = xs.get(stop - 1);
    out.min[count] = ext.min;
    out.minX[count] = xs.get(ext.minRow);
    out.max[count] = ext.max;
    out.maxX[count] = xs.get(ext.maxRow);
    out.samples[count] = stop - row;
    count++;
    row = stop;
  }
  if (count === capacity) return { count, ...out };
  return {
    count,
    x: out.x.slice(0, count),
    xEnd: out.xEnd.slice(0, count),
    min: out.min.slice(0, count),
    minX: out.minX.slice(0, count),
    max: out.max.slice(0, count),
    maxX: out.maxX.slice(0, count),
    samples: out.samples.slice(0, count),
  };
}
