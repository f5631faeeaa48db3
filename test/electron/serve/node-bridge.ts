// The browser's bridge client (renderer/src/bridge/ws-bridge.ts), spoken from Node over the `ws`
// package: what the serve tests drive the server with, so they exercise the page's real client.
import { WebSocket } from 'ws';
import { connectWsBridge, type SocketLike, type WsBridge } from '../../../renderer/src/bridge/ws-bridge';

/** Connects to `url` (a serve bridge URL with its token); `socket` is the first socket opened. */
export async function connectNodeBridge(url: string, options: { origin?: string } = {}): Promise<{ bridge: WsBridge; socket: WebSocket }> {
  let first: WebSocket | null = null;
  const bridge = await connectWsBridge({
    url,
    createSocket: (u) => {
      const ws = new WebSocket(u, options.origin ? { origin: options.origin } : {});
      first ??= ws;
      return ws as unknown as SocketLike;
    },
  });
  return { bridge, socket: first! };
}
