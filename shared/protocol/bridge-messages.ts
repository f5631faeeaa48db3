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
 * `params.query.maxPoints`). JSON cannot carry ±Infinity, so on the wire a window bound or a
 * detail operation of `null` stands for "from the first" / "to the last" / "the latest"; the
 * client encodes (bridge-client.ts) and the host decodes (`parseBridgeRequest`), for IPC too, so
 * both transports see one format. Every request is validated here before the host acts on it; a
 * malformed one gets an error response naming the field and changes nothing.
 */
import * as v from 'valibot';
import { SERIES, SERIES_COUNT } from '../run/sample';
import { type Bridge, type BridgeEvent, EXPORT_FORMATS, EXPORT_MAX_SIZE, EXPORT_MIN_SIZE, type ExportRequest, type RunCommand, type WindowQuery } from './bridge';
import { type HostCapabilities, readCapabilities } from './capabilities';
import { RunConfigSchema, type RunConfig } from './run-config';

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

/** The methods a request may name: every Bridge member but the version and the subscription. */
export type BridgeMethod = Exclude<keyof Bridge, 'protocolVersion' | 'subscribe'>;
export type BridgeMethods = Pick<Bridge, BridgeMethod>;

/** A window bound or detail operation on the wire: a number, or null for "unbounded" / "latest". */
type WireNumber = number | null;
export type WireWindowQuery = Omit<WindowQuery, 'from' | 'to'> & { from: WireNumber; to: WireNumber };
export type WireExportRequest = Omit<ExportRequest, 'from' | 'to'> & { from: WireNumber; to: WireNumber };

/** Each method's wire params. */
export interface BridgeParams {
  versions: Record<string, never>;
  workloads: Record<string, never>;
  interpreters: Record<string, never>;
  runs: Record<string, never>;
  startRun: { config: RunConfig };
  command: { runId: string; command: RunCommand };
  window: { query: WireWindowQuery };
  detail: { runId: string; op: WireNumber };
  export: { request: WireExportRequest };
}

export type BridgeRequest = { [M in BridgeMethod]: { id: number; method: M; params: BridgeParams[M] } }[BridgeMethod];
export type BridgeResult<M extends BridgeMethod> = Awaited<ReturnType<Bridge[M]>>;

export type BridgeResponse = { id: number; ok: true; result: unknown } | { id: number | null; ok: false; error: string };
export interface BridgeEventMessage {
  event: BridgeEvent;
}
export interface BridgeHello {
  /** `capabilities`: what this server lets a client do (shared/protocol/capabilities.ts). */
  hello: { protocolVersion: number; capabilities?: HostCapabilities };
}

const Id = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const RunId = v.pipe(v.string(), v.minLength(1), v.maxLength(100));
/** A number that is not NaN (±Infinity allowed: structured clone carries it), or null. */
const Bound = v.nullable(v.pipe(v.number(), v.check((x) => !Number.isNaN(x), 'expected a number, not NaN')));
const NoParams = v.optional(v.strictObject({}), {});

export const MAX_WINDOW_POINTS = 10_000;
const SERIES_KEYS = SERIES.map((s) => s.key);

export const RunCommandSchema = v.variant('type', [
  v.strictObject({ type: v.literal('pause') }),
  v.strictObject({ type: v.literal('resume'), budgetMB: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1 << 24))) }),
  v.strictObject({ type: v.literal('step'), ops: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1e12)) }),
  v.strictObject({ type: v.literal('stop') }),
  v.strictObject({ type: v.literal('remove') }),
]);

export const WindowQuerySchema = v.strictObject({
  runId: RunId,
  series: v.pipe(
    v.array(v.picklist(SERIES_KEYS, `expected a series key (${SERIES_KEYS.join(', ')})`)),
    v.minLength(1, 'expected at least one series'),
    v.maxLength(SERIES_COUNT),
    v.check((keys) => new Set(keys).size === keys.length, 'a series is named twice'),
  ),
  from: Bound,
  to: Bound,
  maxPoints: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(MAX_WINDOW_POINTS)),
  axis: v.picklist(['op', 'wall_ms']),
  values: v.optional(v.boolean()),
});

const Size = v.pipe(v.number(), v.safeInteger(), v.minValue(EXPORT_MIN_SIZE), v.maxValue(EXPORT_MAX_SIZE));
const unique = <T extends string>(what: string) => v.check((xs: T[]) => new Set(xs).size === xs.length, `${what} named twice`);

