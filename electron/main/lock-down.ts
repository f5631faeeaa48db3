/**
 * Everything a page might try beyond showing our renderer is refused: navigating away, opening
 * windows, embedding webviews, asking for permissions (camera, notifications, ...). Arenascope
 * needs none of these, so the policy is "deny all" rather than an allow-list to maintain.
 *
 * Takes the Electron objects as parameters (type-only import) so tests can pass fakes.
 */
import type { Session, WebContents } from 'electron';

export function lockDownWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // 'will-navigate' covers the top frame, 'will-frame-navigate' every frame; a reload (Vite's
  // full-page reload in development) is neither, so development still works.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
