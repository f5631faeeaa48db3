/**
 * Workers as Node child processes (`child_process.fork`): the command line, the browser server and
 * the tests. From the TypeScript sources the worker entry runs through tsx; a built entry (a .js
 * or .mjs file) runs as is.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execArgvFor } from '../../node/tsx-exec-argv';
import type { HostToWorker } from '../../../shared/protocol/worker-messages';
import { exitReason, LastLine } from './exit-reason';
import type { Launcher, WorkerExit, WorkerHandle } from './launcher';

/** How long an exited worker's stderr may take to be read to its end. */
const STDERR_GRACE_MS = 200;

export interface NodeLauncherOptions {
  /** The worker entry file. Default: a built `worker.js` beside this module, else the sources' `electron/worker/index.ts`. */
  entry?: string;
  /** Node options for the child; default: tsx's loader for a .ts entry, nothing otherwise. */
  execArgv?: string[];
  /** Each line the worker writes to stderr; default: copied to this process's stderr, prefixed with the pid. */
  onStderrLine?: (line: string, pid: number | undefined) => void;
}

/** The entry a launcher forks when none is given. */
export function defaultWorkerEntry(): string {
  const built = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(built)) return built;
  return fileURLToPath(new URL('../../worker/index.ts', import.meta.url));
}

export class NodeLauncher implements Launcher {
  readonly entry: string;
  private readonly execArgv: string[];
  private readonly onStderrLine: (line: string, pid: number | undefined) => void;

  constructor(options: NodeLauncherOptions = {}) {
    this.entry = options.entry ?? defaultWorkerEntry();
    this.execArgv = options.execArgv ?? execArgvFor(this.entry);
    this.onStderrLine = options.onStderrLine ?? ((line, pid) => void process.stderr.write(`[worker ${pid ?? '?'}] ${line}\n`));
  }

  launch(): WorkerHandle {
    const child = fork(this.entry, [], {
      execArgv: this.execArgv,
      // Structured-clone serialization, like Electron's utility process channel.
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    return new NodeWorkerHandle(child, this.onStderrLine);
  }
}

class NodeWorkerHandle implements WorkerHandle {
  private readonly stderr = new LastLine();
  private exit: WorkerExit | null = null;
  private readonly exitListeners: ((exit: WorkerExit) => void)[] = [];
  private spawnError: Error | null = null;

  constructor(
    private readonly child: ChildProcess,
    onStderrLine: (line: string, pid: number | undefined) => void,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderr.push(chunk, (line) => onStderrLine(line, child.pid)));
    // 'error': the process could not be spawned or killed, or a send failed. Without a listener
    // Node would throw it in the host; the exit (or its absence) tells the rest.
    child.on('error', (error) => {
      if (child.pid === undefined) this.spawnError = error;
    });
    // A process that never started emits 'error' and 'close' only.
    child.once('close', (code, signal) => this.ended(code, signal));
    // Not 'close' alone: it never comes once the host has disconnected the channel. After 'exit',
    // stderr is given a moment to be read to its end, so the reason can quote the last words.
    child.once('exit', (code, signal) => {
      const stderr = child.stderr;
      if (stderr === null || stderr.readableEnded || stderr.destroyed) return this.ended(code, signal);
      const timer = setTimeout(() => this.ended(code, signal), STDERR_GRACE_MS);
      stderr.once('close', () => {
        clearTimeout(timer);
        this.ended(code, signal);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: HostToWorker): void {
    if (!this.child.connected) return;
    this.child.send(message, (error) => {
      // The worker went away between the check and the write: its exit reports it.
      void error;
    });
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.child.on('message', listener);
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exit !== null) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  kill(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): void {
    if (this.exit !== null || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exit !== null) return;
    const said = this.spawnError ? `could not start: ${this.spawnError.message}` : this.stderr.value;
    this.exit = { code, signal, reason: exitReason(code, signal, said) };
    for (const listener of this.exitListeners.splice(0)) listener(this.exit);
  }
}