export const ExportRequestSchema = v.strictObject({
  runIds: v.pipe(v.array(RunId), v.minLength(1, 'expected at least one run'), v.maxLength(64), unique<string>('a run is')),
  mode: v.picklist(['runs', 'compare']),
  charts: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(100))), v.minLength(1, 'expected at least one chart'), v.maxLength(64), unique<string>('a chart is'))),
  formats: v.pipe(v.array(v.picklist(EXPORT_FORMATS, `expected a format (${EXPORT_FORMATS.join(', ')})`)), v.minLength(1, 'expected at least one format'), unique<(typeof EXPORT_FORMATS)[number]>('a format is')),
  axis: v.picklist(['op', 'wall_ms']),
  from: Bound,
  to: Bound,
  width: Size,
  height: Size,
  theme: v.picklist(['light', 'dark']),
  archive: v.boolean(),
});

const request = <M extends BridgeMethod, P extends v.GenericSchema>(method: M, params: P) =>
  v.strictObject({ id: Id, method: v.literal(method), params });

export const BridgeRequestSchema = v.variant('method', [
  request('versions', NoParams),
  request('workloads', NoParams),
  request('interpreters', NoParams),
  request('runs', NoParams),
  request('startRun', v.strictObject({ config: RunConfigSchema })),
  request('command', v.strictObject({ runId: RunId, command: RunCommandSchema })),
  request('window', v.strictObject({ query: WindowQuerySchema })),
  request('detail', v.strictObject({ runId: RunId, op: Bound })),
  request('export', v.strictObject({ request: ExportRequestSchema })),
]);

/** A request as the host acts on it: wire nulls turned back into ±Infinity. */
export type BridgeCall =
  | { id: number; method: 'versions' | 'workloads' | 'interpreters' | 'runs' }
  | { id: number; method: 'startRun'; config: RunConfig }
  | { id: number; method: 'command'; runId: string; command: RunCommand }
  | { id: number; method: 'window'; query: WindowQuery }
  | { id: number; method: 'detail'; runId: string; op: number }
  | { id: number; method: 'export'; request: ExportRequest };

export type ParsedRequest = { ok: true; call: BridgeCall } | { ok: false; id: number | null; error: string };

/** Validates a request; a refusal names the field at fault and keeps the id when it was readable. */
export function parseBridgeRequest(raw: unknown): ParsedRequest {
  const r = v.safeParse(BridgeRequestSchema, raw);
  if (!r.success) return { ok: false, id: readableId(raw), error: `malformed request: ${describeIssues(r.issues)}` };
  const req = r.output;
  switch (req.method) {
    case 'versions':
    case 'workloads':
    case 'interpreters':
    case 'runs':
      return { ok: true, call: { id: req.id, method: req.method } };
    case 'startRun':
      return { ok: true, call: { id: req.id, method: 'startRun', config: req.params.config } };
    case 'command':
      return { ok: true, call: { id: req.id, method: 'command', runId: req.params.runId, command: req.params.command } };
    case 'window': {
      const q = req.params.query;
      return { ok: true, call: { id: req.id, method: 'window', query: { ...q, series: [...q.series], from: q.from ?? -Infinity, to: q.to ?? Infinity } } };
    }
    case 'detail':
      return { ok: true, call: { id: req.id, method: 'detail', runId: req.params.runId, op: req.params.op ?? Infinity } };
    case 'export': {
      const r = req.params.request;
      const request: ExportRequest = { ...r, runIds: [...r.runIds], formats: [...r.formats], from: r.from ?? -Infinity, to: r.to ?? Infinity };
      if (r.charts) request.charts = [...r.charts];
      else delete request.charts;
      return { ok: true, call: { id: req.id, method: 'export', request } };
    }
  }
}

/** ±Infinity (and NaN) as null, for JSON; finite numbers as they are. */
export function wireNumber(x: number): WireNumber {
  return Number.isFinite(x) ? x : null;
}

/** "field params.query.maxPoints: Invalid value: …" — the deepest issue, with its path. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0]!;
  let deepest: v.BaseIssue<unknown> = issue;
  while (deepest.issues?.length) deepest = deepest.issues[0]!;
  const path = v.getDotPath(deepest) ?? v.getDotPath(issue);
  return path ? `field ${path}: ${deepest.message}` : deepest.message;
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
): { kind: 'response'; response: BridgeResponse } | { kind: 'event'; event: BridgeEvent } | { kind: 'hello'; protocolVersion: number; capabilities: HostCapabilities } | null {
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
