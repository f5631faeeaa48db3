/**
 * The bridge's transport envelope, shared by Electron IPC (preload ↔ main) and the WebSocket of
 * the browser server (electron/serve), so both carry exactly the same messages:
 *
 *   request   page → host   { id, method, params }           one per Bridge method call
 *   response  host → page   { id, ok: true, result }  |  { id, ok: false, error }
 *   event     host → page   { event: BridgeEvent }
 *   hello     host → page   { hello: { protocolVersion } }   WebSocket only, once authorised
 *
 * `params` is an object naming the method's arguments (so a refusal can name the field, e.g.
 * `params.query.maxPoints`); each method's params, and how calls map to them, are in the table of
 * bridge-methods.ts. Every request is validated here before the host acts on it; a malformed one
 * gets an error response naming the field and changes nothing.
 */
import * as v from 'valibot';
import type { BridgeEvent } from './bridge';
import { BRIDGE_METHOD_NAMES, type BridgeMethod, type BridgeParams, paramsSchema } from './bridge-methods';
import { type HostCapabilities, readCapabilities } from './capabilities';
import { describeIssues } from './issues';

/** Re-exported for bridge-client.ts, which imports it from here; the formatter itself is in issues.ts. */
export { describeIssues };

// ---- names ------------------------------------------------------------------------------------

/** Electron IPC channels: requests with `ipcRenderer.invoke`, events with `webContents.send`. */
export const BRIDGE_CHANNELS = {
  request: 'arenascope:request',
  event: 'arenascope:event',
} as const;

/** The browser server's WebSocket endpoint (same origin as the page). */
export const BRIDGE_SOCKET_PATH = '/bridge';
/** Query parameter holding the access token, on the page's URL and on the WebSocket's. */
export const TOKEN_PARAM = 'token';
/** `GET` this (with the token) for every run as a session file (serve only). */
export const SESSION_DOWNLOAD_PATH = '/session.arenascope.gz';
export const SESSION_DOWNLOAD_NAME = 'session.arenascope.gz';
/** Close code for a socket refused for its token (4000–4999 are the application's). */
export const CLOSE_UNAUTHORISED = 4401;

// ---- requests ---------------------------------------------------------------------------------

export type BridgeRequest = { [M in BridgeMethod]: { id: number; method: M; params: BridgeParams[M] } }[BridgeMethod];

export type BridgeResponse = { id: number; ok: true; result: unknown } | { id: number | null; ok: false; error: string };
export interface BridgeEventMessage {
  event: BridgeEvent;
}
export interface BridgeHello {
  /** `capabilities`: what this server lets a client do (shared/protocol/capabilities.ts). */
  hello: { protocolVersion: number; capabilities?: HostCapabilities };
}

const Id = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Envelope = v.strictObject({
  id: Id,
  method: v.picklist(BRIDGE_METHOD_NAMES, `expected a method (${BRIDGE_METHOD_NAMES.join(', ')})`),
  params: v.optional(v.unknown()),
});

/** A request as the host acts on it: its method, and its params checked against that method's schema. */
export interface BridgeCall {
  id: number;
  method: BridgeMethod;
  /** The params as the method's schema output them (wire nulls still null: `invokeMethod` decodes). */
  params: unknown;
}

export type ParsedRequest = { ok: true; call: BridgeCall } | { ok: false; id: number | null; error: string };

/** Validates a request; a refusal names the field at fault and keeps the id when it was readable. */
export function parseBridgeRequest(raw: unknown): ParsedRequest {
  const envelope = v.safeParse(Envelope, raw);
  if (!envelope.success) return { ok: false, id: readableId(raw), error: `malformed request: ${describeIssues(envelope.issues)}` };
  const { id, method } = envelope.output;
  // Wrapped so that a refusal's path starts at `params`, as the whole request names it.
  const params = v.safeParse(v.object({ params: paramsSchema(method) }), { params: envelope.output.params });
  if (!params.success) return { ok: false, id, error: `malformed request: ${describeIssues(params.issues)}` };
  return { ok: true, call: { id, method, params: params.output.params } };
}

function readableId(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

// ---- host → page ------------------------------------------------------------------------------

/** What a client may receive; checked loosely (the host is trusted, the shape is not re-validated deeply). */
export function classifyHostMessage(
  raw: unknown,
):
  | { kind: 'response'; response: BridgeResponse }
  | { kind: 'event'; event: BridgeEvent }
  | { kind: 'hello'; protocolVersion: number; capabilities: HostCapabilities }
  | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (typeof m['ok'] === 'boolean' && 'id' in m) return { kind: 'response', response: m as unknown as BridgeResponse };
  if (typeof m['event'] === 'object' && m['event'] !== null) return { kind: 'event', event: m['event'] as BridgeEvent };
  const hello = m['hello'] as { protocolVersion?: unknown; capabilities?: unknown } | undefined;
  if (typeof hello === 'object' && hello !== null && typeof hello.protocolVersion === 'number') {
    return { kind: 'hello', protocolVersion: hello.protocolVersion, capabilities: readCapabilities(hello.capabilities) };
  }
  return null;
}
