/**
 * What part of the selected run the views show: the x axis, the time window (from a zoom, a pan
 * or a drag on the overview; null = the whole run, following it live) and the selected time the
 * detail views read the engine at (null = the end of the window).
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { Axis } from '../../../shared/protocol/bridge';
import { useRunsStore } from './runs';

export interface Cursor {
  /** Where it was picked, on the current axis. */
  x: number;
  op: number;
}

export const useViewStore = defineStore('view', () => {
  const axis = ref<Axis>('op');
  const range = ref<[number, number] | null>(null);
  const cursor = ref<Cursor | null>(null);
  /** Operations one press of "step" applies to a paused run. */
  const stepOps = ref(10_000);

  function reset(): void {
    range.value = null;
    cursor.value = null;
  }

  function setAxis(a: Axis): void {
    if (a === axis.value) return;
    axis.value = a;
    reset(); // ranges and cursors are in the old axis' units
  }

  function setRange(r: [number, number] | null): void {
    const next = r && r[1] > r[0] ? r : null;
    // The zoom plugin reports a wheel zoom twice (at once, then when it settles): the same range
    // again must not fetch and draw every chart's window a second time.
    const now = range.value;
    if (next !== null && now !== null && next[0] === now[0] && next[1] === now[1]) return;
    range.value = next;
  }

  // A new run shown: its window and selected time are its own.
  watch(() => useRunsStore().selectedId, reset);

  return { axis, range, cursor, stepOps, reset, setAxis, setRange };
});
