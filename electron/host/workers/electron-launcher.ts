/**
 * Workers as Electron utility processes (`utilityProcess.fork`): the desktop app. Referenced only
 * from electron/main; the command line and the browser server use the Node launcher, so that they
 * never load Electron.
 *
 * Type-checked only in CI: the tests run the same worker through `child_process.fork`.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import type { HostToWorker } from '../../../shared/protocol/worker-messages';
import { exitReason, LastLine } from './exit-reason';
import type { Launcher, WorkerExit, WorkerHandle } from './launcher';

export interface ElectronLauncherOptions {
  /** Each line a worker writes to stderr; default: copied to the main process's stderr. */
  onStderrLine?: (line: string, pid: number | undefined) => void;
}

export class ElectronLauncher implements Launcher {
  private launched = 0;
  private readonly onStderrLine: (line: string, pid: number | undefined) => void;

  /** `entry`: the built worker, as main's `?modulePath` import gives it. */
  constructor(
    readonly entry: string,
    options: ElectronLauncherOptions = {},
  ) {
    this.onStderrLine = options.onStderrLine ?? ((line, pid) => void process.stderr.write(`[worker ${pid ?? '?'}] ${line}\n`));
  }

  launch(): WorkerHandle {
    const child = utilityProcess.fork(this.entry, [], {
      // Shown in the OS task manager, one name per worker.
      serviceName: `Arenascope worker ${++this.launched}`,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    return new UtilityWorkerHandle(child, this.onStderrLine);
  }
}

class UtilityWorkerHandle implements WorkerHandle {
  private readonly stderr = new LastLine();
  private spawned = false;
  /** Messages sent before the process is up, delivered on 'spawn'. */
  private queued: HostToWorker[] = [];
  private exit: WorkerExit | null = null;
  private readonly exitListeners: ((exit: WorkerExit) => void)[] = [];
  private fatal: string | null = null;
  private lastPid: number | undefined;

  constructor(
    private readonly child: UtilityProcess,
    onStderrLine: (line: string, pid: number | undefined) => void,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => this.stderr.push(chunk, (line) => onStderrLine(line, this.lastPid)));
    child.once('spawn', () => {
      this.spawned = true;
      this.lastPid = child.pid;
      for (const message of this.queued.splice(0)) child.postMessage(message);
    });
    // V8 gave up (out of memory and the like); 'exit' follows.
    child.on('error', (type, location) => {
      this.fatal = `${type} at ${location}`;
    });
    child.once('exit', (code) => this.ended(code));
  }

  get pid(): number | undefined {
    return this.child.pid ?? this.lastPid;
  }

  send(message: HostToWorker): void {
    if (this.exit !== null) return;
    if (this.spawned) this.child.postMessage(message);
    else this.queued.push(message);
  }

  onMessage(listener: (raw: unknown) => void): void {
    this.child.on('message', listener);
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    if (this.exit !== null) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  /** Electron ends a utility process with SIGTERM and reaps it; it offers no other signal. */
  kill(): void {
    if (this.exit === null) this.child.kill();
  }

  private ended(code: number): void {
    if (this.exit !== null) return;
    this.exit = { code, signal: null, reason: exitReason(code, null, this.fatal ?? this.stderr.value) };
    for (const listener of this.exitListeners.splice(0)) listener(this.exit);
  }
}
