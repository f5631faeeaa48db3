/**
 * The one object the renderer talks to: `window.arenascope`.
 *
 * The preload provides it in Electron; a WebSocket client will provide the same shape in a plain
 * browser (electron/serve). The renderer never learns which one it has, so everything it needs
 * must be expressible here. For now the bridge only carries the protocol version; the commands
 * and events arrive with the IPC protocol.
 */

import { PROTOCOL_VERSION } from './version';

export { PROTOCOL_VERSION };

/** The global name the bridge is exposed under (`window[BRIDGE_GLOBAL]`). */
export const BRIDGE_GLOBAL = 'arenascope';

export interface Bridge {
  /** The `PROTOCOL_VERSION` the host side of this bridge was built with. */
  readonly protocolVersion: number;
}
