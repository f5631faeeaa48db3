// The run manager with real worker processes (forked from source through tsx): concurrent runs,
// pause / resume / step / stop, crashes, garbage from a worker, and quitting without orphans. The
// runs' states are what reduceRun makes of the manager's events, as the app and the CLI see them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeLauncher } from '../../../../electron/host/workers/node-launcher';
import { RunManager, UnknownRunError, type RunEvent, type RunManagerOptions } from '../../../../electron/host/workers/run-manager';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { NEW_RUN_RECORD, reduceRun, type RunRecord } from '../../../../shared/protocol/run-record';
import { SERIES_INDEX } from '../../../../shared/run/sample';
import { runInProcess, withoutWallTime } from '../../in-process-run';
import { isAlive, waitFor } from '../../wait';

const OP = SERIES_INDEX['op'];
const ARENAS = SERIES_INDEX['arenas'];
const fixtureWorker = (name: string): string => fileURLToPath(new URL(`../../../fixtures/workers/${name}.ts`, import.meta.url));

const fillFree = (python: string): RunConfig => ({ workload: 'seed-16b-fill-free', params: { N: 150_000 }, seed: '1', python, sampleEvery: 10_000 });
/** Endless and light: runs until the test stops it. */
const churn = (): RunConfig => ({ workload: 'steady-churn', params: { L: 5000 }, seed: '3', python: '3.12', ops: 1e12, sampleEvery: 50_000 });

interface Timed {
  at: number;
  event: RunEvent;
}

class Harness {
  readonly manager: RunManager;
  readonly events = new Map<string, Timed[]>();
  readonly logs: string[] = [];
  readonly stderr: string[] = [];

  constructor(entry?: string, options: RunManagerOptions = {}) {
    const launcher = new NodeLauncher({ ...(entry ? { entry } : {}), onStderrLine: (line) => this.stderr.push(line) });
    this.manager = new RunManager(launcher, { log: (line) => this.logs.push(line), ...options });
    this.manager.onEvent(({ runId, event }) => {
      const list = this.events.get(runId) ?? [];
      list.push({ at: performance.now(), event });
      this.events.set(runId, list);
    });
    harnesses.push(this);
  }

  of<T extends RunEvent['type']>(runId: string, type: T): Extract<RunEvent, { type: T }>[] {
    return (this.events.get(runId) ?? []).map((t) => t.event).filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
  }

  types(runId: string): string[] {
    return (this.events.get(runId) ?? []).map((t) => t.event.type);
  }

  rows(runId: string): number[][] {
    return this.of(runId, 'samples').flatMap((m) => m.columns[0]!.map((_, i) => m.columns.map((c) => c[i]!)));
  }

  /** The run as its events make it (the manager keeps no run state: shared/protocol/run-record.ts). */
  record(runId: string): RunRecord {
    return (this.events.get(runId) ?? []).reduce((r, t) => reduceRun(r, t.event), NEW_RUN_RECORD);
  }

  exited(runId: string): boolean {
    return this.manager.status(runId)?.exited === true;
  }
}

const harnesses: Harness[] = [];

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.manager.dispose();
});

