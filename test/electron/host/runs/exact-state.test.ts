// The exact state at any operation (issue: a click shows that operation, not the snapshot before
// it): a real host rebuilds it with a scratch worker, for a live run and for one opened from a
// session file, and it equals the engine driven in this process to the same operation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppHost } from '../../../../electron/host/app-host';
import { DetailStore, toSnapshot } from '../../../../electron/host/runs/detail-store';
import { ExactStates } from '../../../../electron/host/runs/exact-state';
import { NodeLauncher } from '../../../../electron/host/workers/node-launcher';
import { createAllocator } from '../../../../shared/engine';
import type { BridgeEvent, DetailSnapshot, RunSummary } from '../../../../shared/protocol/bridge';
import type { RunConfig } from '../../../../shared/protocol/run-config';
import { takeDetail } from '../../../../shared/run/detail';
import { resolveRun } from '../../../../shared/run/resolve-run';
import { RunLoop } from '../../../../shared/run/run-loop';
import { analyzePins, driveTo, PinReplay } from '../../../../shared/pins';
import { kthRun } from '../../../support/kth-run';

const dir = mkdtempSync(join(tmpdir(), 'arenascope-exact-'));
const hosts: AppHost[] = [];
function newHost(): { host: AppHost; events: BridgeEvent[] } {
  const host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: () => undefined, graceMs: 1000 });
  const events: BridgeEvent[] = [];
  host.subscribe((e) => events.push(e));
  hosts.push(host);
  return { host, events };
}
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.dispose()));
  rmSync(dir, { recursive: true, force: true });
});

/** keep-every-kth: a fill, then a thinning that keeps every k-th block; its phases differ in state. */
const config = kthRun({ N: 300_000, k: 1000 }, '5');

async function finished(host: AppHost, c: RunConfig): Promise<RunSummary> {
  let id = '';
  const ended = new Promise<RunSummary>((resolve) => {
    const off = host.subscribe((e) => {
      if (e.type === 'run' && e.run.runId === id && ['done', 'stopped', 'failed', 'crashed'].includes(e.run.state)) {
        off();
        resolve(e.run);
      }
    });
  });
  id = (await host.startRun(c)).runId;
  return ended;
}

/** The reference: the same stream driven in this process to exactly `op`, then its snapshot. */
function stateInProcess(c: RunConfig, op: number): DetailSnapshot {
  const run = resolveRun(c);
  const alloc = createAllocator(run.version, { arenas: run.arenas });
  const loop = new RunLoop(run.generator, alloc, { sampleEvery: 1 << 30, clock: () => 0 });
  while (loop.ops < op && !loop.done) if (loop.run(op - loop.ops) === 0) break;
  return toSnapshot('ref', takeDetail(alloc, 0));
}

const engineState = (d: DetailSnapshot): unknown => ({ op: d.op, classes: d.classes, arenas: d.arenas });

