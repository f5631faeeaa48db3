/**
 * One browser's WebSocket: the bridge envelope (shared/protocol/bridge-messages.ts) as JSON text.
 *
 * A socket whose URL carried the right token is authorised at once; one without a token must send
 * `{ "token": "…" }` as its first message within AUTH_TIMEOUT_MS, or it is closed with
 * CLOSE_UNAUTHORISED and the reason. Once authorised the server says hello (with the protocol
 * version and what this server lets a client do), then answers requests and forwards the host's
 * events. Anything malformed gets an error response naming the field, is logged, and changes nothing.
 *
 * The connection's limits (./limits.ts) are checked here, before the host sees a request: message
 * size, request rate, and for `startRun` the live runs of this connection and the workers' memory.
 */
import * as v from 'valibot';
import type { RawData, WebSocket } from 'ws';
import type { Bridge } from '../../shared/protocol/bridge';
import { type BridgeHello, type BridgeResponse, CLOSE_UNAUTHORISED } from '../../shared/protocol/bridge-messages';
import { forwardMethods } from '../../shared/protocol/bridge-methods';
import { describeIssues } from '../../shared/protocol/issues';
import type { RunConfig } from '../../shared/protocol/run-config';
import { isUploadRequest, type SessionUploaded, uploadChunkBytes, UploadRequestSchema } from '../../shared/protocol/uploads';
import type { HostCapabilities } from '../../shared/protocol/capabilities';
import { handleBridgeRequest } from '../host/bridge-dispatch';
import { tokenMatches } from './access-token';
import { RequestRate, type RunGate, type ServeLimits } from './limits';
import { ConnectionUploads, UploadError } from './uploads';
import { errorMessage } from '../../shared/errors';

export const AUTH_TIMEOUT_MS = 5000;
/** Events are dropped for a browser this far behind (its next window request catches it up). */
const MAX_BUFFERED_BYTES = 16 * 2 ** 20;

export interface SocketContext {
  host: Bridge;
  token: string;
  /** The URL carried the right token. */
  preauthorised: boolean;
  capabilities: HostCapabilities;
  limits: ServeLimits;
  /** The server's one gate for starting runs (shared by its connections). */
  gate: RunGate;
  log: (line: string) => void;
  /** What uploads need of the host (./uploads.ts); without it uploads are refused. */
  uploadHost?: UploadHost;
}

/** The host's side of uploads: a replay of an uploaded trace, and a session opened from one. */
export interface UploadHost {
  startRun(config: RunConfig, options: { resolveUpload: (ref: string) => string }): Promise<{ runId: string }>;
  openSession(path: string, options: { trusted: true; displayName: string }): Promise<SessionUploaded>;
}

export function serveSocket(ws: WebSocket, ctx: SocketContext): void {
  const { host, token, log, limits } = ctx;
  let unsubscribe: (() => void) | null = null;
  const rate = new RequestRate(limits.requestsPerSecond, limits.requestBurst);
  /** Runs this connection started, and its starts not yet answered. */
  const own = new Set<string>();
  let ownPending = 0;
  let lastRateLog = -Infinity;

  const uploads = new ConnectionUploads({ maxBytes: limits.uploadBytes, maxUploads: limits.uploadsPerConnection });
  const handleUpload = uploadHandler(ctx, uploads);
  // The bridge as this connection sees it: a run may name this connection's uploads, no other's.
  const methods = forwardMethods(host, {
    startRun: (config) => (ctx.uploadHost ? ctx.uploadHost.startRun(config, { resolveUpload: (ref) => uploads.tracePath(ref) }) : host.startRun(config)),
  });
  const send = (message: BridgeResponse | BridgeHello | { event: unknown }): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const authorise = (): void => {
    const uploadLimits = ctx.uploadHost ? { maxBytes: limits.uploadBytes, chunkBytes: uploadChunkBytes(limits.messageBytes) } : null;
    send({ hello: { protocolVersion: host.protocolVersion, capabilities: { ...ctx.capabilities, uploads: uploadLimits } } });
    unsubscribe = host.subscribe((event) => {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES && event.type === 'samples') return;
      send({ event });
    });
  };
  const timer = ctx.preauthorised
    ? null
    : setTimeout(() => ws.close(CLOSE_UNAUTHORISED, 'no access token: send {"token": …} first or add ?token= to the URL'), AUTH_TIMEOUT_MS);
  if (ctx.preauthorised) authorise();

  ws.on('message', (data, isBinary) => {
    const bytes = byteLength(data);
    if (bytes > limits.messageBytes) {
      log(`arenascope serve: refused a message of ${bytes} bytes`);
      send({ id: null, ok: false, error: `limit: a message of ${bytes} bytes is over the ${limits.messageBytes}-byte limit` });
      return;
    }
    if (unsubscribe !== null && !rate.take()) {
      const now = performance.now();
      if (now - lastRateLog > 1000) log('arenascope serve: a client is over its request rate; refusing until it slows down');
      lastRateLog = now;
      send({
        id: headId(data),
        ok: false,
        error: `limit: more than ${limits.requestsPerSecond} requests a second (burst ${limits.requestBurst}); slow down and retry`,
      });
      return;
    }
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
    if (isUploadRequest(raw)) {
      void handleUpload(raw).then(send);
      return;
    }
    if (!startsRuns(raw)) {
      void handleBridgeRequest(methods, raw, log).then(send);
      return;
    }
    void host.runs().then((runs) => {
      const refusal = ctx.gate.admit(runs, own, ownPending);
      if (refusal !== null) {
        log(`arenascope serve: refused a run: ${refusal}`);
        send({ id: requestId(raw), ok: false, error: refusal });
        return;
      }
      ownPending++;
      void handleBridgeRequest(methods, raw, log)
        .then((response) => {
          if (response.ok) for (const id of startedIds(response.result)) own.add(id);
          send(response);
        })
        .finally(() => {
          ownPending--;
          ctx.gate.settled();
        });
    });
  });
  ws.on('close', () => {
    if (timer !== null) clearTimeout(timer);
    unsubscribe?.();
    void uploads.dispose().catch((error: unknown) => log(`arenascope serve: removing a connection's uploads failed: ${String(error)}`));
  });
  ws.on('error', (error) => log(`arenascope serve: WebSocket error: ${error.message}`));
}

