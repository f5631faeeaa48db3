/**
 * What the host on the other end of the bridge lets this client do beyond running workloads and
 * viewing and exporting runs. The desktop app (one local user) may do everything; a browser served
 * by `serve` only what the server was started with (docs/security.md). The WebSocket's hello
 * carries it; over Electron IPC there is no hello and the page assumes DESKTOP_CAPABILITIES.
 */
import type { UploadLimits } from './uploads';

export interface HostCapabilities {
  /**
   * Reading files on the host by path (a trace to replay, a session to open): `any` path, only paths
   * inside `fileRoots` (`serve --allow-files DIR`), or `none`.
   */
  files: 'any' | 'confined' | 'none';
  /** The folders a path may lie in when `files` is `confined` (absolute, as the host resolved them). */
  fileRoots: readonly string[];
  /** Starting programs on the host (a Python program to record, a real interpreter): `serve --allow-programs`. */
  programs: boolean;
  /**
   * Uploading a trace or a session over the WebSocket (shared/protocol/uploads.ts): a browser of
   * `serve` always may, within these limits; null in the desktop app (it has file dialogs).
   */
  uploads: UploadLimits | null;
}

export const DESKTOP_CAPABILITIES: HostCapabilities = Object.freeze({ files: 'any', fileRoots: [], programs: true, uploads: null });

/** Reads a hello's `capabilities` loosely: anything unreadable means the most restricted set. */
export function readCapabilities(raw: unknown): HostCapabilities {
  if (typeof raw !== 'object' || raw === null) return { files: 'none', fileRoots: [], programs: false, uploads: null };
  const m = raw as Record<string, unknown>;
  const files = m['files'] === 'any' || m['files'] === 'confined' ? m['files'] : 'none';
  const roots = Array.isArray(m['fileRoots']) ? m['fileRoots'].filter((r): r is string => typeof r === 'string') : [];
  const u = m['uploads'] as { maxBytes?: unknown; chunkBytes?: unknown } | null | undefined;
  const uploads =
    typeof u === 'object' && u !== null && typeof u.maxBytes === 'number' && typeof u.chunkBytes === 'number' && u.maxBytes > 0 && u.chunkBytes > 0
      ? { maxBytes: u.maxBytes, chunkBytes: u.chunkBytes }
      : null;
  return { files, fileRoots: roots, programs: m['programs'] === true, uploads };
}
