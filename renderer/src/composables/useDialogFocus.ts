/**
 * A modal dialog's keyboard manners: when it opens, focus moves into it (its element, or the first
 * field it names); Esc closes it; when it closes, focus goes back where it was.
 */
import { nextTick, onBeforeUnmount, watch } from 'vue';
import type { Ref } from 'vue';

export function useDialogFocus(open: Ref<boolean>, dialog: Ref<HTMLElement | null>, close: () => void): void {
  let before: Element | null = null;
  function keydown(e: KeyboardEvent): void {
    if (e.key !== 'Escape' || !open.value) return;
    e.preventDefault();
    close();
  }
  watch(
    open,
    async (isOpen) => {
      if (isOpen) {
        before = document.activeElement;
        window.addEventListener('keydown', keydown);
        await nextTick();
        const el = dialog.value;
        (el?.querySelector<HTMLElement>('[autofocus]') ?? el)?.focus();
      } else {
        window.removeEventListener('keydown', keydown);
        if (before instanceof HTMLElement) before.focus();
        before = null;
      }
    },
    { immediate: true },
  );
  onBeforeUnmount(() => window.removeEventListener('keydown', keydown));
}
