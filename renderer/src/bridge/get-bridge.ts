/**
 * Which bridge this page has: the preload's `window.arenascope` inside Electron, otherwise (a
 * browser served by `arenascope serve`) a WebSocket client to the same origin, authenticated with
 * the `?token=` the server printed in its URL. Read at the edge (main.ts) so nothing else touches
 * globals.
 */
import type { Bridge } from '../../../shared/protocol/bridge';
import { bridgeSocketUrl } from '../../../shared/protocol/bridge-client';
import { connectWsBridge } from './ws-bridge';

/** undefined: no host to talk to (a plain page without a token); a rejection: the host refused us. */
export async function getBridge(): Promise<Bridge | undefined> {
  if (window.arenascope) return window.arenascope;
  const url = bridgeSocketUrl(window.location);
  return url === null ? undefined : connectWsBridge({ url });
}
