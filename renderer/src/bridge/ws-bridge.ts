/**
 * The bridge in a plain browser: the preload's `Bridge`, spoken over a WebSocket to `serve` in the
 * envelope of shared/protocol/bridge-messages.ts (the shared `createBridgeClient` derives the
 * methods from the table of bridge-methods.ts). What it adds is staying connected: a drop fails
 * every pending request (their answers will never come), tells the user, and reconnects with
 * exponential backoff; listeners survive, and a reconnect re-announces the runs list.
 */
import type { Bridge, BridgeEvent } from '../../../shared/protocol/bridge';
import { createBridgeClient } from '../../../shared/protocol/bridge-client';
import type { BridgeTransport } from '../../../shared/protocol/bridge-client';
import { classifyHostMessage, CLOSE_UNAUTHORISED } from '../../../shared/protocol/bridge-messages';
import type { BridgeRequest, BridgeResponse } from '../../../shared/protocol/bridge-messages';
import type { SessionUploaded, TraceUploaded } from '../../../shared/protocol/uploads';
import { CONNECTED, type Link, type LinkEvent, type LinkState, nextLink } from '../model/link-state';
import type { HostCapabilities } from '../../../shared/protocol/capabilities';

/**
 * The part of the DOM's WebSocket the bridge uses, so tests can hand it a fake. Handlers take
 * `never` so that both the DOM's (Event, MessageEvent, CloseEvent) and a fake's signatures fit.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((ev: never) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  onmessage: ((ev: never) => void) | null;
}

const OPEN = 1;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface WsBridgeOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  timers?: Timers;
  /** First retry delay; doubled per failed attempt up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Told each change of the link once connected (connected / reconnecting / lost / token rejected). */
  onLink?: (state: LinkState) => void;
  /**
   * Asked after a failed reconnect whether the server refuses our token: a browser cannot read the
   * 401 of a refused WebSocket upgrade, but it can read the page's. 'unauthorised' stops retrying.
   */
  probe?: () => Promise<'ok' | 'unauthorised' | 'unreachable'>;
}

export type WsStatus = 'connecting' | 'open' | 'closed';

