/**
 * A bridge `WindowResult` read straight off a SeriesStore: the host answers `window()` with it and
 * the exports build their charts from it, so an exported chart holds exactly the points the screen
 * draws at the same width.
 */
import type { WindowQuery, WindowResult } from '../protocol/bridge';
import { SERIES_INDEX } from '../run/sample';
import type { SeriesStore } from '../series';

export function storeWindow(store: SeriesStore, query: WindowQuery): WindowResult {
  const stats = store.stats(query.runId);
  const series: WindowResult['series'] = {};
  // Each sample's own value, when asked and the window holds no more samples than points.
  let rows: Float64Array[] | null = null;
  if (query.values === true) {
    const [lo, hi] = store.rowRange(query.runId, query.from, query.to, query.axis);
    if (hi - lo <= query.maxPoints) rows = store.read(query.runId, lo, hi);
  }
  const windows = store.windows(query.runId, query.series, query.from, query.to, query.maxPoints, query.axis);
  const lasts = query.last === false ? null : store.lastValues(query.runId, query.series, query.from, query.to, query.axis);
  query.series.forEach((key, k) => {
    const w = windows[k]!;
    series[key] = { x: Array.from(w.x), min: Array.from(w.min), max: Array.from(w.max) };
    if (lasts !== null) series[key].last = lasts[k]!;
    if (rows !== null) series[key].samples = { x: Array.from(rows[SERIES_INDEX[query.axis]]!), y: Array.from(rows[SERIES_INDEX[key]]!) };
  });
  const phases = store.phases(query.runId).map((p) => ({ op: p.op, wallMs: store.wallAtOp(query.runId, p.op), label: p.label }));
  return { runId: query.runId, axis: query.axis, range: stats.range === null ? null : stats.range[query.axis], series, phases };
}
