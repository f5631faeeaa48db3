/**
 * Everything a page might try beyond showing our renderer is refused: navigating away, opening
 * windows, embedding webviews, asking for permissions (camera, notifications, ...). Arenascope
 * needs none of these, so the policy is "deny all" rather than an allow-list to maintain. The one
 * exception: a link to an allow-listed https page (external-links.ts) opens in the user's browser,
 * never in the app.
 *
 * Takes the Electron objects as parameters (type-only import) so tests can pass fakes.
 */
import type { Session, WebContents } from 'electron';
import { isAllowedExternalUrl } from './external-links';

export interface LockDownOptions {
  /** `shell.openExternal`; called only with allow-listed URLs. */
  openExternal?: (url: string) => Promise<void> | void;
  log?: (line: string) => void;
}

/** The parts of WebContents the lock-down uses (WebContents fits). */
export type LockableContents = Pick<WebContents, 'setWindowOpenHandler' | 'on'>;

export function lockDownWebContents(contents: LockableContents, { openExternal, log }: LockDownOptions = {}): void {
  const leave = (url: string): void => {
    if (openExternal === undefined || !isAllowedExternalUrl(url)) {
      log?.(`arenascope: refused to open ${url.slice(0, 200)}`);
      return;
    }
    void Promise.resolve(openExternal(url)).catch((error: unknown) => log?.(`arenascope: cannot open ${url}: ${String(error)}`));
  };
  // window.open, target=_blank, middle-click: never a new Electron window.
  contents.setWindowOpenHandler(({ url }) => {
    leave(url);
    return { action: 'deny' };
  });
  // 'will-navigate' covers the top frame, 'will-frame-navigate' every frame; a reload (Vite's
  // full-page reload in development) is neither, so development still works.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    leave(url);
  });
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * The one permission the page may use: writing a sanitized image or text to the clipboard ("Copy
 * chart as PNG"). Reading the clipboard, and everything else, stays refused.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)));
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
  session.setDevicePermissionHandler(() => false);
}