export interface WsBridge extends Bridge {
  readonly status: WsStatus;
  /** What the server lets this page do, from its hello (the most restricted set when it said nothing). */
  readonly capabilities: HostCapabilities;
  /** Stops reconnecting and fails whatever is pending. */
  close(): void;
  /**
   * Sends a file to the server in chunks (shared/protocol/uploads.ts): a trace, resolved with its
   * upload id (replay it with `path` = `upload:<id>`), or a session, resolved once the server opened
   * it. `onProgress(sent, total)` after each chunk. Rejects with the server's reason.
   */
  upload(
    kind: 'trace' | 'session',
    name: string,
    bytes: Uint8Array,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<TraceUploaded | SessionUploaded>;
}

/**
 * Connects; resolves once the server said hello (it does only after accepting the token), with the
 * protocol version it announced. Rejects, with the server's reason, when the first socket closes
 * before that: a wrong token or no server is for the user to fix, not for a retry loop.
 */
export function connectWsBridge(options: WsBridgeOptions): Promise<WsBridge> {
  const createSocket = options.createSocket ?? ((url: string): SocketLike => new WebSocket(url));
  const timers: Timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  const retryMs = options.retryMs ?? 250;
  const maxRetryMs = options.maxRetryMs ?? 8000;

  const listeners = new Set<(event: BridgeEvent) => void>();
  const pending = new Map<number, (response: BridgeResponse) => void>();
  let socket: SocketLike | null = null;
  let status: WsStatus = 'connecting';
  let capabilities: HostCapabilities = { files: 'none', fileRoots: [], programs: false, uploads: null };
  /** Hello received on the current socket: requests may go. */
  let ready = false;
  let attempt = 0;
  let retryTimer: unknown = null;
  let closedByUser = false;
  let bridge: WsBridge | null = null;
  /** Tell the user about the first failure of a streak, not every retry. */
  let announcedDrop = false;
  let link: Link = CONNECTED;

  function linkEvent(event: LinkEvent): void {
    const next = nextLink(link, event);
    const changed = next.state !== link.state;
    link = next;
    if (changed) options.onLink?.(next.state);
  }

  function emit(event: BridgeEvent): void {
    for (const l of [...listeners]) l(event);
  }

  function failPending(error: string): void {
    const all = [...pending.entries()];
    pending.clear();
    for (const [id, settle] of all) settle({ id, ok: false, error });
  }

  /** Upload requests' ids, far above the bridge client's own (which count from 1). */
  let uploadSeq = 2 ** 40;

  /** One upload request; a refusal for the request rate waits and retries (the server said "slow down"). */
  async function uploadCall(method: string, params: unknown): Promise<unknown> {
    for (;;) {
      const r = await transport.request({ id: uploadSeq++, method, params } as unknown as BridgeRequest);
      if (r.ok) return r.result;
      if (!r.error.startsWith('limit: more than')) throw new Error(r.error);
      await new Promise<void>((resolve) => timers.set(resolve, 200));
    }
  }

  async function upload(
    kind: 'trace' | 'session',
    name: string,
    bytes: Uint8Array,
    onProgress?: (sent: number, total: number) => void,
  ): Promise<TraceUploaded | SessionUploaded> {
    const limits = capabilities.uploads;
    if (limits === null) throw new Error('this server takes no uploads');
    if (bytes.length > limits.maxBytes)
      throw new Error(`${name} is ${bytes.length} bytes; this server takes uploads of up to ${limits.maxBytes} bytes (serve --max-upload)`);
    const { uploadId } = (await uploadCall('uploadBegin', { kind, name, bytes: bytes.length })) as { uploadId: string };
    for (let offset = 0; offset < bytes.length; offset += limits.chunkBytes) {
      const chunk = bytes.subarray(offset, offset + limits.chunkBytes);
      await uploadCall('uploadChunk', { uploadId, offset, data: toBase64(chunk) });
      onProgress?.(offset + chunk.length, bytes.length);
    }
    return (await uploadCall('uploadEnd', { uploadId })) as TraceUploaded | SessionUploaded;
  }

  const transport: BridgeTransport = {
    request: (request) =>
      new Promise((settle) => {
        if (!ready || !socket || socket.readyState !== OPEN) {
          settle({ id: request.id, ok: false, error: closedByUser ? 'the bridge is closed' : 'not connected to the host (reconnecting…)' });
          return;
        }
        pending.set(request.id, settle);
        socket.send(JSON.stringify(request));
      }),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };

  return new Promise<WsBridge>((resolve, reject) => {
    function hello(protocolVersion: number, announced: HostCapabilities): void {
      ready = true;
      status = 'open';
      attempt = 0;
      linkEvent({ type: 'hello' });
      capabilities = announced;
      if (bridge === null) {
        const client = createBridgeClient(transport, protocolVersion);
        bridge = {
          ...client,
          get status() {
            return status;
          },
          get capabilities() {
            return capabilities;
          },
          close,
          upload,
        };
        resolve(bridge);
        return;
      }
      if (protocolVersion !== bridge.protocolVersion) {
        emit({
          type: 'notice',
          level: 'error',
          message: `The host now speaks protocol ${protocolVersion}, this page ${bridge.protocolVersion}: reload the page.`,
        });
      }
      if (announcedDrop) emit({ type: 'notice', level: 'info', message: 'Reconnected to the host.' });
      announcedDrop = false;
      // Whatever changed while we were away: re-announcing the runs refreshes every view.
      bridge.runs().then(
        (runs) => emit({ type: 'runs', runs }),
        (e: unknown) => emit({ type: 'notice', level: 'error', message: `Could not reload the runs: ${e instanceof Error ? e.message : String(e)}` }),
      );
    }

    function message(data: unknown): void {
      let raw: unknown;
      try {
        raw = typeof data === 'string' ? JSON.parse(data) : undefined;
      } catch {
        raw = undefined;
      }
      const m = raw === undefined ? null : classifyHostMessage(raw);
      if (m === null) emit({ type: 'notice', level: 'error', message: 'The host sent a message this page cannot read; ignored.' });
      else if (m.kind === 'hello') {
        if (!ready) hello(m.protocolVersion, m.capabilities);
      } else if (m.kind === 'event') emit(m.event);
      else if (m.response.id !== null) {
        const settle = pending.get(m.response.id);
        pending.delete(m.response.id);
        settle?.(m.response);
      } else {
        // A refusal the host could not tie to a request (it could not read the id).
        emit({ type: 'notice', level: 'error', message: `The host refused a request: ${m.response.ok ? 'unknown' : m.response.error}` });
      }
    }

    function closed(ev: { code?: number; reason?: string }): void {
      ready = false;
      status = 'closed';
      const why = ev.reason ? `the host closed the connection: ${ev.reason}` : 'the connection to the host was lost';
      failPending(why);
      if (closedByUser || link.state === 'token-rejected') return;
      if (bridge === null) {
        reject(new Error(why));
        return;
      }
      if (ev.code === CLOSE_UNAUTHORISED) {
        linkEvent({ type: 'unauthorised' });
        emit({ type: 'notice', level: 'error', message: `${why}; the server restarted: open the new URL it printed.` });
        return;
      }
      linkEvent(announcedDrop ? { type: 'attempt-failed' } : { type: 'drop' });
      if (!announcedDrop)
        emit({
          type: 'notice',
          level: 'error',
          message: ev.reason ? `Lost the connection to the host (${why}); reconnecting…` : 'Lost the connection to the host; reconnecting…',
        });
      else if (options.probe) void probeToken();
      announcedDrop = true;
      const delay = Math.min(maxRetryMs, retryMs * 2 ** attempt);
      attempt++;
      retryTimer = timers.set(connect, delay);
    }

    /** A server that answers but refuses our token restarted with a new one: stop retrying, say so. */
    async function probeToken(): Promise<void> {
      let answer: 'ok' | 'unauthorised' | 'unreachable';
      try {
        answer = await options.probe!();
      } catch {
        answer = 'unreachable';
      }
      if (answer !== 'unauthorised' || closedByUser || ready || link.state === 'token-rejected') return;
      if (retryTimer !== null) timers.clear(retryTimer);
      retryTimer = null;
      linkEvent({ type: 'unauthorised' });
      emit({ type: 'notice', level: 'error', message: "The server refuses this page's token: it restarted; open the new URL it printed." });
    }

    function connect(): void {
      retryTimer = null;
      status = 'connecting';
      const s = createSocket(options.url);
      socket = s;
      s.onmessage = (ev: { data: unknown }) => {
        if (socket === s) message(ev.data);
      };
      s.onerror = () => undefined; // always followed by close, which does the work
      s.onclose = (ev: { code?: number; reason?: string }) => {
        if (socket !== s) return;
        socket = null;
        closed(ev);
      };
    }

    function close(): void {
      closedByUser = true;
      if (retryTimer !== null) timers.clear(retryTimer);
      retryTimer = null;
      const s = socket;
      socket = null;
      ready = false;
      status = 'closed';
      failPending('the bridge was closed');
      s?.close();
    }

    connect();
  });
}

/** Bytes as base64, in slices (String.fromCharCode takes a bounded number of arguments). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
