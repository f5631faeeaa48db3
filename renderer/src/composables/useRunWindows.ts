/**
 * The windows a chart shows, one per run: fetched when what is asked changes, and again (at most
 * five times a second) when a shown run gets new samples while its end is on screen. Results live
 * in a shallowRef: thousands of points must not become deep reactive proxies.
 */
import { onBeforeUnmount, ref, shallowRef, watch } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import type { Axis, WindowResult } from '../../../shared/protocol/bridge';
import type { SeriesKey } from '../../../shared/run/sample';
import { MAX_WINDOW_POINTS } from '../../../shared/protocol/bridge-methods';
import { errorMessage, fetchWindow, onRunData } from '../services/host';
import { useThrottle } from './useThrottle';

export interface WindowRequest {
  runIds: string[];
  series: SeriesKey[];
  axis: Axis;
  range: [number, number] | null;
  maxPoints: number;
  /** Whether each series' `last` value is wanted (WindowQuery.last); default true. */
  last?: boolean;
}

export interface RunWindows {
  results: ShallowRef<ReadonlyMap<string, WindowResult>>;
  error: Ref<string | null>;
  loading: Ref<boolean>;
}

/** ≤ 5 refreshes per second while a run is live. */
const LIVE_REFRESH_MS = 200;

export function useRunWindows(request: () => WindowRequest): RunWindows {
  const results = shallowRef<ReadonlyMap<string, WindowResult>>(new Map());
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** Drops answers to requests that a newer one replaced (they may arrive out of order). */
  let generation = 0;

  async function load(): Promise<void> {
    const q = request();
    const mine = ++generation;
    if (q.runIds.length === 0) {
      results.value = new Map();
      error.value = null;
      return;
    }
    loading.value = true;
    try {
      const from = q.range ? q.range[0] : -Infinity;
      const to = q.range ? q.range[1] : Infinity;
      const maxPoints = Math.min(MAX_WINDOW_POINTS, Math.max(16, Math.round(q.maxPoints)));
      const list = await Promise.all(
        q.runIds.map((runId) => fetchWindow({ runId, series: q.series, from, to, maxPoints, axis: q.axis, ...(q.last === false ? { last: false } : {}) })),
      );
      if (mine !== generation) return;
      results.value = new Map(list.map((r) => [r.runId, r]));
      error.value = null;
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  const refresh = useThrottle(() => void load(), LIVE_REFRESH_MS);

  watch(request, () => void load(), { deep: true, immediate: true });

  const off = onRunData((runId) => {
    const q = request();
    if (!q.runIds.includes(runId)) return;
    // Zoomed into the past: new samples land off screen, nothing to redraw.
    const shownEnd = results.value.get(runId)?.range?.[1] ?? -Infinity;
    if (q.range === null || q.range[1] >= shownEnd) refresh();
  });
  onBeforeUnmount(off);

  return { results, error, loading };
}
