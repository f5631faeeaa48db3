/**
 * The engine's state at one op (size-class table, arena map). `exact`: the state at exactly that
 * op, which the host rebuilds by replaying the run when it kept no snapshot there (`progress` says
 * how far it got); otherwise the host's latest snapshot at or before it (a live run's end, refetched
 * at most twice a second as it moves). When the host cannot rebuild a run (one that ran on a real
 * interpreter) the nearest snapshot is shown and `inexact` says why.
 */
import { ref, shallowRef, watch } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import { errorMessage, fetchDetail, fetchStateAt } from '../services/host';
import { useReplayProgress } from './useReplayProgress';
import { useThrottle } from './useThrottle';

export interface DetailTarget {
  runId: string;
  op: number;
  exact: boolean;
}

export interface DetailState {
  detail: ShallowRef<DetailSnapshot | null>;
  error: Ref<string | null>;
  /** A replay for the shown target is under way: operations applied of `op`. */
  progress: Ref<{ op: number; applied: number } | null>;
  /** Waiting for an exact state. */
  pending: Ref<boolean>;
  /** Why an exact state was asked for and a nearest snapshot is shown instead. */
  inexact: Ref<string | null>;
}

export function useDetail(target: () => DetailTarget | null): DetailState {
  const detail = shallowRef<DetailSnapshot | null>(null);
  const error = ref<string | null>(null);
  const pending = ref(false);
  const inexact = ref<string | null>(null);
  const { progress, track } = useReplayProgress();
  let generation = 0;

  async function load(): Promise<void> {
    const t = target();
    const mine = ++generation;
    track(t?.exact ? t : null);
    if (!t) {
      detail.value = null;
      pending.value = false;
      return;
    }
    pending.value = t.exact;
    try {
      let d: DetailSnapshot | null;
      let why: string | null = null;
      if (t.exact) {
        try {
          d = await fetchStateAt(t.runId, t.op);
        } catch (e) {
          if (mine !== generation) return;
          // Not rebuildable here (a real interpreter's run): the nearest snapshot, saying so.
          why = errorMessage(e);
          d = await fetchDetail(t.runId, t.op);
        }
      } else {
        d = await fetchDetail(t.runId, t.op);
      }
      if (mine !== generation) return;
      detail.value = d;
      inexact.value = why;
      error.value = null;
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e);
    } finally {
      if (mine === generation) {
        pending.value = false;
        track(null);
      }
    }
  }

  // At most two loads a second: a click is answered at once, panning a finished run's window does
  // not start a replay per frame (a newer question cancels the older replay on the host anyway).
  const schedule = useThrottle(() => void load(), 500);
  watch(target, schedule, { deep: true, immediate: true });
  return { detail, error, progress, pending, inexact };
}