/** Runs one upload request of this connection; every refusal is an error response naming the field or the limit. */
function uploadHandler(ctx: SocketContext, uploads: ConnectionUploads): (raw: unknown) => Promise<BridgeResponse> {
  return async (raw) => {
    const r = v.safeParse(UploadRequestSchema, raw);
    if (!r.success) {
      const error = `malformed request: ${describeIssues(r.issues)}`;
      ctx.log(`arenascope serve: refused an upload request: ${error}`);
      return { id: requestId(raw), ok: false, error };
    }
    const req = r.output;
    try {
      if (ctx.uploadHost === undefined) throw new UploadError('uploads are not offered by this server');
      switch (req.method) {
        case 'uploadBegin':
          return { id: req.id, ok: true, result: { uploadId: await uploads.begin(req.params.kind, req.params.name, req.params.bytes) } };
        case 'uploadChunk':
          return { id: req.id, ok: true, result: { received: await uploads.chunk(req.params.uploadId, req.params.offset, req.params.data) } };
        case 'uploadEnd': {
          const { upload, trace } = await uploads.end(req.params.uploadId);
          if (trace !== undefined) return { id: req.id, ok: true, result: trace };
          try {
            const opened = await ctx.uploadHost.openSession(upload.path, { trusted: true, displayName: upload.name });
            return { id: req.id, ok: true, result: opened };
          } catch (error) {
            // The reader names the file by its path on the server: the client knows it by its own name.
            throw new UploadError(`upload '${upload.name}' is not a session this server can open: ${errorMessage(error).split(upload.path).join(upload.name)}`);
          }
        }
      }
    } catch (error) {
      return { id: req.id, ok: false, error: errorMessage(error) };
    }
  };
}

/** A request that starts runs (a workload, or a profiled program's runs): held to the run limits. */
function startsRuns(raw: unknown): boolean {
  const method = typeof raw === 'object' && raw !== null ? (raw as { method?: unknown }).method : undefined;
  return method === 'startRun' || method === 'profileProgram';
}

/** The runs a start answered with: `startRun`'s one, or a profiled program's models and real process. */
function startedIds(result: unknown): string[] {
  const r = result as { runId?: unknown; runIds?: unknown; realRunId?: unknown };
  if (typeof r.runId === 'string') return [r.runId];
  const ids = Array.isArray(r.runIds) ? r.runIds.filter((id): id is string => typeof id === 'string') : [];
  return typeof r.realRunId === 'string' ? [...ids, r.realRunId] : ids;
}

function requestId(raw: unknown): number | null {
  const id = (raw as { id?: unknown }).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

function byteLength(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.byteLength, 0) : data.byteLength;
}

/** A refused request's id, read cheaply from its head (clients put it first), so the client can match the refusal. */
function headId(data: RawData): number | null {
  const first = Array.isArray(data) ? data[0] : data;
  if (first === undefined) return null;
  const head = (Buffer.isBuffer(first) ? first : Buffer.from(first)).subarray(0, 64).toString('latin1');
  const m = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(head);
  return m ? Number(m[1]) : null;
}
