/**
 * Numbers as the dashboard shows them: the shared chart formats (so screen and exports read the
 * same), plus the run list's rate.
 */
export { formatBytes, formatCount, formatDelta, formatDuration, formatInteger, formatValue, plural } from '../../../shared/charts/format';

/** Operations per second over the run's running time (0 before any time has passed). */
export function opsPerSecond(ops: number, wallMs: number): number {
  return wallMs > 0 ? (ops * 1000) / wallMs : 0;
}
