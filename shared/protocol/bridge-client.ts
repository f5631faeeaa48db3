/**
 * The page's side of the bridge over any transport that carries the envelope of
 * bridge-messages.ts: the preload's IPC (one `invoke` per request) and the browser's WebSocket
 * (requests and responses matched by id). Pure: no DOM, no Electron; the transport is handed in.
 */
import type { Bridge, BridgeEvent, ExportRequest, RunCommand, WindowQuery } from './bridge';
import {
  BRIDGE_SOCKET_PATH,
  type BridgeMethod,
  type BridgeParams,
  type BridgeRequest,
  type BridgeResponse,
  type BridgeResult,
  classifyHostMessage,
  TOKEN_PARAM,
  wireNumber,
} from './bridge-messages';
import type { RunConfig } from './run-config';

export interface BridgeTransport {
  /** Delivers one request and resolves with its response envelope. */
  request(request: BridgeRequest): Promise<BridgeResponse>;
  /** Every event the host sends; returns the unsubscribe function. */
  subscribe(listener: (event: BridgeEvent) => void): () => void;
}

/** The host refused or failed a request; `message` says why (naming the field when it was the input). */
export class BridgeRequestError extends Error {
  constructor(
    readonly method: string,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeRequestError';
  }
}

export function createBridgeClient(transport: BridgeTransport, protocolVersion: number): Bridge {
  let nextId = 1;
  const call = async <M extends BridgeMethod>(method: M, params: BridgeParams[M]): Promise<BridgeResult<M>> => {
    const id = nextId++;
    const response = await transport.request({ id, method, params } as BridgeRequest);
    if (!response.ok) throw new BridgeRequestError(method, response.error);
    return response.result as BridgeResult<M>;
  };
  return {
    protocolVersion,
    versions: () => call('versions', {}),
    workloads: () => call('workloads', {}),
    interpreters: () => call('interpreters', {}),
    runs: () => call('runs', {}),
    startRun: (config: RunConfig) => call('startRun', { config }),
    command: (runId: string, command: RunCommand) => call('command', { runId, command }),
    window: (query: WindowQuery) => call('window', { query: { ...query, from: wireNumber(query.from), to: wireNumber(query.to) } }),
    detail: (runId: string, op: number) => call('detail', { runId, op: wireNumber(op) }),
    export: (request: ExportRequest) => call('export', { request: { ...request, from: wireNumber(request.from), to: wireNumber(request.to) } }),
    subscribe: (listener) => transport.subscribe(listener),
  };
}

// ---- over a WebSocket -------------------------------------------------------------------------

/** What the bridge needs of a WebSocket: the browser's and the `ws` package's both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}

const OPEN = 1;

/** The parts of the page's `location` the socket URL is made of. */
export interface PageLocation {
  protocol: string;
  host: string;
  search: string;
}

/** The access token in a page's query string (`?token=…`), or null. */
export function tokenFromSearch(search: string): string | null {
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key !== TOKEN_PARAM) continue;
    try {
      return decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The WebSocket URL for a page served by electron/serve (pass `window.location`): same host,
 * `ws:` or `wss:` to match the page, its `?token=` passed on. Null when the page has no token.
 */
export function bridgeSocketUrl(page: PageLocation): string | null {
  const token = tokenFromSearch(page.search);
  if (token === null || token === '') return null;
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${page.host}${BRIDGE_SOCKET_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

/**
 * A Bridge over an opening or open socket. Resolves once the server has said hello (it does so
 * only after accepting the token); rejects when the socket closes first, with the server's reason.
 * Once connected, a closed socket fails pending and later calls and tells subscribers with a notice.
 */
export function connectSocketBridge(socket: SocketLike): Promise<Bridge> {
  const pending = new Map<number, (response: BridgeResponse) => void>();
  const listeners = new Set<(event: BridgeEvent) => void>();
  let closed: string | null = null;
  const emit = (event: BridgeEvent): void => {
    for (const listener of [...listeners]) listener(event);
  };
  return new Promise((resolve, reject) => {
    let connected = false;
    socket.addEventListener('message', (e) => {
      if (typeof e.data !== 'string') return;
      let raw: unknown;
      try {
        raw = JSON.parse(e.data);
      } catch {
        return;
      }
      const m = classifyHostMessage(raw);
      if (m === null) return;
      if (m.kind === 'hello' && !connected) {
        connected = true;
        resolve(createBridgeClient(transport, m.protocolVersion));
      } else if (m.kind === 'response' && m.response.id !== null) {
        const settle = pending.get(m.response.id);
        pending.delete(m.response.id);
        settle?.(m.response);
      } else if (m.kind === 'event') {
        emit(m.event);
      }
    });
    socket.addEventListener('close', (e) => {
      closed = e.reason ? `the host closed the connection: ${e.reason}` : `the connection to the host closed (code ${e.code ?? '?'})`;
      for (const [id, settle] of pending) settle({ id, ok: false, error: closed });
      pending.clear();
      if (!connected) reject(new Error(closed));
      else emit({ type: 'notice', level: 'error', message: closed });
    });
    const transport: BridgeTransport = {
      request: (request) =>
        new Promise((settle) => {
          if (closed !== null || socket.readyState !== OPEN) {
            settle({ id: request.id, ok: false, error: closed ?? 'the connection to the host is not open' });
            return;
          }
          pending.set(request.id, settle);
          socket.send(JSON.stringify(request));
        }),
      subscribe: (listener) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
  });
}
