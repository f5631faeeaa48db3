/**
 * A view's figures fetched from the host again (at most once per `ms`) as what they depend on
 * changes. Only the answer to the latest request counts: an answer or a failure that arrives after a
 * newer request was made is dropped, so a slow reply never overwrites a newer one.
 */
import { ref, watch } from 'vue';
import type { Ref, WatchSource } from 'vue';
import { errorMessage } from '../services/host';
import { useThrottle } from './useThrottle';

/** `fetch` wrapped so that only the latest call's outcome reaches `settle` (a value, or an error). */
export function latestOnly<T>(fetch: () => Promise<T>, settle: (outcome: { value: T } | { error: unknown }) => void): () => Promise<void> {
  let generation = 0;
  return async () => {
    const mine = ++generation;
    try {
      const value = await fetch();
      if (mine === generation) settle({ value });
    } catch (error) {
      if (mine === generation) settle({ error });
    }
  };
}

/** Calls `fetch` when `source` changes (and once at once); `apply` gets the latest value. The error message of the latest failed fetch, null once one succeeds. */
export function useLatestFetch<T>(source: WatchSource, fetch: () => Promise<T>, apply: (value: T) => void, ms: number): Ref<string | null> {
  const error = ref<string | null>(null);
  const load = latestOnly(fetch, (outcome) => {
    if ('error' in outcome) {
      error.value = errorMessage(outcome.error);
      return;
    }
    apply(outcome.value);
    error.value = null;
  });
  const schedule = useThrottle(() => void load(), ms);
  watch(source, schedule, { deep: true, immediate: true });
  return error;
}