describe('run manager', () => {
  it('runs three versions side by side, each to the state the engine reaches in process', async () => {
    const h = new Harness();
    const configs = ['2.4', '3.8', '3.11'].map(fillFree);
    const ids = configs.map((c) => h.manager.start(c));
    expect(ids).toEqual(['run-1', 'run-2', 'run-3']);
    await Promise.all(ids.map((id) => h.manager.whenExited(id)));

    const finals: number[][] = [];
    for (const [i, id] of ids.entries()) {
      const expected = await runInProcess(configs[i]!);
      expect(h.manager.status(id)).toMatchObject({ malformed: 0, exited: true, finished: true });
      const status = h.record(id);
      expect(status).toMatchObject({ state: 'done', ops: 300_000, reason: null, exited: true });
      expect(status.started).toMatchObject({ workloadVersion: 1, params: { N: 150_000 } });
      const types = h.types(id);
      expect(types[0]).toBe('started');
      expect(types.slice(-3)).toEqual(['done', 'status', 'exit']);
      expect(h.of(id, 'exit')).toMatchObject([{ type: 'exit', code: 0, signal: null, byHost: false }]);
      const rows = h.rows(id);
      expect(withoutWallTime(rows.at(-1)!)).toEqual(withoutWallTime(expected.final));
      expect(Math.max(...rows.map((r) => r[ARENAS]!))).toBe(expected.peakArenas);
      finals.push(rows.at(-1)!);
    }
    // The story the app tells: 2.4 keeps every arena, 3.8 returns them all, 3.11 keeps one.
    const [py24, py38, py311] = finals.map((r) => r[ARENAS]);
    expect(py24).toBeGreaterThan(0);
    expect(py24).toBe(Math.max(...h.rows('run-1').map((r) => r[ARENAS]!)));
    expect(py38).toBe(0);
    expect(py311).toBe(1);
  });

  it('pauses, resumes, steps exactly N operations, and stops with a final sample', async () => {
    const h = new Harness();
    const id = h.manager.start(churn());
    await waitFor('a running status', () => h.record(id).state === 'running');
    // Running: samples arrive in batches (their pace, one flush per FLUSH_INTERVAL_MS of the worker's
    // clock, and the pause within one slice, are the session's, tested there with a fake clock:
    // wall-time bounds here would fail on a loaded machine).
    await waitFor('a few sample batches', () => h.of(id, 'samples').length >= 3, 30_000);

    h.manager.pause(id);
    await waitFor('the paused status', () => h.of(id, 'status').some((s) => s.state === 'paused'), 30_000);
    const pausedOps = h.record(id).ops;
    expect(h.rows(id).at(-1)![OP]).toBe(pausedOps);
    const eventsWhenPaused = h.events.get(id)!.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nothing happens while paused: no samples, no operations.
    expect(h.events.get(id)!.length).toBe(eventsWhenPaused);
    expect(h.record(id).ops).toBe(pausedOps);

    h.manager.step(id, 12_345);
    await waitFor('the step', () => h.record(id).ops === pausedOps + 12_345 && h.of(id, 'status').at(-1)!.ops === pausedOps + 12_345, 60_000);
    expect(h.of(id, 'status').at(-1)!.state).toBe('paused');
    expect(h.rows(id).at(-1)![OP]).toBe(pausedOps + 12_345);

    h.manager.resume(id);
    await waitFor('more operations', () => h.record(id).ops > pausedOps + 1_000_000, 60_000);
    expect(h.record(id).state).toBe('running');

    h.manager.stop(id);
    await h.manager.whenExited(id);
    const done = h.of(id, 'done');
    expect(done).toHaveLength(1);
    expect(done[0]!.state).toBe('stopped');
    expect(h.rows(id).at(-1)![OP]).toBe(done[0]!.ops);
    expect(h.record(id)).toMatchObject({ state: 'stopped', ops: done[0]!.ops });
    expect(h.of(id, 'exit')).toMatchObject([{ type: 'exit', code: 0, signal: null, byHost: false }]);
    // Commands to an ended run go nowhere.
    expect(h.manager.pause(id)).toBe(false);
  });

  it('marks a worker killed mid-run crashed, keeps what it sent, and lets the others finish', async () => {
    const h = new Harness();
    const victim = h.manager.start(churn());
    const others = ['3.8', '3.11'].map((v) => h.manager.start(fillFree(v)));
    await waitFor('samples from the victim', () => h.of(victim, 'samples').length >= 2);
    process.kill(h.manager.status(victim)!.pid!, 'SIGKILL');
    await Promise.all([victim, ...others].map((id) => h.manager.whenExited(id)));

    expect(h.record(victim)).toMatchObject({ state: 'crashed', reason: 'killed by SIGKILL' });
    expect(h.types(victim).at(-1)).toBe('exit');
    expect(h.of(victim, 'exit')).toEqual([{ type: 'exit', code: null, signal: 'SIGKILL', reason: 'killed by SIGKILL', byHost: false }]);
    expect(h.rows(victim).length).toBeGreaterThan(1);
    for (const id of others) expect(h.record(id)).toMatchObject({ state: 'done', ops: 300_000 });
  });

  it('logs, counts and ignores malformed worker messages, and follows the rest of the run', async () => {
    const h = new Harness(fixtureWorker('garbage-worker'));
    const id = h.manager.start(fillFree('3.11'));
    await h.manager.whenExited(id);
    expect(h.record(id)).toMatchObject({ state: 'done', ops: 7 });
    expect(h.manager.status(id)).toMatchObject({ malformed: 4 });
    expect(h.manager.malformed).toBe(4);
    expect(h.logs).toHaveLength(4);
    expect(h.logs.every((l) => l.startsWith(`arenascope: run ${id}: ignored a malformed worker message: `))).toBe(true);
    expect(h.logs.join('\n')).toMatch(/columns/);
    expect(h.types(id)).toEqual(['pong', 'samples', 'done', 'status', 'exit']);
  });

  it('reports a worker that dies of an uncaught error with its last words', async () => {
    const h = new Harness(fixtureWorker('crashing-worker'));
    const id = h.manager.start(fillFree('3.11'));
    await h.manager.whenExited(id);
    expect(h.record(id)).toMatchObject({ state: 'crashed', reason: 'exited with code 1: Error: boom: the engine fell over' });
    expect(h.types(id)).toEqual(['status', 'exit']);
  });

  it('reports a fatal worker error as a failed run, not a crash', async () => {
    const h = new Harness();
    const id = h.manager.start({ ...fillFree('3.11'), params: { N: 0 } });
    await h.manager.whenExited(id);
    expect(h.record(id)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^parameter 'N' = 0: out of range/) });
    expect(h.types(id)).toEqual(['error', 'status', 'exit']);
  });

  it("quotes a bad trace line for the file's owner, and not when told the client does not own it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arenascope-quote-'));
    try {
      const trace = join(dir, 'bad.pymtrace');
      writeFileSync(trace, 'a 1 8\nhello there\n');
      const config: RunConfig = { workload: 'trace-replay', params: { path: trace }, seed: '0', python: '3.11', sampleEvery: 1 };
      for (const [quote, reason] of [
        [true, `${trace}:2: unknown op "hello" (got: "hello there")`],
        [false, `${trace}:2: unknown op: expected a line starting with a, f, r, c or #`],
      ] as const) {
        const h = new Harness(undefined, { quoteFileContent: quote });
        const id = h.manager.start(config);
        await h.manager.whenExited(id);
        expect(h.record(id)).toMatchObject({ state: 'failed', reason });
        expect(h.of(id, 'error')[0]!.message).toBe(reason);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no worker alive on dispose, even one that ignores stop and SIGTERM', async () => {
    const h = new Harness(undefined, { graceMs: 300 });
    const ids = [h.manager.start(churn()), h.manager.start(churn())];
    const stubborn = new Harness(fixtureWorker('stubborn-worker'), { graceMs: 300 });
    const sid = stubborn.manager.start(churn());
    await waitFor('three running workers', () => ids.every((id) => h.record(id).state === 'running') && stubborn.of(sid, 'status').length > 0);
    const pids = [...ids.map((id) => h.manager.status(id)!.pid!), stubborn.manager.status(sid)!.pid!];
    expect(pids.every(isAlive)).toBe(true);

    await Promise.all([h.manager.dispose(), stubborn.manager.dispose()]);
    expect(pids.filter(isAlive)).toEqual([]);
    // The cooperative workers stopped properly, with their final sample.
    for (const id of ids) {
      expect(h.record(id)).toMatchObject({ state: 'stopped', exited: true });
      expect(h.rows(id).at(-1)![OP]).toBe(h.record(id).ops);
    }
    expect(stubborn.record(sid)).toMatchObject({ state: 'stopped', reason: 'ended by the host before finishing (killed by SIGKILL)' });
    expect(stubborn.of(sid, 'exit')).toMatchObject([{ byHost: true }]);
    expect(() => h.manager.start(churn())).toThrow(/disposed/);
  });

  it('refuses an invalid configuration and unknown run ids', () => {
    const h = new Harness();
    expect(() => h.manager.start({ ...churn(), sampleEvery: 0 })).toThrow(/invalid run configuration: .*sampleEvery/);
    expect(() => h.manager.pause('run-99')).toThrow(UnknownRunError);
    expect(h.manager.list()).toEqual([]);
  });
});
