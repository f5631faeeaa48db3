/**
 * Where the built pieces sit relative to the main bundle (out/main/): electron-vite writes
 * out/main, out/preload and out/renderer side by side, and the packaged app keeps that layout.
 */
import { join } from 'node:path';

export type RendererLocation = { readonly kind: 'url'; readonly url: string } | { readonly kind: 'file'; readonly path: string };

/** The sandboxed preload, built as CommonJS (sandboxed preloads cannot be ES modules). */
export function preloadPath(mainDir: string): string {
  return join(mainDir, '..', 'preload', 'index.cjs');
}

/**
 * The dev server while developing (`electron-vite dev` passes its URL), the built file otherwise.
 * The caller passes no URL when packaged, so a stray environment variable cannot point a shipped
 * app at some server; and even in development only a server on this machine is accepted, so the
 * window never shows remote content.
 */
export function rendererLocation(devServerUrl: string | undefined, mainDir: string): RendererLocation {
  if (devServerUrl) {
    if (!isLoopbackHttpUrl(devServerUrl)) {
      throw new Error(`ELECTRON_RENDERER_URL must be an http(s) URL on this machine (localhost, 127.0.0.1, [::1]), not ${devServerUrl}`);
    }
    return { kind: 'url', url: devServerUrl };
  }
  return { kind: 'file', path: join(mainDir, '..', 'renderer', 'index.html') };
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An http(s) URL served from this machine (the dev server's). */
export function isLoopbackHttpUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOSTS.has(parsed.hostname) && parsed.username === '' && parsed.password === ''
  );
}
