/**
 * Starts the worker once as a utility process, pings it and stops it: proves at startup that the
 * bundled worker entry exists and speaks our protocol, until the host's launcher takes over
 * running workers for real.
 */
import { utilityProcess } from 'electron';
import { isWorkerPong } from '../../shared/protocol/worker-messages';
import type { WorkerPing } from '../../shared/protocol/worker-messages';

/** Resolves with the worker's protocol version; rejects if it dies or stays silent. */
export function probeWorker(entryPath: string, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = utilityProcess.fork(entryPath, [], { serviceName: 'Arenascope worker', stdio: 'inherit' });
    let settled = false;
    const settle = (outcome: number | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      if (typeof outcome === 'number') resolve(outcome);
      else reject(outcome);
    };
    const timer = setTimeout(() => settle(new Error(`worker did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
    child.once('spawn', () => child.postMessage({ type: 'ping' } satisfies WorkerPing));
    child.on('message', (message: unknown) => {
      if (isWorkerPong(message)) settle(message.protocolVersion);
    });
    child.once('exit', (code) => settle(new Error(`worker exited with code ${code} before answering`)));
  });
}
