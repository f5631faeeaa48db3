import type { WindowResult } from '../../shared/protocol/bridge';

/** A window answer of one series over two operations, rising from 0 to 1: enough for a chart to draw a band. */
export function twoPointWindow(runId: string, series = 'arena_bytes'): WindowResult {
  return { runId, axis: 'op', range: [0, 1], series: { [series]: { x: [0, 1], min: [0, 1], max: [0, 1] } }, phases: [] };
}
