/**
 * One WebSocket connection's uploads (shared/protocol/uploads.ts): files a browser sent, kept in a
 * folder the server made for this connection (mode 0700 under the system's temporary folder),
 * named on disk by the server (never by the client), checked when complete, found again only by
 * their id and only through this connection, and deleted when it closes.
 *
 * What a client can do here: write at most `uploadBytes` per file and `uploadsPerConnection` files,
 * in order (each chunk at the offset the server expects). What it cannot: name a path, reach
 * another connection's files, or learn where its own are.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../node/trace-file';
import { TraceError } from '../../shared/trace/trace-error';
import { UPLOAD_REF_PREFIX, type TraceUploaded } from '../../shared/protocol/uploads';
import { errorMessage, InputError } from '../../shared/errors';

/** A refusal or a failed check: its message names the upload (by the client's name) and never quotes its content. */
export class UploadError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

interface Upload {
  id: string;
  kind: 'trace' | 'session';
  /** The client's name for it, for messages. */
  name: string;
  declared: number;
  written: number;
  path: string;
  handle: FileHandle | null;
  /** Complete and checked. */
  ready: boolean;
}

export interface UploadOptions {
  maxBytes: number;
  maxUploads: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export class ConnectionUploads {
  private dir: Promise<string> | null = null;
  private readonly uploads = new Map<string, Upload>();
  private closed = false;

  constructor(private readonly options: UploadOptions) {}

  async begin(kind: 'trace' | 'session', name: string, bytes: number): Promise<string> {
    if (this.closed) throw new UploadError('upload refused: the connection is closing');
    if (bytes > this.options.maxBytes) {
      throw new UploadError(`limit: upload '${name}' is ${bytes} bytes, over the ${this.options.maxBytes}-byte limit (serve --max-upload)`);
    }
    if (this.uploads.size >= this.options.maxUploads) {
      throw new UploadError(`limit: at most ${this.options.maxUploads} uploads per connection (reload the page to start afresh)`);
    }
    const id = `u${randomBytes(8).toString('hex')}`;
    const dir = await this.folder();
    // The server's own name: nothing of the client's name reaches the file system.
    const path = join(dir, id);
    const handle = await open(path, 'wx', 0o600);
    this.uploads.set(id, { id, kind, name, declared: bytes, written: 0, path, handle, ready: false });
    return id;
  }

  async chunk(uploadId: string, offset: number, base64: string): Promise<number> {
    const u = this.get(uploadId);
    if (u.ready || u.handle === null) throw new UploadError(`upload '${u.name}' is complete already`);
    if (offset !== u.written) throw new UploadError(`upload '${u.name}': chunk at byte ${offset}, expected byte ${u.written} (send chunks in order)`);
    const data = Buffer.from(base64, 'base64');
    if (u.written + data.length > u.declared) {
      await this.drop(u);
      throw new UploadError(`upload '${u.name}': more bytes than the ${u.declared} announced; upload dropped`);
    }
    await u.handle.write(data, 0, data.length, offset);
    u.written += data.length;
    return u.written;
  }

  /** Closes the file and checks it: a trace is read through to its end (content-free errors). */
  async end(uploadId: string): Promise<{ upload: { id: string; kind: 'trace' | 'session'; name: string; path: string }; trace?: TraceUploaded }> {
    const u = this.get(uploadId);
    if (u.ready) throw new UploadError(`upload '${u.name}' is complete already`);
    if (u.written !== u.declared) throw new UploadError(`upload '${u.name}': ${u.written} of ${u.declared} bytes received; send the rest first`);
    await u.handle?.close();
    u.handle = null;
    if (u.kind === 'trace') {
      const trace = await this.checkTrace(u);
      u.ready = true;
      return { upload: u, trace };
    }
    u.ready = true;
    return { upload: u };
  }

  /** The file behind `upload:<id>` of this connection's, or an error naming what is wrong. */
  tracePath(ref: string): string {
    const id = ref.slice(UPLOAD_REF_PREFIX.length);
    const u = this.uploads.get(id);
    if (u === undefined || !u.ready)
      throw new UploadError(`no uploaded trace '${ref}' on this connection (upload it first; uploads are kept until the page closes)`);
    if (u.kind !== 'trace') throw new UploadError(`upload '${u.name}' is a session, not a trace`);
    return u.path;
  }

  /** Uploads held. */
  get size(): number {
    return this.uploads.size;
  }

  /** Deletes every upload and the folder. */
  async dispose(): Promise<void> {
    this.closed = true;
    for (const u of this.uploads.values()) await u.handle?.close().catch(() => undefined);
    this.uploads.clear();
    const dir = this.dir;
    this.dir = null;
    // An opened session or a running replay holds its file open: removing the name is safe on POSIX.
    if (dir !== null) await rm(await dir, { recursive: true, force: true });
  }

  private get(uploadId: string): Upload {
    const u = this.uploads.get(uploadId);
    if (u === undefined) throw new UploadError(`no upload '${uploadId}' on this connection`);
    return u;
  }

  private folder(): Promise<string> {
    this.dir ??= mkdtemp(join(tmpdir(), 'arenascope-uploads-'));
    return this.dir;
  }

  private async drop(u: Upload): Promise<void> {
    this.uploads.delete(u.id);
    await u.handle?.close().catch(() => undefined);
    await rm(u.path, { force: true });
  }

  /**
   * Reads the whole trace as a replay would. A gzip file (by its magic bytes, whatever its name) is
   * renamed with `.gz` so the reader decompresses it. Errors name the client's file, line and
   * what was expected, never the line's text; a bad upload is dropped.
   */
  private async checkTrace(u: Upload): Promise<TraceUploaded> {
    const head = Buffer.alloc(2);
    const h = await open(u.path, 'r');
    try {
      await h.read(head, 0, 2, 0);
    } finally {
      await h.close();
    }
    if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) {
      await rename(u.path, `${u.path}.gz`);
      u.path = `${u.path}.gz`;
    }
    try {
      const summary = await readTrace(u.path, () => undefined);
      return { uploadId: u.id, ops: summary.ops };
    } catch (error) {
      await this.drop(u);
      const message = error instanceof TraceError ? error.contentFreeMessage : errorMessage(error);
      // The reader names the file by its path on the server: the client knows it by its own name.
      throw new UploadError(`upload '${u.name}' is not a valid trace: ${message.split(u.path).join(u.name)}; upload dropped`);
    }
  }
}
