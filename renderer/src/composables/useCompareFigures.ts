/**
 * The compare table's figures for the compared runs, refreshed (at most once a second) as they
 * progress.
 */
import { computed, ref, watch } from 'vue';
import type { Ref } from 'vue';
import type { RunSummary } from '../../../shared/protocol/bridge';
import { compareRows, phaseColumns } from '../model/compare';
import type { CompareRow, RunFigures } from '../model/compare';
import { fetchRunFigures } from '../services/compare-figures';
import { currentBridge, errorMessage } from '../services/host';
import { useThrottle } from './useThrottle';

export function useCompareFigures(runs: () => RunSummary[]): { rows: Ref<CompareRow[]>; phases: Ref<string[]>; error: Ref<string | null> } {
  const figures = ref<RunFigures[]>([]);
  const error = ref<string | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const list = runs();
    const mine = ++generation;
    try {
      const bridge = currentBridge();
      const got = await Promise.all(list.map((r) => fetchRunFigures(bridge, r)));
      if (mine !== generation) return;
      figures.value = got;
      error.value = null;
    } catch (e) {
      if (mine === generation) error.value = errorMessage(e);
    }
  }

  const schedule = useThrottle(() => void load(), 1000);
  // Which runs, and how far each has got: new samples change peak and final.
  watch(() => runs().map((r) => `${r.runId}:${r.samples}:${r.state}`).join(','), schedule, { immediate: true });
  return { rows: computed(() => compareRows(figures.value)), phases: computed(() => phaseColumns(figures.value)), error };
}
