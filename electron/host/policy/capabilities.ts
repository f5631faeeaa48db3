/**
 * The host's capability policy: what a client of the bridge may do beyond running workloads and
 * viewing and exporting runs. Every bridge method that accepts a path on the host, or starts a
 * program other than our own worker, asks the policy first:
 *
 *   const real = await policy.readablePath(path, 'trace-replay path');   // the path to open
 *   policy.startProgram('recording a Python program');                     // throws unless allowed
 *
 * The desktop app (one local user, IPC from our own window) is not restricted (`DESKTOP_POLICY`).
 * `serve` builds its policy from its flags (`servePolicy`): off by default, and each refusal names
 * the flag that would allow it. Errors may quote a file's content only where the user owns the
 * file (`quoteFileContent`): the app and the command line, never a browser over the WebSocket.
 */
import { DESKTOP_CAPABILITIES, type HostCapabilities } from '../../../shared/protocol/capabilities';
import { realpath } from 'node:fs/promises';
import { confinedFile, type FileRoot, fileRoots } from './confined-paths';
import { InputError } from '../../../shared/errors';

export interface HostPolicy {
  /** What the client is told it may do (the WebSocket hello carries it). */
  readonly capabilities: HostCapabilities;
  /** Whether a run's error may quote the offending text of a file (the user owns the file). */
  readonly quoteFileContent: boolean;
  /** The path to open for a path a client gave, or a CapabilityError / PathRefusedError saying why not. */
  readablePath(path: string, what: string): Promise<string>;
  /** Throws a CapabilityError unless the client may start programs on the host. */
  startProgram(what: string): void;
  /**
   * The interpreter to start for a path a client named (a program to record, a real run): only
   * where programs are allowed, and in serve mode only one of `discovered` (the host's own list,
   * electron/node/python/discover.ts) or, with `--allow-files`, a file inside an allowed folder.
   */
  interpreterPath(path: string, discovered: readonly string[], what: string): Promise<string>;
}

/** A capability the host was not given; `flag` is the option that would give it. */
export class CapabilityError extends InputError {
  constructor(
    message: string,
    readonly flag: string,
  ) {
    super(message);
    this.name = 'CapabilityError';
  }
}

export const DESKTOP_POLICY: HostPolicy = Object.freeze({
  capabilities: DESKTOP_CAPABILITIES,
  quoteFileContent: true,
  readablePath: async (path: string) => path,
  startProgram: () => undefined,
  interpreterPath: async (path: string) => path,
});

export interface ServePolicyOptions {
  /** `--allow-files DIR`, repeatable: folders whose files a client may name. */
  allowFiles?: readonly string[];
  /** `--allow-programs`: a client may start Python programs and real interpreters. */
  allowPrograms?: boolean;
}

/** The policy of a browser server; throws (with the flag named) when an allowed folder is unusable. */
export async function servePolicy(options: ServePolicyOptions = {}): Promise<HostPolicy> {
  const roots = await fileRoots(options.allowFiles ?? []);
  return new ServePolicy(roots, options.allowPrograms === true);
}

class ServePolicy implements HostPolicy {
  readonly capabilities: HostCapabilities;
  readonly quoteFileContent = false;

  constructor(
    private readonly roots: readonly FileRoot[],
    private readonly programs: boolean,
  ) {
    this.capabilities = Object.freeze({
      files: roots.length > 0 ? 'confined' : 'none',
      fileRoots: roots.map((r) => r.given),
      programs,
      // The server adds its upload limits to the hello (electron/serve/server.ts).
      uploads: null,
    });
  }

  async readablePath(path: string, what: string): Promise<string> {
    if (this.roots.length === 0) {
      throw new CapabilityError(
        `${what}: this server does not read its files for clients (start it with --allow-files DIR to allow a folder)`,
        '--allow-files',
      );
    }
    return confinedFile(path, this.roots, what);
  }

  startProgram(what: string): void {
    if (!this.programs)
      throw new CapabilityError(`${what}: this server does not start programs for clients (start it with --allow-programs)`, '--allow-programs');
  }

  async interpreterPath(path: string, discovered: readonly string[], what: string): Promise<string> {
    this.startProgram(what);
    const real = await realpath(path).catch(() => null);
    if (real !== null) {
      for (const d of discovered) {
        if ((await realpath(d).catch(() => null)) === real) return d;
      }
    }
    if (this.roots.length > 0) return confinedFile(path, this.roots, what);
    // One message whether or not the path exists: a refusal tells nothing of the disk.
    throw new CapabilityError(
      `${what}: this server starts only the interpreters it found (on PATH and in pyenv); start it with --allow-files DIR to allow interpreters inside a folder`,
      '--allow-files',
    );
  }
}
