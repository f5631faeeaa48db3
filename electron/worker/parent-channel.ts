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
  /**
   * Messages sent but not yet handed to the operating system: the host's backpressure, as far as
   * the transport reports it. A `child_process` channel acknowledges every send; Electron's
   * `parentPort` has no such signal, so there it is always 0 and the worker relies on its own
   * bounds (a flush rate and a bounded sample buffer).
   */
  readonly unacknowledged: number;
  /** Resolves once every message sent so far has left the process (best effort on `parentPort`). */
  drain(): Promise<void>;
  /** The host went away (its end of the channel closed). */
  onDisconnect(listener: () => void): void;
}

/** The part of Electron's `ParentPort` the worker uses. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** The process fields either launcher may have set; both may be absent (started by hand). */
interface LaunchedProcess {
  parentPort?: ParentPortLike;
  send?: (message: unknown, sendHandle: undefined, options: object, callback: (error: Error | null) => void) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

export function connectToParent(proc: LaunchedProcess = process as LaunchedProcess): ParentChannel | null {
  const port = proc.parentPort;
  if (port) return portChannel(port);
  const send = proc.send?.bind(proc);
  if (send) return childProcessChannel(proc, send);
  return null;
}

function portChannel(port: ParentPortLike): ParentChannel {
  return {
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    send: (message) => port.postMessage(message),
    unacknowledged: 0,
    // postMessage hands the message to Electron's IPC at once; one turn of the event loop lets
    // it go out before the caller exits.
    drain: () => new Promise((resolve) => setTimeout(resolve, 0)),
    // Electron ends its utility processes itself when the app quits.
    onDisconnect: () => undefined,
  };
}

function childProcessChannel(proc: LaunchedProcess, send: NonNullable<LaunchedProcess['send']>): ParentChannel {
  let unacknowledged = 0;
  let drained: (() => void)[] = [];
  let connected = true;
  const settle = (): void => {
    if (unacknowledged > 0) return;
    const waiting = drained;
    drained = [];
    for (const resolve of waiting) resolve();
  };
  proc.on('disconnect', () => {
    connected = false;
    unacknowledged = 0;
    settle();
  });
  return {
    onMessage: (listener) => void proc.on('message', listener),
    send: (message) => {
      // After the host disconnected there is nobody to tell; sending would throw.
      if (!connected) return;
      unacknowledged++;
      send(message, undefined, {}, () => {
        unacknowledged--;
        settle();
      });
    },
    get unacknowledged() {
      return unacknowledged;
    },
    drain: () =>
      new Promise((resolve) => {
        drained.push(resolve);
        settle();
      }),
    onDisconnect: (listener) => void proc.on('disconnect', listener),
  };
}
