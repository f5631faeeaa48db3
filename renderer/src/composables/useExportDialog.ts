/**
 * Whether the export dialog is open: one flag for the whole page, set by File → Export… (the
 * `menu` event), the header's Export button, and the dialog's own Close.
 */
import { ref } from 'vue';

const open = ref(false);

export function useExportDialog(): { open: typeof open; show: () => void; hide: () => void } {
  return { open, show: () => (open.value = true), hide: () => (open.value = false) };
}
