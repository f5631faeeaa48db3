/**
 * A drop target for one file (an upload field, the Open-session button): `dragging` while a file is
 * over it, and `dropped` to bind to `@drop.prevent`, which hands the first file on.
 */
import { ref, type Ref } from 'vue';

/** What a drop event carries that matters here (a DragEvent; structural, so tests need no DOM). */
export interface FileDropEvent {
  readonly dataTransfer: { readonly files: ArrayLike<File> } | null;
}

export function useFileDrop(onFile: (file: File | undefined) => void): { dragging: Ref<boolean>; dropped: (event: FileDropEvent) => void } {
  const dragging = ref(false);
  return {
    dragging,
    dropped(event: FileDropEvent): void {
      dragging.value = false;
      onFile(event.dataTransfer?.files[0]);
    },
  };
}

/** "uploading NAME: 42 %". */
export function uploadingText(name: string, sent: number, total: number): string {
  return `uploading ${name}: ${Math.round((100 * sent) / Math.max(1, total))} %`;
}
