/**
 * The bridge over Electron IPC, main's side: one `handle` for every request, checked twice before
 * the host sees it — the sender must be our window's top frame showing our page (sender-check.ts),
 * and the payload must be a valid request (bridge-messages.ts, through bridge-dispatch.ts) — and
 * the host's events forwarded to the window. Electron objects come in as parameters (types only),
 * so this module stays testable without the binary.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Bridge } from '../../shared/protocol/bridge';
import { BRIDGE_CHANNELS, type BridgeResponse } from '../../shared/protocol/bridge-messages';
import { handleBridgeRequest } from '../host/bridge-dispatch';
import { isTrustedSender, type TrustedRenderer } from './sender-check';

/** Registers the request handler; returns the function that removes it. */
export function registerBridgeIpc(ipcMain: IpcMain, host: Bridge, trusted: () => TrustedRenderer | null, log: (line: string) => void): () => void {
  ipcMain.handle(BRIDGE_CHANNELS.request, async (event: IpcMainInvokeEvent, raw: unknown): Promise<BridgeResponse> => {
    const renderer = trusted();
    if (renderer === null || !isTrustedSender(event, renderer)) {
      log(`arenascope: refused a bridge request from web contents ${event.sender.id} (${event.senderFrame?.url ?? 'no frame'}): not our window's page`);
      return { id: null, ok: false, error: 'refused: not the application window' };
    }
    return handleBridgeRequest(host, raw, log);
  });
  return () => ipcMain.removeHandler(BRIDGE_CHANNELS.request);
}

/** Sends the host's events to a window's page until it goes away; returns the unsubscribe function. */
export function forwardEvents(host: Bridge, contents: WebContents): () => void {
  const unsubscribe = host.subscribe((event) => {
    if (!contents.isDestroyed()) contents.send(BRIDGE_CHANNELS.event, { event });
  });
  contents.once('destroyed', unsubscribe);
  return unsubscribe;
}
