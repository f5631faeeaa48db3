/**
 * Electron main process: app lifecycle and the window. Thin on purpose: policy lives in the
 * small modules beside it, run orchestration in electron/host.
 */
import { app, BrowserWindow, session } from 'electron';
import workerEntryPath from '../worker/index?modulePath';
import { PROTOCOL_VERSION } from '../../shared/protocol/bridge';
import { ElectronLauncher } from '../host/electron-launcher';
import { RunManager } from '../host/run-manager';
import { probeWorker } from '../host/worker-probe';
import { denyAllPermissions, lockDownWebContents } from './lock-down';
import { preloadPath, rendererLocation } from './paths';
import { mainWindowOptions } from './window-options';

/** The bundle's own folder (out/main), where the other built pieces are found from. */
const mainDir = import.meta.dirname;

/** How long quitting waits for each worker to stop (then SIGTERM, then Electron's own kill). */
const QUIT_GRACE_MS = 1000;

let mainWindow: BrowserWindow | null = null;
/** Created once the app is ready (utility processes cannot start before). */
let runs: RunManager | null = null;

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath(mainDir)));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  const location = rendererLocation(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL, mainDir);
  const loading = location.kind === 'url' ? window.loadURL(location.url) : window.loadFile(location.path);
  loading.catch((error: unknown) => console.error('arenascope: the renderer failed to load:', error));
  return window;
}

function checkWorker(launcher: ElectronLauncher): void {
  probeWorker(launcher).then(
    (version) => {
      if (version !== PROTOCOL_VERSION) {
        console.error(`arenascope: worker speaks protocol ${version}, main speaks ${PROTOCOL_VERSION}`);
      }
    },
    (error: unknown) => console.error('arenascope: worker check failed:', error),
  );
}

function start(): void {
  // Every renderer is sandboxed, including any that a future feature forgets to configure.
  app.enableSandbox();

  // Locked down as soon as they exist, before any page can run.
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));

  // A second launch focuses the running window instead of starting a second app.
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // Desktop convention: closing the last window quits, except on macOS where the app stays.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Runs are stopped before the app goes, so each worker sends its final sample; quitting waits.
  app.on('will-quit', (event) => {
    const manager = runs;
    if (manager === null) return;
    runs = null;
    event.preventDefault();
    void manager.dispose().finally(() => app.quit());
  });

  app.whenReady().then(
    () => {
      denyAllPermissions(session.defaultSession);
      const launcher = new ElectronLauncher(workerEntryPath);
      runs = new RunManager(launcher, { graceMs: QUIT_GRACE_MS });
      mainWindow = createMainWindow();
      // macOS: clicking the dock icon with no window open reopens one.
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
      });
      checkWorker(launcher);
    },
    (error: unknown) => {
      console.error('arenascope: failed to start:', error);
      app.exit(1);
    },
  );
}

if (app.requestSingleInstanceLock()) {
  start();
} else {
  app.quit();
}
