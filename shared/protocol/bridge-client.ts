/**
 * The page's side of the bridge over any transport that carries the envelope of
 * bridge-messages.ts: the preload's IPC (one `invoke` per request) and the browser's WebSocket
 * (renderer/src/bridge/ws-bridge.ts: requests and responses matched by id). Its methods derive from
 * the table of bridge-methods.ts. Pure: no DOM, no Electron; the transport is handed in.
 */
import * as v from 'valibot';
import type { Bridge, BridgeEvent } from './bridge';
import { BRIDGE_SOCKET_PATH, type BridgeRequest, type BridgeResponse, describeIssues, TOKEN_PARAM } from './bridge-messages';
import { BRIDGE_METHOD_NAMES, type BridgeArgs, type BridgeMethod, type BridgeMethods, type BridgeResult, encodeParams, resultSchema } from './bridge-methods';

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

/** Every method of the table (bridge-methods.ts), each one request over `transport`. */
export function createBridgeClient(transport: BridgeTransport, protocolVersion: number): Bridge {
  let nextId = 1;
  const call = async <M extends BridgeMethod>(method: M, args: BridgeArgs<M>): Promise<BridgeResult<M>> => {
    const id = nextId++;
    const response = await transport.request({ id, method, params: encodeParams(method, args) } as BridgeRequest);
    if (!response.ok) throw new BridgeRequestError(method, response.error);
    const checked = v.safeParse(resultSchema(method), response.result);
    if (!checked.success) throw new BridgeRequestError(method, `the host answered ${method} with a malformed result: ${describeIssues(checked.issues)}`);
    return response.result as BridgeResult<M>;
  };
  const methods = {} as Record<BridgeMethod, unknown>;
  for (const name of BRIDGE_METHOD_NAMES) methods[name] = (...args: unknown[]) => call(name, args as BridgeArgs<typeof name>);
  return { ...(methods as BridgeMethods), protocolVersion, subscribe: (listener) => transport.subscribe(listener) };
}

// ---- the WebSocket's URL ---------------------------------------------------------------------

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
