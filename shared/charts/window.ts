/**
 * A bridge `WindowResult` read straight off a SeriesStore: the host answers `window()` with it and
 * the exports build their charts from it, so an exported chart holds exactly the points the screen
 * draws at the same width.
 */
import type { WindowQuery, WindowResult } from '../protocol/bridge';
import type { SeriesStore } from '../series';

export function storeWindow(store: SeriesStore, query: WindowQuery): WindowResult {
  const stats = store.stats(query.runId);
  const series: WindowResult['series'] = {};
  for (const key of query.series) {
    const w = store.window(query.runId, key, query.from, query.to, query.maxPoints, query.axis);
    series[key] = { x: Array.from(w.x), min: Array.from(w.min), max: Array.from(w.max), last: store.lastValue(query.runId, key, query.from, query.to, query.axis) };
  }
  const phases = store.phases(query.runId).map((p) => ({ op: p.op, wallMs: store.wallAtOp(query.runId, p.op), label: p.label }));
  return { runId: query.runId, axis: query.axis, range: stats.range === null ? null : stats.range[query.axis], series, phases };
}
