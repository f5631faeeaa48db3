/**
 * How the host starts a worker process, whatever the environment: `child_process.fork` under
 * plain Node (command line, browser server, tests), `utilityProcess.fork` under Electron. The run
 * manager sees only this interface.
 */
import type { HostToWorker } from '../../../shared/protocol/worker-messages';

export interface WorkerExit {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  signal: string | null;
  /** In words: "exited with code 1: <last stderr line>", "killed by SIGKILL", … */
  reason: string;
}

export interface WorkerHandle {
  /** Sends a message; dropped once the process has gone. */
  send(message: HostToWorker): void;
  /** Every message the worker sends, unvalidated: the receiver checks it. */
  onMessage(listener: (raw: unknown) => void): void;
  /** Called once, when the process has ended. */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Ends the process: SIGTERM unless told otherwise (Electron always ends it its own way). */
  kill(signal?: 'SIGTERM' | 'SIGKILL'): void;
  readonly pid?: number;
}

export interface Launcher {
  launch(): WorkerHandle;
}
