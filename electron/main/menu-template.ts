/**
 * The application menu as data: a pure function of the platform and the handlers, so a test can
 * pin labels and accelerators without Electron (only types are imported). Items the page handles
 * become `menu` bridge events; opening and saving sessions stay in main (native dialogs); zoom,
 * full screen, editing and quitting are Electron's roles.
 */
import { acceleratorOf } from '../../shared/protocol/shortcuts';
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../../shared/protocol/bridge';

export interface MenuHandlers {
  /** An item the page acts on: sent to it as `{ type: 'menu', action }`. */
  action(action: MenuAction): void;
  openSession(): void;
  saveSessionAs(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Offer the developer tools (not in a packaged app). */
  devTools: boolean;
  handlers: MenuHandlers;
}

export function buildMenuTemplate({ platform, appName, devTools, handlers }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const act = (action: MenuAction) => () => handlers.action(action);
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'new-run', label: 'New Run…', accelerator: acceleratorOf('new-run'), click: act('new-run') },
      { id: 'profile-program', label: 'Profile a Python Program…', click: act('profile-program') },
      sep,
      { id: 'open-session', label: 'Open Session…', accelerator: acceleratorOf('open-session'), click: () => handlers.openSession() },
      { id: 'save-session', label: 'Save Session As…', accelerator: acceleratorOf('save-session'), click: () => handlers.saveSessionAs() },
      { id: 'export', label: 'Export…', accelerator: acceleratorOf('export'), click: act('export') },
      // On macOS, Quit lives in the application menu; Close Window is the File menu's last item.
      ...(mac ? [sep, { role: 'close' } as const] : [sep, { id: 'quit', label: 'Quit', role: 'quit', accelerator: 'CmdOrCtrl+Q' } as const]),
    ],
  };

  // Without an Edit menu, macOS gives text fields no copy and paste shortcuts.
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };

  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      {
        id: 'theme',
        label: 'Theme',
        submenu: [
          { id: 'theme-system', label: 'System', type: 'radio', checked: true, click: act('theme-system') },
          { id: 'theme-light', label: 'Light', type: 'radio', click: act('theme-light') },
          { id: 'theme-dark', label: 'Dark', type: 'radio', click: act('theme-dark') },
        ],
      },
      sep,
      { id: 'toggle-run-list', label: 'Toggle Run List', accelerator: acceleratorOf('toggle-run-list'), click: act('toggle-run-list') },
      { id: 'toggle-detail', label: 'Toggle Detail Panel', accelerator: acceleratorOf('toggle-detail'), click: act('toggle-detail') },
      sep,
      { id: 'zoom-in', label: 'Zoom In', role: 'zoomIn', accelerator: 'CmdOrCtrl+Plus' },
      { id: 'zoom-out', label: 'Zoom Out', role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
      { id: 'zoom-reset', label: 'Actual Size', role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
      sep,
      { role: 'togglefullscreen' },
      ...(devTools ? [sep, { role: 'reload' } as const, { role: 'toggleDevTools' } as const] : []),
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    label: '&Help',
    submenu: [
      { id: 'metric-definitions', label: 'Metric Definitions', accelerator: acceleratorOf('metric-definitions'), click: act('metric-definitions') },
      ...(mac ? [] : [sep, { id: 'about', label: `About ${appName}`, click: act('about') }]),
    ],
  };

  const appMenu: MenuItemConstructorOptions = {
    label: appName,
    submenu: [
      { id: 'about', label: `About ${appName}`, click: act('about') },
      sep,
      { role: 'services' },
      sep,
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      sep,
      { id: 'quit', label: `Quit ${appName}`, role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };

  return mac ? [appMenu, file, edit, view, { role: 'windowMenu' }, help] : [file, edit, view, help];
}
