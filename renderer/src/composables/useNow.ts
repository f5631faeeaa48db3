/**
 * The time, refreshed every `ms` while the component lives: for figures that grow between the
 * host's updates (a running run's elapsed time).
 */
import { onBeforeUnmount, ref } from 'vue';
import type { Ref } from 'vue';

export function useNow(ms = 1000): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), ms);
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
