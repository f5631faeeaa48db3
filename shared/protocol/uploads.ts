/**
 * Uploads from a browser of `serve` (docs/serve.md, "Uploads"): a trace to replay or a session to
 * open, sent over the bridge's WebSocket in base64 chunks, kept by the server in a folder of its own
 * per connection, and named afterwards only by the upload's id — never by a path.
 *
 *   uploadBegin  { kind, name, bytes }          → { uploadId }
 *   uploadChunk  { uploadId, offset, data }     → { received }      (in order, base64)
 *   uploadEnd    { uploadId }                   → trace: { uploadId, ops }
 *                                                 session: { runIds, warnings }
 *
 * A trace upload is then replayed with `startRun` and `params.path` = `upload:<uploadId>` (the
 * connection's own uploads only). These requests exist on the WebSocket alone: the desktop app
 * opens files with its own dialogs.
 */
import * as v from 'valibot';

/** How a run names an uploaded trace instead of a path on the server. */
export const UPLOAD_REF_PREFIX = 'upload:';

export const UPLOAD_METHODS = ['uploadBegin', 'uploadChunk', 'uploadEnd'] as const;
export type UploadMethod = (typeof UPLOAD_METHODS)[number];

const Id = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
export const UploadIdSchema = v.pipe(v.string(), v.regex(/^u[0-9a-f]{16}$/, 'expected an upload id from uploadBegin'));
const Bytes = v.pipe(v.number(), v.safeInteger(), v.minValue(1, 'an empty file is not a trace or a session'));

export const UploadRequestSchema = v.variant('method', [
  v.strictObject({
    id: Id,
    method: v.literal('uploadBegin'),
    params: v.strictObject({
      kind: v.picklist(['trace', 'session'], 'expected kind "trace" or "session"'),
      /** The file's name on the client, for messages only (never a path on the server). */
      name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
      bytes: Bytes,
    }),
  }),
  v.strictObject({
    id: Id,
    method: v.literal('uploadChunk'),
    params: v.strictObject({
      uploadId: UploadIdSchema,
      offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
      data: v.pipe(v.string(), v.minLength(1), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64')),
    }),
  }),
  v.strictObject({ id: Id, method: v.literal('uploadEnd'), params: v.strictObject({ uploadId: UploadIdSchema }) }),
]);
export type UploadRequest = v.InferOutput<typeof UploadRequestSchema>;

export interface TraceUploaded {
  uploadId: string;
  /** Operation lines (a/f/r/c) the trace holds. */
  ops: number;
}
export interface SessionUploaded {
  runIds: string[];
  warnings: string[];
}

/** Whether a raw request names one of the upload methods (the WebSocket routes it apart). */
export function isUploadRequest(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const method = (raw as { method?: unknown }).method;
  return typeof method === 'string' && (UPLOAD_METHODS as readonly string[]).includes(method);
}

/** What the server tells a page of its uploads (in the hello's capabilities). */
export interface UploadLimits {
  /** Largest file, bytes. */
  maxBytes: number;
  /** Bytes of file per chunk (so that the base64 message fits the server's message limit). */
  chunkBytes: number;
}

/** The chunk size for a message limit: base64 grows 4/3, plus room for the envelope. */
export function uploadChunkBytes(messageBytes: number): number {
  return Math.max(1024, Math.floor(((messageBytes - 512) * 3) / 4 / 1024) * 1024);
}
