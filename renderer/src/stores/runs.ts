/**
 * The run list as the host last described it, which run is shown, and which are compared.
 * Summaries only (a few numbers per run): series stay in the host and are fetched per window.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { paramsLine, runLabels } from '../../../shared/charts/run-labels';
import type { RunSummary } from '../../../shared/protocol/bridge';

/** How long a removed run can be brought back before the host forgets it. */
export const UNDO_MS = 10_000;

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  const selectedId = ref<string | null>(null);
  const compareIds = ref<string[]>([]);
  /**
   * When each summary last came from the host (Date.now()). The host sends a full summary only on
   * state changes and between them just `samples` events (ops, no wall time), so a running run's
   * elapsed time is extrapolated from its last summary (see `elapsedMs`).
   */
  const receivedAt = ref<Record<string, number>>({});
  /** False while the link to the host is down: its last report is all we know, nothing is advancing. */
  const hostReachable = ref(true);
  /** When the link went down (Date.now()): a running run's elapsed time stops there. */
  const lostAt = ref<number | null>(null);

  const selected = computed(() => runs.value.find((r) => r.runId === selectedId.value) ?? null);
  const compared = computed(() => compareIds.value.map((id) => runs.value.find((r) => r.runId === id)).filter((r): r is RunSummary => r !== undefined));

  /** Each run's name plus what tells it apart from the others ("… · k=1000"), for every place a run is named. */
  const labels = computed(() => {
    const list = runs.value;
    const texts = runLabels(
      list.map((r) => ({
        name: r.name,
        workload: r.config.workload,
        params: r.params ?? r.config.params,
        seed: r.config.seed,
        arenas: r.config.arenas ?? null,
      })),
    );
    return new Map(list.map((r, i) => [r.runId, texts[i]!]));
  });

  function label(run: RunSummary): string {
    return labels.value.get(run.runId) ?? run.name;
  }

  /** Every parameter and the seed of a run, for its tooltip. */
  function paramsText(run: RunSummary): string {
    return paramsLine(run.params ?? run.config.params, run.config.seed);
  }

  /** Keeps the selection and comparison to runs that still exist. */
  function prune(): void {
    const ids = new Set(runs.value.map((r) => r.runId));
    if (selectedId.value !== null && !ids.has(selectedId.value)) selectedId.value = null;
    if (selectedId.value === null) selectedId.value = runs.value.at(-1)?.runId ?? null;
    compareIds.value = compareIds.value.filter((id) => ids.has(id));
  }

  function setRuns(list: RunSummary[]): void {
    runs.value = list;
    const now = Date.now();
    receivedAt.value = Object.fromEntries(list.map((r) => [r.runId, now]));
    prune();
  }

  function upsert(run: RunSummary): void {
    receivedAt.value = { ...receivedAt.value, [run.runId]: Date.now() };
    const i = runs.value.findIndex((r) => r.runId === run.runId);
    if (i >= 0) runs.value.splice(i, 1, run);
    else runs.value.push(run);
    prune();
  }

  /** Progress between summaries, from a `samples` event. */
  function progress(runId: string, samples: number, lastOp: number): void {
    const run = runs.value.find((r) => r.runId === runId);
    if (!run || samples < run.samples) return;
    run.samples = samples;
    run.ops = lastOp;
  }

  /** Running time (pauses left out): the host's figure, plus the time since it sent it while the run is running. */
  function elapsedMs(run: RunSummary, now: number): number {
    if (run.state !== 'running') return run.runningMs;
    const until = lostAt.value ?? now;
    return run.runningMs + Math.max(0, until - (receivedAt.value[run.runId] ?? until));
  }

  function setHostReachable(on: boolean): void {
    if (on === hostReachable.value) return;
    hostReachable.value = on;
    lostAt.value = on ? null : Date.now();
  }

  /** The state to show: a live run's state is unknown while the host cannot be reached. */
  function shownState(run: RunSummary): string {
    const live = run.state === 'starting' || run.state === 'running' || run.state === 'paused';
    return live && !hostReachable.value ? 'unknown' : run.state;
  }

  function select(runId: string): void {
    selectedId.value = runId;
  }

  function toggleCompare(runId: string, on: boolean): void {
    const rest = compareIds.value.filter((id) => id !== runId);
    compareIds.value = on ? [...rest, runId] : rest;
  }

  /**
   * Remove, with a moment to change one's mind: the run leaves the list (and the comparison) at
   * once, and the host is told after UNDO_MS unless `undoRemove` came first.
   */
  const removing = ref<string[]>([]);
  const removeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const listed = computed(() => runs.value.filter((r) => !removing.value.includes(r.runId)));
  function removeLater(runId: string, remove: (runId: string) => void): void {
    if (removeTimers.has(runId)) return;
    removing.value = [...removing.value, runId];
    compareIds.value = compareIds.value.filter((id) => id !== runId);
    if (selectedId.value === runId) selectedId.value = null;
    removeTimers.set(
      runId,
      setTimeout(() => {
        removeTimers.delete(runId);
        removing.value = removing.value.filter((id) => id !== runId);
        remove(runId);
      }, UNDO_MS),
    );
  }
  function undoRemove(runId: string): void {
    const timer = removeTimers.get(runId);
    if (timer === undefined) return;
    clearTimeout(timer);
    removeTimers.delete(runId);
    removing.value = removing.value.filter((id) => id !== runId);
  }

  return {
    runs,
    listed,
    removing,
    removeLater,
    undoRemove,
    labels,
    label,
    paramsText,
    hostReachable,
    setHostReachable,
    shownState,
    selectedId,
    compareIds,
    selected,
    compared,
    setRuns,
    upsert,
    progress,
    elapsedMs,
    select,
    toggleCompare,
  };
});
