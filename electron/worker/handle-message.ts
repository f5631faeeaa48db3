/**
 * What the worker answers to each message: pure, so it can be tested without a process.
 */
import { PROTOCOL_VERSION } from '../../shared/protocol/bridge';
import { isWorkerPing } from '../../shared/protocol/worker-messages';
import type { WorkerToHost } from '../../shared/protocol/worker-messages';

/** The reply to send, or `null` for a message the worker does not understand. */
export function handleMessage(message: unknown): WorkerToHost | null {
  if (isWorkerPing(message)) {
    return { type: 'pong', protocolVersion: PROTOCOL_VERSION };
  }
  // Unknown messages are dropped rather than answered: a host speaking another protocol version
  // learns that from the pong, not from a stream of errors.
  return null;
}
