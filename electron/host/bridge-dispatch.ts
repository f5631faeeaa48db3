/**
 * One bridge request, from raw input to response envelope: validated (bridge-messages.ts), then
 * handed to the host through the method table (bridge-methods.ts). Both transports (Electron IPC in
 * main, the WebSocket in serve) go through here, so they refuse and answer alike. A malformed
 * request is logged, answered with an error naming the field, and reaches nothing; a request the
 * host refuses or fails at gets its message.
 */
import { type BridgeResponse, parseBridgeRequest } from '../../shared/protocol/bridge-messages';
import { type BridgeMethods, invokeMethod } from '../../shared/protocol/bridge-methods';
import { errorMessage } from '../../shared/errors';

export async function handleBridgeRequest(host: BridgeMethods, raw: unknown, log: (line: string) => void): Promise<BridgeResponse> {
  const parsed = parseBridgeRequest(raw);
  if (!parsed.ok) {
    log(`arenascope: refused a bridge request: ${parsed.error}`);
    return { id: parsed.id, ok: false, error: parsed.error };
  }
  const call = parsed.call;
  try {
    const result = await invokeMethod(host, call.method, call.params);
    // `undefined` would vanish from JSON: a method without a result answers null.
    return { id: call.id, ok: true, result: result ?? null };
  } catch (error) {
    return { id: call.id, ok: false, error: errorMessage(error) };
  }
}
