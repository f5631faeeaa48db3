/**
 * Electron main process: app lifecycle and the window. Thin on purpose: policy lives in the
 * small modules beside it, run orchestration in electron/host.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, session, shell } from 'electron';
import workerEntryPath from '../worker/index?modulePath';
import { type MenuAction, PROTOCOL_VERSION } from '../../shared/protocol/bridge';
import { BRIDGE_CHANNELS } from '../../shared/protocol/bridge-messages';
import { AppHost } from '../host/app-host';
import { ElectronLauncher } from '../host/workers/electron-launcher';
import { probeWorker } from '../host/workers/worker-probe';
import { forwardEvents, registerBridgeIpc } from './bridge-ipc';
import { denyAllPermissions, lockDownWebContents } from './lock-down';
import { buildMenuTemplate } from './menu-template';
import { filesFromArgv, OpenQueue, openFiles } from './open-files';
import { preloadPath, rendererLocation } from './paths';
import type { TrustedRenderer } from './sender-check';
import { choosePathDialog } from './path-dialog';
import { openSessionDialog, saveSessionDialog } from './session-dialogs';
import { mainWindowOptions } from './window-options';

/** The bundle's own folder (out/main), where the other built pieces are found from. */
const mainDir = import.meta.dirname;

/** How long quitting waits for each worker to stop (then SIGTERM, then Electron's own kill). */
const QUIT_GRACE_MS = 1000;

let mainWindow: BrowserWindow | null = null;
/** Created once the app is ready (utility processes cannot start before). */
let host: AppHost | null = null;
/** The window whose page may use the bridge, and the page it must show. */
let trusted: TrustedRenderer | null = null;
/** Files the OS asked us to open (command line, second launch, macOS open-file), waiting for the page. */
const toOpen = new OpenQueue();

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function createMainWindow(appHost: AppHost): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath(mainDir)));
  window.once('ready-to-show', () => window.show());
  const location = rendererLocation(app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL, mainDir);
  const appUrl = location.kind === 'url' ? location.url : pathToFileURL(location.path).href;
  const contentsId = window.webContents.id;
  trusted = { webContentsId: contentsId, appUrl };
  forwardEvents(appHost, window.webContents);
  // Files to open wait until the page can show what becomes of them (runs, notices).
  window.webContents.on('did-finish-load', () => toOpen.attach((paths) => void openFiles(paths, appHost)));
  window.on('closed', () => {
    mainWindow = null;
    toOpen.detach();
    if (trusted?.webContentsId === contentsId) trusted = null;
  });
  const loading = location.kind === 'url' ? window.loadURL(location.url) : window.loadFile(location.path);
  loading.catch((error: unknown) => console.error('arenascope: the renderer failed to load:', error));
  return window;
}

/** Brings the window forward, or opens one (macOS keeps running without any). */
function showWindow(): void {
  if (mainWindow === null) {
    if (host !== null && app.isReady()) mainWindow = createMainWindow(host);
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

/** A menu item for the page: sent as a bridge `menu` event to the window. */
function sendMenuAction(action: MenuAction): void {
  const contents = mainWindow?.webContents;
  if (contents && !contents.isDestroyed()) contents.send(BRIDGE_CHANNELS.event, { event: { type: 'menu', action } });
}

function installMenu(appHost: AppHost): void {
  const template = buildMenuTemplate({
    platform: process.platform,
    appName: app.getName(),
    devTools: !app.isPackaged,
    handlers: {
      action: sendMenuAction,
      openSession: () => void openSessionDialog(mainWindow, appHost),
      saveSessionAs: () => void saveSessionDialog(mainWindow, appHost),
    },
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
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

  // Locked down as soon as they exist, before any page can run. Links open in the browser only
  // when allow-listed (external-links.ts).
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, { openExternal: (url) => shell.openExternal(url), log }));

  // Files named on our own command line (a file association on Windows and Linux).
  toOpen.add(filesFromArgv(process.argv, { cwd: process.cwd(), defaultApp: process.defaultApp }));

  // macOS hands files over in 'open-file', possibly before 'ready': listen from the start.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    toOpen.add([path]);
    showWindow();
  });

  // A second launch focuses the running window instead of starting a second app, and the files
  // it was asked to open are opened here.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    toOpen.add(filesFromArgv(argv, { cwd: workingDirectory, defaultApp: process.defaultApp }));
    showWindow();
  });

  // Desktop convention: closing the last window quits, except on macOS where the app stays.
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Runs are stopped before the app goes, so each worker sends its final sample and the autosave
  // file is closed; quitting waits.
  app.on('will-quit', (event) => {
    const appHost = host;
    if (appHost === null) return;
    host = null;
    event.preventDefault();
    void appHost.dispose().finally(() => app.quit());
  });

  app.whenReady().then(
    () => {
      denyAllPermissions(session.defaultSession);
      const launcher = new ElectronLauncher(workerEntryPath);
      const appHost = new AppHost({
        launcher,
        graceMs: QUIT_GRACE_MS,
        autosaveDir: join(app.getPath('userData'), 'sessions'),
        app: `${app.getName()} ${app.getVersion()}`,
        log,
        choosePath: (purpose, current) => choosePathDialog(mainWindow, purpose, current),
      });
      host = appHost;
      registerBridgeIpc(ipcMain, appHost, () => trusted, log);
      installMenu(appHost);
      mainWindow = createMainWindow(appHost);
      // macOS: clicking the dock icon with no window open reopens one.
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow(appHost);
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
