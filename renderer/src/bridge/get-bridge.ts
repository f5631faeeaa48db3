/**
 * Which bridge this page has: the preload's `window.arenascope` inside Electron, otherwise (a
 * browser served by `arenascope serve`) a WebSocket client to the same origin, authenticated with
 * the `?token=` the server printed in its URL. Read at the edge (main.ts) so nothing else touches
 * globals.
 */
import type { Bridge } from '../../../shared/protocol/bridge';
import { bridgeSocketUrl } from '../../../shared/protocol/bridge-client';
import type { LinkState } from '../model/link-state';
import { connectWsBridge } from './ws-bridge';

/**
 * undefined: no host to talk to (a plain page without a token); a rejection: the host refused us.
 * `onLink` hears the WebSocket's link changes (Electron's IPC has no link to lose).
 */
export async function getBridge(onLink?: (state: LinkState) => void): Promise<Bridge | undefined> {
  if (window.arenascope) return window.arenascope;
  const url = bridgeSocketUrl(window.location);
  const page = window.location.href;
  // The page's own URL answers 401 once the server restarted with another token.
  const probe = async (): Promise<'ok' | 'unauthorised' | 'unreachable'> => {
    const res = await fetch(page, { cache: 'no-store', credentials: 'omit' });
    return res.status === 401 ? 'unauthorised' : 'ok';
  };
  return url === null ? undefined : connectWsBridge({ url, probe, ...(onLink ? { onLink } : {}) });
}
