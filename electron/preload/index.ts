/**
 * Preload: exposes exactly the typed bridge on `window.arenascope`, nothing else (never
 * `ipcRenderer` itself, so the page cannot reach arbitrary channels).
 *
 * It runs sandboxed, where only `require('electron')` works; the build therefore bundles it,
 * shared/ included, into one CommonJS file (see electron.vite.config.ts).
 */
import { contextBridge } from 'electron';
import { BRIDGE_GLOBAL, PROTOCOL_VERSION } from '../../shared/protocol/bridge';
import type { Bridge } from '../../shared/protocol/bridge';

const bridge: Bridge = {
  protocolVersion: PROTOCOL_VERSION,
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
