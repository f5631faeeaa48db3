// The main window's security settings, pinned.
import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../../../electron/main/window-options';

describe('main window options', () => {
  it('isolates and sandboxes the renderer, with our preload only', () => {
    const options = mainWindowOptions('/app/out/preload/index.cjs');
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});
