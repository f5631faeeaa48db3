/**
 * Where the built pieces sit relative to the main bundle (out/main/): electron-vite writes
 * out/main, out/preload and out/renderer side by side, and the packaged app keeps that layout.
 */
import { join } from 'node:path';

export type RendererLocation =
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'file'; readonly path: string };

/** The sandboxed preload, built as CommonJS (sandboxed preloads cannot be ES modules). */
export function preloadPath(mainDir: string): string {
  return join(mainDir, '..', 'preload', 'index.cjs');
}

/**
 * The dev server while developing (`electron-vite dev` passes its URL), the built file otherwise.
 * The caller passes no URL when packaged, so a stray environment variable cannot point a shipped
 * app at some server.
 */
export function rendererLocation(devServerUrl: string | undefined, mainDir: string): RendererLocation {
  if (devServerUrl) return { kind: 'url', url: devServerUrl };
  return { kind: 'file', path: join(mainDir, '..', 'renderer', 'index.html') };
}
