/**
 * The keyboard shortcuts, once: the app's menu takes its accelerators from here (Electron's
 * accelerator syntax), and the page in a browser binds the same keys itself (a browser has no
 * application menu) and lists them in its Help. Some keys belong to the browser (Ctrl+N opens a
 * window, Ctrl+T a tab): those shortcuts carry a `browserKeys` the page uses instead.
 */
import type { MenuAction } from './bridge';

/** What a shortcut does: a menu action, or a session file action (native dialogs in the app). */
export type ShortcutAction = MenuAction | 'open-session' | 'save-session';

export interface Shortcut {
  action: ShortcutAction;
  /** Electron accelerator: `CmdOrCtrl+Shift+D`, `F1`. */
  keys: string;
  /** The keys a browser page uses, where the browser keeps `keys` for itself. */
  browserKeys?: string;
  /** What it does, for Help. */
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'new-run', keys: 'CmdOrCtrl+N', browserKeys: 'Alt+N', label: 'New run: go to the run form' },
  { action: 'open-session', keys: 'CmdOrCtrl+O', label: 'Open a session file' },
  { action: 'save-session', keys: 'CmdOrCtrl+S', label: 'Save the session (in a browser: download it)' },
  { action: 'export', keys: 'CmdOrCtrl+E', label: 'Export charts, samples and a report' },
  { action: 'toggle-run-list', keys: 'CmdOrCtrl+B', label: 'Show or hide the run form and list' },
  { action: 'toggle-detail', keys: 'CmdOrCtrl+Shift+D', label: 'Show or hide the detail panel' },
  { action: 'metric-definitions', keys: 'F1', label: 'Metric definitions' },
  { action: 'about', keys: 'Shift+?', label: 'Help: these shortcuts, and about Arenascope' },
];

export function acceleratorOf(action: ShortcutAction): string | undefined {
  return SHORTCUTS.find((s) => s.action === action)?.keys;
}

/** The parts of a keyboard event a shortcut looks at (the DOM's KeyboardEvent has them). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** Whether a key press is `keys` (an accelerator); CmdOrCtrl is ⌘ on a Mac, Ctrl elsewhere. */
export function matchesKeys(keys: string, press: KeyPress, mac: boolean): boolean {
  const parts = keys.split('+');
  const key = parts.pop()!;
  const want = { ctrl: false, meta: false, shift: false, alt: false };
  for (const m of parts) {
    if (m === 'CmdOrCtrl') want[mac ? 'meta' : 'ctrl'] = true;
    else if (m === 'Ctrl') want.ctrl = true;
    else if (m === 'Cmd') want.meta = true;
    else if (m === 'Shift') want.shift = true;
    else if (m === 'Alt') want.alt = true;
  }
  // A printed key ('?') already says which shift it needs; letters compare without case.
  const printed = key.length === 1 && !/[a-z0-9]/i.test(key);
  const sameKey = key.length === 1 ? press.key.toLowerCase() === key.toLowerCase() : press.key === key;
  return sameKey && press.ctrlKey === want.ctrl && press.metaKey === want.meta && press.altKey === want.alt && (printed || press.shiftKey === want.shift);
}

/** The shortcut a browser page acts on for a key press, if any. */
export function browserShortcut(press: KeyPress, mac: boolean): Shortcut | undefined {
  return SHORTCUTS.find((s) => matchesKeys(s.browserKeys ?? s.keys, press, mac));
}

/** An accelerator as Help writes it: "Ctrl+Shift+D", or "⌘⇧D" on a Mac. */
export function keysText(keys: string, mac: boolean): string {
  if (!mac) return keys.replace('CmdOrCtrl', 'Ctrl');
  return keys.replace('CmdOrCtrl+', '⌘').replace('Shift+', '⇧').replace('Alt+', '⌥');
}
