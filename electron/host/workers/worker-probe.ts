/**
 * Starts one worker, pings it and ends it: proves that the worker entry exists, starts, and speaks
 * this host's protocol. The desktop app runs it at startup, so that a broken bundle shows up in
 * the log at once rather than at the first run.
 */
import { parseMessage, WorkerToHostSchema } from '../../../shared/protocol/worker-messages';
import type { Launcher } from './launcher';

/** Resolves with the worker's protocol version; rejects if it dies or stays silent. */
export function probeWorker(launcher: Launcher, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = launcher.launch();
    let settled = false;
    const settle = (outcome: number | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.kill();
      if (typeof outcome === 'number') resolve(outcome);
      else reject(outcome);
    };
    const timer = setTimeout(() => settle(new Error(`worker did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
    worker.onMessage((raw) => {
      const parsed = parseMessage(WorkerToHostSchema, raw);
      if (parsed.ok && parsed.value.type === 'pong') settle(parsed.value.protocolVersion);
    });
    worker.onExit((exit) => settle(new Error(`worker ${exit.reason} before answering a ping`)));
    worker.send({ type: 'ping' });
  });
}
