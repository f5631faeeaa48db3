/**
 * Why a run's arenas are kept at one op (shared/pins), asked for on demand: the analysis replays
 * the run on the host, so it runs when the user asks (a button, or a click on an arena), not on
 * every move of the selected time. `progress` follows the host's replay events.
 */
import { ref, shallowRef, watch } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import type { PinReport } from '../../../shared/pins/analyze';
import { errorMessage, fetchPins } from '../services/host';
import { useReplayProgress } from './useReplayProgress';

export interface PinsState {
  report: ShallowRef<PinReport | null>;
  error: Ref<string | null>;
  pending: Ref<boolean>;
  progress: Ref<{ op: number; applied: number } | null>;
  /** Analyses the target now (no-op while the same one is under way or shown). */
  load(): void;
}

export function usePins(target: () => { runId: string; op: number } | null): PinsState {
  const report = shallowRef<PinReport | null>(null);
  const error = ref<string | null>(null);
  const pending = ref(false);
  const { progress, track } = useReplayProgress();
  let generation = 0;

  // Another time or run: what is shown no longer answers it.
  watch(
    target,
    () => {
      generation++;
      report.value = null;
      error.value = null;
      pending.value = false;
      track(null);
    },
    { deep: true },
  );

  async function run(): Promise<void> {
    const t = target();
    if (t === null) return;
    if (pending.value || (report.value !== null && report.value.summary.op === t.op)) return;
    const mine = ++generation;
    track(t);
    pending.value = true;
    error.value = null;
    try {
      const r = await fetchPins(t.runId, t.op);
      if (mine === generation) report.value = r;
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e);
    } finally {
      if (mine === generation) {
        pending.value = false;
        track(null);
      }
    }
  }

  return { report, error, pending, progress, load: () => void run() };
}
