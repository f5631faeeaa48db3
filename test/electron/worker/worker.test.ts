// The worker entry as a real child process (forked from source through tsx), spoken to over the
// child_process IPC channel as the command line and the browser server will.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkerExit, WorkerHandle } from '../../../electron/host/workers/launcher';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version';
import { parseMessage, WorkerToHostSchema, type HostToWorker, type WorkerToHost } from '../../../shared/protocol/worker-messages';
import { runInProcess, withoutWallTime } from '../in-process-run';
import { waitFor } from '../wait';

const WORKER_ENTRY = fileURLToPath(new URL('../../../electron/worker/index.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../fixtures/conformance/traces/interleave.pymtrace.gz', import.meta.url));

interface Worker {
  handle: WorkerHandle;
  received: WorkerToHost[];
  stderr: string[];
  exit: WorkerExit | null;
}

const workers: Worker[] = [];

function startWorker(): Worker {
  const stderr: string[] = [];
  const handle = new NodeLauncher({ onStderrLine: (line) => stderr.push(line) }).launch();
  const w: Worker = { handle, received: [], stderr, exit: null };
  handle.onMessage((raw) => {
    // Whatever the worker sends must be a protocol message.
    const parsed = parseMessage(WorkerToHostSchema, raw);
    if (!parsed.ok) throw new Error(`worker sent a malformed message: ${parsed.reason}`);
    w.received.push(parsed.value);
  });
  handle.onExit((exit) => {
    w.exit = exit;
  });
  workers.push(w);
  return w;
}

const start = (config: RunConfig): HostToWorker => ({ type: 'start', protocolVersion: PROTOCOL_VERSION, config });
const ofType = <T extends WorkerToHost['type']>(w: Worker, type: T): Extract<WorkerToHost, { type: T }>[] =>
  w.received.filter((m): m is Extract<WorkerToHost, { type: T }> => m.type === type);

function lastRow(w: Worker): number[] {
  const last = ofType(w, 'samples').at(-1)!;
  return last.columns.map((c) => c.at(-1)!);
}

// Whatever a failing test left behind is killed, so no worker outlives the run.
afterEach(async () => {
  for (const w of workers.splice(0)) {
    w.handle.kill('SIGKILL');
    await waitFor('the worker to exit', () => w.exit !== null);
  }
});

describe('worker process', () => {
  it('answers a ping, shrugs off garbage with non-fatal errors, then runs a workload to the end and exits 0', async () => {
    const w = startWorker();
    w.handle.send({ type: 'ping' });
    for (const garbage of ['not even an object', { type: 'no-such-message' }, { type: 'step', ops: 0 }]) w.handle.send(garbage as unknown as HostToWorker);
    await waitFor('replies', () => w.received.length >= 4);
    expect(w.received[0]).toEqual({ type: 'pong', protocolVersion: PROTOCOL_VERSION });
    expect(w.received.slice(1).map((m) => m.type === 'error' && !m.fatal)).toEqual([true, true, true]);
    expect(w.received[1]).toMatchObject({ message: expect.stringContaining('malformed message ignored:') });

    const config: RunConfig = { workload: 'seed-16b-fill-free', params: { N: 100_000 }, seed: '1', python: '3.8', sampleEvery: 5000 };
    w.handle.send(start(config));
    await waitFor('the exit', () => w.exit !== null);
    expect(w.exit).toMatchObject({ code: 0, signal: null });
    const expected = await runInProcess(config);
    expect(ofType(w, 'done')).toEqual([{ type: 'done', state: 'done', ops: expected.ops, wallMs: expect.any(Number) }]);
    expect(withoutWallTime(lastRow(w))).toEqual(withoutWallTime(expected.final));
    expect(w.received.at(-1)).toMatchObject({ type: 'status', state: 'done' });
    // The malformed messages were logged with their reason.
    expect(w.stderr.filter((l) => l.includes('malformed message ignored'))).toHaveLength(3);
  });

  it('refuses a start from another protocol version, or with a bad parameter, with a fatal error and exit 1', async () => {
    const a = startWorker();
    a.handle.send({
      type: 'start',
      protocolVersion: PROTOCOL_VERSION + 1,
      config: { workload: 'steady-churn', params: {}, seed: '1', python: '3.11', sampleEvery: 10 },
    });
    const b = startWorker();
    b.handle.send(start({ workload: 'steady-churn', params: { L: 'many' }, seed: '1', python: '3.11', sampleEvery: 10 }));
    await waitFor('both exits', () => a.exit !== null && b.exit !== null);
    expect(a.exit!.code).toBe(1);
    expect(ofType(a, 'error')).toEqual([{ type: 'error', fatal: true, message: expect.stringContaining('protocol mismatch') }]);
    expect(b.exit!.code).toBe(1);
    expect(ofType(b, 'error')[0]!.message).toMatch(/^parameter 'L' = "many": expected a number/);
  });

  it('replays a trace file read in the worker, phases included', async () => {
    const w = startWorker();
    const config: RunConfig = { workload: 'trace-replay', params: { path: FIXTURE }, seed: '1', python: '3.11', sampleEvery: 1000 };
    w.handle.send(start(config));
    await waitFor('the exit', () => w.exit !== null);
    const expected = await runInProcess(config);
    expect(w.exit!.code).toBe(0);
    expect(ofType(w, 'done')[0]).toMatchObject({ state: 'done', ops: expected.ops });
    expect(withoutWallTime(lastRow(w))).toEqual(withoutWallTime(expected.final));
    expect(ofType(w, 'phase').map(({ op, label }) => ({ op, label }))).toEqual(expected.phases);
  });

  it('exits when its host disconnects', async () => {
    // A raw fork: the launcher's handle does not offer to drop the channel.
    const child = fork(WORKER_ENTRY, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const exited = once(child, 'exit');
    child.send(start({ workload: 'steady-churn', params: { L: 5000 }, seed: '1', python: '3.11', ops: 1e12, sampleEvery: 10_000 }));
    await once(child, 'message');
    child.disconnect();
    try {
      expect(await exited).toEqual([0, null]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
