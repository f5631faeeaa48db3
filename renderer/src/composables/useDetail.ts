/**
 * The engine's state at one op (size-class table, arena map). `exact`: the state at exactly that
 * op, which the host rebuilds by replaying the run when it kept no snapshot there (`progress` says
 * how far it got); otherwise the host's latest snapshot at or before it (a live run's end, refetched
 * at most twice a second as it moves). When the host cannot rebuild a run (one that ran on a real
 * interpreter) the nearest snapshot is shown and `inexact` says why.
 *
 * A time the user picked is rebuilt at once. The window's end (nothing picked) is not rebuilt while
 * the user zooms or pans: the nearest snapshot is shown at once, and the exact state is asked for
 * once the view has been still for SETTLE_MS, and only when the replay is short (AUTO_EXACT_MAX_OPS;
 * a click still asks for any). A replay takes a core for as long as it runs: started on every zoom
 * of a week-long run, it was most of the half second a redraw waited on a 2-core machine.
 */
import { ref, shallowRef, watch } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import type { DetailSnapshot } from '../../../shared/protocol/bridge';
import { errorMessage, fetchDetail, fetchStateAt } from '../services/host';
import { useReplayProgress } from './useReplayProgress';
import { useDebounce, useThrottle } from './useThrottle';

export interface DetailTarget {
  runId: string;
  op: number;
  exact: boolean;
  /** The user picked this time (a click): rebuilt at once, however far. Else it is the window's end. */
  picked?: boolean;
}

/** The window's end is rebuilt on its own only up to this many operations (a click asks for any). */
export const AUTO_EXACT_MAX_OPS = 200_000_000;
/** The window's end is rebuilt once the view has been still this long. */
export const SETTLE_MS = 800;

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

  /** `exactNow` false: the nearest snapshot even where the target asks for the exact state (for now). */
  async function load(exactNow = true): Promise<void> {
    const given = target();
    const t = given && !exactNow ? { ...given, exact: false } : given;
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
      inexact.value = why ?? (given?.exact && !t!.exact ? notYet(given) : null);
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

  // At most two loads a second: a click is answered at once (a newer question cancels the older
  // replay on the host anyway).
  const schedule = useThrottle(() => void load(), 500);
  const nearest = useThrottle(() => void load(false), 500);
  const settle = useDebounce(() => void load(), SETTLE_MS);
  watch(
    target,
    () => {
      settle.cancel();
      const t = target();
      if (t === null || !t.exact || t.picked === true) return schedule();
      nearest();
      if (t.op <= AUTO_EXACT_MAX_OPS) settle.schedule();
    },
    { deep: true, immediate: true },
  );
  return { detail, error, progress, pending, inexact };
}

/** Why the window's end shows the nearest snapshot: not rebuilt yet, or too far to rebuild on its own. */
function notYet(t: DetailTarget): string | null {
  return t.op > AUTO_EXACT_MAX_OPS
    ? `rebuilding it means replaying ${t.op.toLocaleString('en-US')} operations: click the chart at this time to ask for it`
    : null;
}
