/**
 * How far the host's replay for a question got (`replay` events: stateAt and pinsAt rebuild a run
 * by replaying it): the composables asking such questions track the one they wait for.
 */
import { onBeforeUnmount, ref } from 'vue';
import type { Ref } from 'vue';
import { onReplay } from '../services/host';

export interface ReplayProgress {
  /** Operations applied of `op`, while the tracked replay runs and has reported. */
  progress: Ref<{ op: number; applied: number } | null>;
  /** Follow the replay for this run and operation (null: none). */
  track(target: { runId: string; op: number } | null): void;
}

export function useReplayProgress(): ReplayProgress {
  const progress = ref<{ op: number; applied: number } | null>(null);
  let tracked: { runId: string; op: number } | null = null;
  const off = onReplay((e) => {
    if (tracked === null || e.runId !== tracked.runId || e.op !== tracked.op) return;
    progress.value = e.applied < e.op ? { op: e.op, applied: e.applied } : null;
  });
  onBeforeUnmount(off);
  return {
    progress,
    track(target) {
      tracked = target;
      progress.value = null;
    },
  };
}
