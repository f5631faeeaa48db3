/**
 * Messages between the host and a worker (utility process or forked Node child).
 *
 * Placeholder: only the liveness check exists until the run protocol lands. The worker checks
 * every message it receives with these guards, because the message crossed a process boundary.
 */

/** Host → worker: "are you alive, and which protocol do you speak?" */
export interface WorkerPing {
  readonly type: 'ping';
}

/** Worker → host: the answer to a ping. */
export interface WorkerPong {
  readonly type: 'pong';
  readonly protocolVersion: number;
}

export type HostToWorker = WorkerPing;
export type WorkerToHost = WorkerPong;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isWorkerPing(value: unknown): value is WorkerPing {
  return isRecord(value) && value['type'] === 'ping';
}

export function isWorkerPong(value: unknown): value is WorkerPong {
  return isRecord(value) && value['type'] === 'pong' && Number.isInteger(value['protocolVersion']);
}
