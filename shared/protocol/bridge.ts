/**
 * The one object the renderer talks to: `window.arenascope`.
 *
 * The preload provides it in Electron; a WebSocket client will provide the same shape in a plain
 * browser (electron/serve). The renderer never learns which one it has, so everything it needs
 * must be expressible here. For now the bridge only carries the protocol version; the commands
 * and events arrive with the IPC protocol.
 */

/**
 * Bumped whenever a message or bridge member changes shape, so that a renderer, host and worker
 * built from different commits refuse to talk instead of misreading each other.
 */
export const PROTOCOL_VERSION = 1;

/** The global name the bridge is exposed under (`window[BRIDGE_GLOBAL]`). */
export const BRIDGE_GLOBAL = 'arenascope';

export interface Bridge {
  /** The `PROTOCOL_VERSION` the host side of this bridge was built with. */
  readonly protocolVersion: number;
}
