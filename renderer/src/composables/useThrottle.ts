/**
 * Runs `fn` at most once per `ms`: the first call at once, later ones folded into one trailing call.
 * Live runs announce samples many times a second; the views redraw at most 1000/ms times.
 */
import { onBeforeUnmount } from 'vue';

export function throttle(fn: () => void, ms: number): { schedule: () => void; cancel: () => void } {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  function run(): void {
    timer = null;
    last = Date.now();
    fn();
  }
  return {
    schedule() {
      if (timer !== null) return;
      const wait = last + ms - Date.now();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** Runs `fn` once calls have stopped for `ms` (each call restarts the wait). */
export function debounce(fn: () => void, ms: number): { schedule: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    schedule() {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        fn();
      }, ms);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** `debounce` cancelled with the component. */
export function useDebounce(fn: () => void, ms: number): { schedule: () => void; cancel: () => void } {
  const d = debounce(fn, ms);
  onBeforeUnmount(d.cancel);
  return d;
}

/** `throttle` cancelled with the component. */
export function useThrottle(fn: () => void, ms: number): () => void {
  const t = throttle(fn, ms);
  onBeforeUnmount(t.cancel);
  return t.schedule;
}
