/**
 * The compare table's figures for the compared runs, refreshed (at most once a second) as they
 * progress.
 */
import { computed, ref } from 'vue';
import type { Ref } from 'vue';
import type { RunSummary } from '../../../shared/protocol/bridge';
import { compareRows, phaseColumns } from '../model/compare';
import type { CompareRow, RunFigures } from '../model/compare';
import { fetchRunFigures } from '../services/compare-figures';
import { currentBridge } from '../services/host';
import { useLatestFetch } from './useLatestFetch';

export function useCompareFigures(runs: () => RunSummary[]): { rows: Ref<CompareRow[]>; phases: Ref<string[]>; error: Ref<string | null> } {
  const figures = ref<RunFigures[]>([]);
  const error = useLatestFetch(
    // Which runs, and how far each has got: new samples change peak and final.
    () =>
      runs()
        .map((r) => `${r.runId}:${r.samples}:${r.state}`)
        .join(','),
    async () => {
      const bridge = currentBridge();
      return Promise.all(runs().map((r) => fetchRunFigures(bridge, r)));
    },
    (got) => (figures.value = got),
    1000,
  );
  return { rows: computed(() => compareRows(figures.value)), phases: computed(() => phaseColumns(figures.value)), error };
}
