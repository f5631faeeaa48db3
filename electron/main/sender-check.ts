/**
 * Is an IPC message really from our window? Main runs this before acting on any message
 * (docs/architecture.md, IPC rules): the sender must be our window's web contents, the message
 * must come from its top frame (not an iframe), and that frame must still show our page.
 *
 * Typed structurally so tests need no Electron; `IpcMainEvent` and `IpcMainInvokeEvent` fit.
 */

export interface SenderFrameLike {
  readonly url: string;
  /** `null` for a top frame. */
  readonly parent: unknown;
}

export interface IpcEventLike {
  readonly sender: { readonly id: number };
  /** `null` once the frame has navigated away or been destroyed. */
  readonly senderFrame: SenderFrameLike | null;
}

export interface TrustedRenderer {
  /** `webContents.id` of our window. */
  readonly webContentsId: number;
  /** The URL our page was loaded from: the dev server's, or the built index.html's file URL. */
  readonly appUrl: string;
}

/**
 * Same document as the app: for a file URL, the same file (query and hash ignored); for the dev
 * server, the same origin (the path changes as Vite serves modules, the origin does not).
 */
export function isAppUrl(candidate: string, appUrl: string): boolean {
  let url: URL;
  let app: URL;
  try {
    url = new URL(candidate);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') {
    // A file URL's origin is opaque ("null"), so compare the file itself.
    return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  }
  return url.origin === app.origin;
}

export function isTrustedSender(event: IpcEventLike, trusted: TrustedRenderer): boolean {
  const frame = event.senderFrame;
  return event.sender.id === trusted.webContentsId && frame !== null && frame.parent === null && isAppUrl(frame.url, trusted.appUrl);
}
