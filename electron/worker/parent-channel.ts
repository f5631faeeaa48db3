/**
 * The worker's line to its host, whichever way it was started.
 *
 * Under Electron, `utilityProcess.fork` gives the child `process.parentPort` (messages arrive
 * wrapped in an event's `data`); under plain Node, `child_process.fork` gives it `process.send`
 * and `process.on('message')`. The rest of the worker sees only this interface, so the same code
 * runs under the desktop app, the command line and the tests.
 *
 * Deliberately free of Electron imports: the port is described structurally below.
 */

export interface ParentChannel {
  onMessage(listener: (message: unknown) => void): void;
  send(message: unknown): void;
}

/** The part of Electron's `ParentPort` the worker uses. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The process fields either launcher may have set; both may be absent (started by hand). */
interface LaunchedProcess {
  parentPort?: ParentPortLike;
  send?: (message: unknown) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

export function connectToParent(proc: LaunchedProcess = process as LaunchedProcess): ParentChannel | null {
  const port = proc.parentPort;
  if (port) {
    return {
      onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
      send: (message) => port.postMessage(message),
    };
  }
  const send = proc.send?.bind(proc);
  if (send) {
    return {
      onMessage: (listener) => void proc.on('message', listener),
      send: (message) => void send(message),
    };
  }
  return null;
}
