/**
 * One browser's WebSocket: the bridge envelope (shared/protocol/bridge-messages.ts) as JSON text.
 *
 * A socket whose URL carried the right token is authorised at once; one without a token must send
 * `{ "token": "…" }` as its first message within AUTH_TIMEOUT_MS, or it is closed with
 * CLOSE_UNAUTHORISED and the reason. Once authorised the server says hello (with the protocol
 * version), then answers requests and forwards the host's events. Anything malformed gets an
 * error response naming the field, is logged, and changes nothing.
 */
import type { WebSocket } from 'ws';
import type { Bridge } from '../../shared/protocol/bridge';
import { type BridgeHello, type BridgeResponse, CLOSE_UNAUTHORISED } from '../../shared/protocol/bridge-messages';
import { handleBridgeRequest } from '../host/bridge-dispatch';
import { tokenMatches } from './access-token';

export const AUTH_TIMEOUT_MS = 5000;
/** Events are dropped for a browser this far behind (its next window request catches it up). */
const MAX_BUFFERED_BYTES = 16 * 2 ** 20;

export function serveSocket(ws: WebSocket, host: Bridge, token: string, preauthorised: boolean, log: (line: string) => void): void {
  let unsubscribe: (() => void) | null = null;
  const send = (message: BridgeResponse | BridgeHello | { event: unknown }): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const authorise = (): void => {
    send({ hello: { protocolVersion: host.protocolVersion } });
    unsubscribe = host.subscribe((event) => {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES && event.type === 'samples') return;
      send({ event });
    });
  };
  const timer = preauthorised
    ? null
    : setTimeout(() => ws.close(CLOSE_UNAUTHORISED, 'no access token: send {"token": …} first or add ?token= to the URL'), AUTH_TIMEOUT_MS);
  if (preauthorised) authorise();

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      log('arenascope serve: refused a binary WebSocket message');
      send({ id: null, ok: false, error: 'malformed request: expected JSON text, got a binary message' });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      log('arenascope serve: refused a WebSocket message that is not JSON');
      send({ id: null, ok: false, error: 'malformed request: not JSON' });
      return;
    }
    if (unsubscribe === null) {
      if (timer !== null) clearTimeout(timer);
      const candidate = typeof raw === 'object' && raw !== null ? (raw as { token?: unknown }).token : undefined;
      if (tokenMatches(typeof candidate === 'string' ? candidate : null, token)) authorise();
      else ws.close(CLOSE_UNAUTHORISED, 'wrong or missing access token');
      return;
    }
    void handleBridgeRequest(host, raw, log).then(send);
  });
  ws.on('close', () => {
    if (timer !== null) clearTimeout(timer);
    unsubscribe?.();
  });
  ws.on('error', (error) => log(`arenascope serve: WebSocket error: ${error.message}`));
}
