/**
 * File ▸ Open Session… and Save Session As…: native dialogs in main (the page never handles
 * paths), the outcome told to the page as a notice (and, for open, a `runs` event from the host).
 */
import { type BrowserWindow, dialog } from 'electron';
import type { AppHost } from '../host/app-host';
import { errorMessage } from '../../shared/errors';

const FILTERS = [
  { name: 'Arenascope sessions', extensions: ['gz', 'arenascope'] },
  { name: 'All files', extensions: ['*'] },
];

export async function openSessionDialog(window: BrowserWindow | null, host: AppHost): Promise<void> {
  const options = { title: 'Open Session', filters: FILTERS, properties: ['openFile' as const] };
  const chosen = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  const path = chosen.filePaths[0];
  if (chosen.canceled || path === undefined) return;
  try {
    await host.openSession(path);
  } catch (error) {
    host.notify('error', `cannot open ${path}: ${errorMessage(error)}`);
  }
}

export async function saveSessionDialog(window: BrowserWindow | null, host: AppHost): Promise<void> {
  const options = { title: 'Save Session As', defaultPath: 'session.arenascope.gz', filters: FILTERS };
  const chosen = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
  if (chosen.canceled || !chosen.filePath) return;
  try {
    await host.saveSession(chosen.filePath);
    host.notify('info', `saved ${chosen.filePath}`);
  } catch (error) {
    host.notify('error', `cannot save ${chosen.filePath}: ${errorMessage(error)}`);
  }
}