describe('exact state at an operation', () => {
  it('rebuilds an operation between the kept snapshots, equal to the engine driven to it, with progress', async () => {
    const { host, events } = newHost();
    const run = await finished(host, config);
    expect(run.state).toBe('done');
    const op = 437_123;
    expect(op).toBeLessThan(run.ops);
    const kept = await host.detail(run.runId, op);
    expect(kept!.op).toBeLessThan(op); // what the panel showed before: the snapshot before the click
    const exact = await host.stateAt(run.runId, op);
    expect(engineState(exact)).toEqual(engineState(stateInProcess(config, op)));
    expect(exact.wallMs).toBeGreaterThan(0);
    const replay = events.filter((e): e is Extract<BridgeEvent, { type: 'replay' }> => e.type === 'replay' && e.runId === run.runId);
    expect(replay.at(-1)).toEqual({ type: 'replay', runId: run.runId, op, applied: op });
    // Asked again: from the host's cache, no second replay.
    const before = events.length;
    expect(engineState(await host.stateAt(run.runId, op))).toEqual(engineState(exact));
    expect(events.slice(before).some((e) => e.type === 'replay')).toBe(false);
  });

  it('rebuilds it for a run opened from a session file, which holds no snapshots', async () => {
    const { host } = newHost();
    const run = await finished(host, config);
    const file = join(dir, 'kth.arenascope.gz');
    await host.saveSession(file);
    const { host: again } = newHost();
    const [runId] = (await again.openSession(file)).runIds;
    expect(await again.detail(runId!, Infinity)).toBeNull();
    const op = 120_001;
    expect(engineState(await again.stateAt(runId!, op))).toEqual(engineState(stateInProcess(config, op)));
    expect(run.ops).toBeGreaterThan(op);
  });

  it('answers op 0 without a worker, and refuses an op past the run or of an unknown run', async () => {
    const { host } = newHost();
    const run = await finished(host, { ...config, params: { N: 20_000, k: 10 } });
    const zero = await host.stateAt(run.runId, 0);
    expect(zero.op).toBe(0);
    expect(zero.arenas).toEqual([]);
    await expect(host.stateAt(run.runId, run.ops + 1)).rejects.toThrow(`op ${run.ops + 1} is past the run's last operation (${run.ops})`);
    await expect(host.stateAt('run-404', 5)).rejects.toThrow(/no run 'run-404'/);
  });

  it('refuses a run on a real interpreter: the host can replay only its own engine', async () => {
    const exact = new ExactStates({ launcher: new NodeLauncher(), streamConfig: () => Promise.reject(new Error('not reached')), progress: () => undefined });
    const real = {
      runId: 'r',
      name: '3.11.14 real keep-every-kth',
      config: { ...config, real: { interpreter: '/usr/bin/python3' } },
      details: new DetailStore(),
      ops: 100,
    };
    await expect(exact.at(real, 5)).rejects.toThrow(/ran on a real interpreter, whose allocator the host cannot replay/);
  });

  it('cancels an earlier replay of the same run when asked for another operation', async () => {
    const { host } = newHost();
    const long: RunConfig = { ...config, params: { N: 3_000_000, k: 1000 }, sampleEvery: 1_000_000 };
    const run = await finished(host, long);
    const first = host.stateAt(run.runId, 5_000_001);
    const second = host.stateAt(run.runId, 77);
    await expect(first).rejects.toThrow(/cancelled/);
    expect((await second).op).toBe(77);
  });
});

describe('pins at an operation', () => {
  it('analyses a run at any operation in a scratch worker, equal to the analysis in this process', async () => {
    const { host, events } = newHost();
    // k = 256 under 3.11: after thinning, every arena is held by its kept blocks alone.
    const kth = kthRun({ N: 400_000, k: 256, hold_live: 1000, hold_ops: 10_000 }, '3');
    const run = await finished(host, kth);
    const op = 400_000 + 398_437; // the fill, then all but the kept blocks freed
    const report = await host.pinsAt(run.runId, op);
    const resolved = resolveRun(kth);
    const replay = new PinReplay(createAllocator(resolved.version, { arenas: resolved.arenas }));
    driveTo(resolved.generator, replay, op);
    expect(report).toEqual(analyzePins(replay.alloc, { births: replay, workload: resolved.workload }));
    // The worker names the workload's origin tags: after the thinning only the kept blocks are live.
    expect(report.origins.map((o) => o.label)).toEqual(['keep-every-kth: kept block']);
    expect(report.summary.op).toBe(op);
    expect(report.summary.pinnedArenas).toBe(report.summary.arenas - report.summary.emptyArenas);
    expect(report.summary.pinnedArenas).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'replay' && e.runId === run.runId && e.op === op && e.applied === op)).toBe(true);
    // Another threshold is another question; the same one comes from the cache.
    expect((await host.pinsAt(run.runId, op, 0.5)).summary.threshold).toBe(0.5);
    await expect(host.pinsAt(run.runId, run.ops + 1)).rejects.toThrow(/past the run's last operation/);
  });
});
