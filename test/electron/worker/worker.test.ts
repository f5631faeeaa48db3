// The worker entry under plain Node, as the command line and the tests launch it: forked from
// source through tsx, spoken to over the child_process IPC channel.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../../shared/protocol/bridge';

const WORKER_ENTRY = fileURLToPath(new URL('../../../electron/worker/index.ts', import.meta.url));

const children: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = fork(WORKER_ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    // Structured-clone serialization, like Electron's utility process channel.
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return child;
}

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`worker exited (code ${code}) before replying`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message) => {
      child.off('exit', onExit);
      child.off('error', reject);
      resolve(message);
    });
  });
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

// Whatever a failing test left behind is killed, so no worker outlives the run.
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (hasExited(child)) continue;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
});

describe('worker entry', () => {
  it('answers a ping with a pong carrying the protocol version, then exits when the host disconnects', async () => {
    const child = startWorker();
    const reply = nextMessage(child);
    child.send({ type: 'ping' });
    expect(await reply).toEqual({ type: 'pong', protocolVersion: PROTOCOL_VERSION });

    const exited = once(child, 'exit');
    child.disconnect();
    expect(await exited).toEqual([0, null]);
  });

  it('ignores messages it does not understand and keeps serving', async () => {
    const child = startWorker();
    const reply = nextMessage(child);
    child.send({ type: 'no-such-message' });
    child.send('not even an object');
    child.send({ type: 'ping' });
    expect(await reply).toEqual({ type: 'pong', protocolVersion: PROTOCOL_VERSION });

    const exited = once(child, 'exit');
    child.disconnect();
    expect(await exited).toEqual([0, null]);
  });
});
