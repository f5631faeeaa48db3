/**
 * One bridge request, from raw input to response envelope: validated (bridge-messages.ts), then
 * handed to the host. Both transports (Electron IPC in main, the WebSocket in serve) go through
 * here, so they refuse and answer alike. A malformed request is logged, answered with an error
 * naming the field, and reaches nothing; a request the host refuses or fails at gets its message.
 */
import { type BridgeMethods, type BridgeResponse, parseBridgeRequest, type BridgeCall } from '../../shared/protocol/bridge-messages';

export async function handleBridgeRequest(host: BridgeMethods, raw: unknown, log: (line: string) => void): Promise<BridgeResponse> {
  const parsed = parseBridgeRequest(raw);
  if (!parsed.ok) {
    log(`arenascope: refused a bridge request: ${parsed.error}`);
    return { id: parsed.id, ok: false, error: parsed.error };
  }
  const call = parsed.call;
  try {
    const result = await invoke(host, call);
    // `undefined` would vanish from JSON: a method without a result answers null.
    return { id: call.id, ok: true, result: result ?? null };
  } catch (error) {
    return { id: call.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function invoke(host: BridgeMethods, call: BridgeCall): Promise<unknown> {
  switch (call.method) {
    case 'versions':
      return host.versions();
    case 'workloads':
      return host.workloads();
    case 'interpreters':
      return host.interpreters();
    case 'runs':
      return host.runs();
    case 'startRun':
      return host.startRun(call.config);
    case 'command':
      return host.command(call.runId, call.command);
    case 'window':
      return host.window(call.query);
    case 'detail':
      return host.detail(call.runId, call.op);
    case 'export':
      return host.export(call.request);
  }
}
