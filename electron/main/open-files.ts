/**
 * Files the operating system asks the app to open: paths on the command line (Windows and Linux
 * file associations run `arenascope FILE`; a second launch forwards its command line to the first
 * through 'second-instance') and macOS 'open-file' events. Pure: the caller passes the command
 * line, the working directory it was given in, and whether Electron runs as a default app.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VersionInfo } from '../../shared/protocol/bridge';
import { DEFAULT_SAMPLE_EVERY, type RunConfig } from '../../shared/protocol/run-config';
import { errorMessage } from '../../shared/errors';

export type OpenKind = 'session' | 'trace';

export interface OpenRequest {
  readonly kind: OpenKind;
  /** Absolute. */
  readonly path: string;
}

/** What a file's name says it is (case-insensitive); null for anything else. */
export function fileKind(path: string): OpenKind | null {
  const name = path.toLowerCase();
  if (name.endsWith('.pymtrace') || name.endsWith('.pymtrace.gz')) return 'trace';
  if (name.endsWith('.arenascope') || name.endsWith('.arenascope.gz')) return 'session';
  return null;
}

export interface ArgvOptions {
  /** The directory relative paths are resolved from (the launching process's). */
  cwd: string;
  /**
   * `process.defaultApp`: Electron started as `electron APP_PATH ...` (development), so the
   * application path comes before the user's arguments.
   */
  defaultApp: boolean;
}

/**
 * The files named on a command line (`process.argv`, or the argv 'second-instance' receives), in
 * order, each absolute: the executable (and, for a default app, the app path) skipped, switches
 * (`-x`, `--flag`, `--key=value`, which Chromium may add) skipped, `file://` URLs (a desktop entry's
 * `%U`) turned into paths. Everything after `--` is taken as a file.
 */
export function filesFromArgv(argv: readonly string[], { cwd, defaultApp }: ArgvOptions): string[] {
  const files: string[] = [];
  let onlyFiles = false;
  for (const arg of argv.slice(defaultApp ? 2 : 1)) {
    if (!onlyFiles && arg === '--') {
      onlyFiles = true;
      continue;
    }
    if (arg === '' || (!onlyFiles && arg.startsWith('-'))) continue;
    const path = toPath(arg, cwd);
    if (path !== null) files.push(path);
  }
  return files;
}

/** `arg` as an absolute path, or null when it is a URL of another scheme. */
function toPath(arg: string, cwd: string): string | null {
  if (/^file:/i.test(arg)) {
    try {
      return fileURLToPath(arg);
    } catch {
      return null;
    }
  }
  // Any other scheme (http:, a protocol handler's URL): not a file. "C:\x" is a Windows path.
  if (/^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg)) return null;
  return isAbsolute(arg) ? arg : resolve(cwd, arg);
}

export interface SortedFiles {
  /** Sessions and traces, in the order given, duplicates removed. */
  open: OpenRequest[];
  /** Files that are neither (the user is told why they were not opened). */
  unknown: string[];
}

export function sortFiles(paths: readonly string[]): SortedFiles {
  const open: OpenRequest[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) continue;
    seen.add(path);
    const kind = fileKind(path);
    if (kind === null) unknown.push(path);
    else open.push({ kind, path });
  }
  return { open, unknown };
}

/** Why a file was not opened, for the page's notice. */
export function unknownFileMessage(path: string): string {
  return `cannot open ${path}: not an Arenascope session (.arenascope, .arenascope.gz) or a pymalloc trace (.pymtrace, .pymtrace.gz)`;
}

/**
 * Requests that arrive before the app can act on them (macOS sends 'open-file' before 'ready';
 * the page may still be loading) wait here, and leave in order once a consumer is attached.
 */
export class OpenQueue {
  private pending: string[] = [];
  private consumer: ((paths: string[]) => void) | null = null;

  add(paths: readonly string[]): void {
    if (paths.length === 0) return;
    if (this.consumer) this.consumer([...paths]);
    else this.pending.push(...paths);
  }

  /** From now on paths go straight to `consumer`; the ones waiting go first. */
  attach(consumer: (paths: string[]) => void): void {
    this.consumer = consumer;
    const waiting = this.pending;
    this.pending = [];
    if (waiting.length > 0) consumer(waiting);
  }

  /** Paths wait again (the window closed). */
  detach(): void {
    this.consumer = null;
  }
}

/** What opening needs of the host (AppHost fits). */
export interface OpenTarget {
  openSession(path: string): Promise<unknown>;
  startRun(config: RunConfig): Promise<{ runId: string }>;
  versions(): Promise<VersionInfo[]>;
  notify(level: 'info' | 'error', message: string): void;
}

/**
 * A trace opened from the desktop starts a replay with what the run form would offer first: the
 * newest CPython version, seed 0, the default sampling. The user can replay it again with others.
 */
export async function traceRunConfig(path: string, target: Pick<OpenTarget, 'versions'>): Promise<RunConfig> {
  const versions = await target.versions();
  const python = versions[0]?.examples[0];
  if (python === undefined) throw new Error('no CPython version to replay it with');
  return { workload: 'trace-replay', params: { path }, seed: '0', python, sampleEvery: DEFAULT_SAMPLE_EVERY };
}

/** Opens each file in turn; a failure becomes an error notice for the page, never an exception. */
export async function openFiles(paths: readonly string[], target: OpenTarget): Promise<void> {
  const { open, unknown } = sortFiles(paths);
  for (const path of unknown) target.notify('error', unknownFileMessage(path));
  for (const { kind, path } of open) {
    try {
      if (kind === 'session') await target.openSession(path);
      else await target.startRun(await traceRunConfig(path, target));
    } catch (error) {
      target.notify('error', `cannot open ${path}: ${errorMessage(error)}`);
    }
  }
}
