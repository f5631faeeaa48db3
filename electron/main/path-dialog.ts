/**
 * The native dialog behind bridge.choosePath: the program dialog's Browse buttons. In main, as the
 * session dialogs are (session-dialogs.ts): the page asks for a path and gets one back, and whatever
 * it is, the host then checks it as it checks a typed one.
 */
import { type BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import { dirname } from 'node:path';
import type { PathPurpose } from '../../shared/protocol/program-request';

const OPTIONS: Readonly<Record<PathPurpose, OpenDialogOptions>> = {
  interpreter: { title: 'Choose a Python interpreter', properties: ['openFile', 'showHiddenFiles'] },
  script: {
    title: 'Choose the Python script to profile',
    properties: ['openFile'],
    filters: [
      { name: 'Python scripts', extensions: ['py'] },
      { name: 'All files', extensions: ['*'] },
    ],
  },
  folder: { title: 'Choose the working folder', properties: ['openDirectory'] },
};

export async function choosePathDialog(window: BrowserWindow | null, purpose: PathPurpose, current: string | undefined): Promise<string | null> {
  const base = OPTIONS[purpose];
  // Open where the field points (its folder for a file), when it names one.
  const at = current !== undefined && current.trim() !== '' ? (purpose === 'folder' ? current : dirname(current)) : undefined;
  const options: OpenDialogOptions = at !== undefined ? { ...base, defaultPath: at } : base;
  const chosen = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
}
