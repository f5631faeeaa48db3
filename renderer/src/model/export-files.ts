/**
 * What the page does with an export the host rendered: base64 → bytes → a Blob, saved as a
 * download (Electron shows its save dialog; a browser its download bar) or put on the clipboard.
 */
import type { ExportedFile } from '../../../shared/protocol/bridge';

export function fileBytes(file: ExportedFile): Uint8Array<ArrayBuffer> {
  const bin = atob(file.base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function fileBlob(file: ExportedFile): Blob {
  return new Blob([fileBytes(file)], { type: file.mime });
}

/** Saves a file the way a page can: a temporary link with `download`, clicked. */
export function download(file: ExportedFile): void {
  const url = URL.createObjectURL(fileBlob(file));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken the blob by the next tick; give it a moment anyway.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Puts a PNG on the clipboard. `png` is a promise so that `clipboard.write` is called at once,
 * inside the click that asked for it (Chromium requires the user's gesture), while the host renders.
 */
export async function copyPng(png: Promise<Blob>): Promise<void> {
  if (typeof ClipboardItem === 'undefined' || !navigator.clipboard?.write) throw new Error('this window cannot write images to the clipboard');
  await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
}
