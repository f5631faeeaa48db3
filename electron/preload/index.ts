/**
 * Preload: exposes exactly the typed bridge on `window.arenascope`, nothing else (never
 * `ipcRenderer` itself, so the page cannot reach arbitrary channels). Requests go to main with
 * `ipcRenderer.invoke` on one channel, in the envelope of shared/protocol/bridge-messages.ts;
 * events come back on another. Main validates every request and checks that it came from our
 * window's top frame.
 *
 * It runs sandboxed, where only `require('electron')` works; the build therefore bundles it,
 * shared/ included, into one CommonJS file (see electron.vite.config.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, PROTOCOL_VERSION, type BridgeEvent } from '../../shared/protocol/bridge';
import { createBridgeClient } from '../../shared/protocol/bridge-client';
import { BRIDGE_CHANNELS, type BridgeResponse } from '../../shared/protocol/bridge-messages';

const listeners = new Set<(event: BridgeEvent) => void>();
// One IPC listener for all subscribers: the page's callbacks never see the IpcRendererEvent (it
// carries `sender`, an ipcRenderer).
ipcRenderer.on(BRIDGE_CHANNELS.event, (_event: IpcRendererEvent, payload: { event: BridgeEvent }) => {
  for (const listener of [...listeners]) {
    try {
      listener(payload.event);
    } catch (error) {
      console.error('arenascope: a bridge event listener threw:', error);
    }
  }
});

const bridge = createBridgeClient(
  {
    request: (request) => ipcRenderer.invoke(BRIDGE_CHANNELS.request, request) as Promise<BridgeResponse>,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  },
  PROTOCOL_VERSION,
);

// contextBridge copies the object: its functions become proxies into this isolated world.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
