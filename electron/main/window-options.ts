/**
 * The main window's construction options. Pure data, so a test can pin the security settings
 * without an Electron binary.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    title: 'Arenascope',
    // Shown on 'ready-to-show', so the user never sees an empty white frame.
    show: false,
    webPreferences: {
      preload: preloadPath,
      // The renderer gets the bridge and nothing else: no Node, its own JavaScript world, an
      // OS-level sandbox, and the same-origin policy. Each is Electron's default today; they are
      // spelled out so that a default changing, or a careless edit, shows up in review and tests.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      spellcheck: false,
    },
  };
}
