/**
 * How far a run is towards the limit it stops at, when it has one: its operation budget (given, or
 * the default of an endless workload), or its duration. A finite workload without a budget ends
 * when its stream does, which the page cannot know beforehand: no fraction then.
 */
import type { RunSummary } from '../../../shared/protocol/bridge';
import { DEFAULT_ENDLESS_OPS } from '../../../shared/protocol/run-config';

export interface RunProgress {
  /** 0–1. */
  fraction: number;
  /** "of 10M operations", "of 2 min". */
  limit: { kind: 'ops'; value: number } | { kind: 'duration'; ms: number };
}

export function runProgress(run: Pick<RunSummary, 'config' | 'ops'>, runningMs: number, finite: boolean | null): RunProgress | null {
  const { ops, durationMs } = run.config;
  const clamp = (x: number): number => Math.max(0, Math.min(1, x));
  if (ops !== undefined) return { fraction: clamp(run.ops / ops), limit: { kind: 'ops', value: ops } };
  if (durationMs !== undefined) return { fraction: clamp(runningMs / durationMs), limit: { kind: 'duration', ms: durationMs } };
  if (finite === false) return { fraction: clamp(run.ops / DEFAULT_ENDLESS_OPS), limit: { kind: 'ops', value: DEFAULT_ENDLESS_OPS } };
  return null;
}
