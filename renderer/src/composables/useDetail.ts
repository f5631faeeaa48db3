/**
 * The engine's state at one op (size-class table, arena map), refetched at most twice a second as
 * the op moves (it follows a live run's end when no time is selected).
 */
import { shallowRef } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import { fetchDetail } from '../services/host';
import { useLatestFetch } from './useLatestFetch';

export function useDetail(target: () => { runId: string; op: number } | null): { detail: ShallowRef<DetailSnapshot | null>; error: Ref<string | null> } {
  const detail = shallowRef<DetailSnapshot | null>(null);
  const error = useLatestFetch(
    target,
    // No op, no state to show (and no error about an earlier one).
    async () => {
      const t = target();
      return t ? fetchDetail(t.runId, t.op) : null;
    },
    (d) => (detail.value = d),
    500,
  );
  return { detail, error };
}
