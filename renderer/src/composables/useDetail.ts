/**
 * The engine's state at one op (size-class table, arena map), refetched at most twice a second as
 * the op moves (it follows a live run's end when no time is selected).
 */
import { ref, shallowRef, watch } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import { errorMessage, fetchDetail } from '../services/host';
import { useThrottle } from './useThrottle';

export function useDetail(target: () => { runId: string; op: number } | null): { detail: ShallowRef<DetailSnapshot | null>; error: Ref<string | null> } {
  const detail = shallowRef<DetailSnapshot | null>(null);
  const error = ref<string | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const t = target();
    const mine = ++generation;
    if (!t) {
      detail.value = null;
      return;
    }
    try {
      const d = await fetchDetail(t.runId, t.op);
      if (mine !== generation) return;
      detail.value = d;
      error.value = null;
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e);
    }
  }

  const schedule = useThrottle(() => void load(), 500);
  watch(target, schedule, { deep: true, immediate: true });
  return { detail, error };
}
