/**
 * The width in CSS pixels of an element, kept current: windows are asked for at the chart's
 * width, one bucket per pixel.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import type { Ref } from 'vue';

export function useElementWidth(el: Ref<HTMLElement | null>, fallback = 800): Ref<number> {
  const width = ref(fallback);
  let observer: ResizeObserver | null = null;
  onMounted(() => {
    if (!el.value) return;
    width.value = Math.max(1, Math.round(el.value.clientWidth)) || fallback;
    observer = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      // Ignore collapse to 0 (hidden panel) and sub-bucket jitter, which would refetch for nothing.
      if (w > 0 && Math.abs(w - width.value) >= 8) width.value = w;
    });
    observer.observe(el.value);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return width;
}
