// The host half of the bridge with real worker processes (forked from source through tsx): runs,
// events, windows, details, commands, refusals, and the autosaved session opened again.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AppHost, SAMPLES_NOTICE_MS } from '../../../electron/host/app-host';
import { exampleFamilies, VERSION_EXAMPLES } from '../../../electron/host/catalogue/catalogue';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import type { BridgeEvent } from '../../../shared/protocol/bridge';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { SERIES_INDEX } from '../../../shared/run/sample';
import { waitFor } from '../wait';

const fillFree = (python: string, N = 30_000): RunConfig => ({ workload: 'seed-16b-fill-free', params: { N }, seed: '1', python, sampleEvery: 1000 });
const churn = (): RunConfig => ({ workload: 'steady-churn', params: { L: 5000 }, seed: '3', python: '3.12', ops: 1e12, sampleEvery: 20_000 });

const dirs: string[] = [];
const hosts: AppHost[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'arenascope-host-'));
  dirs.push(dir);
  return dir;
}

class Harness {
  readonly events: { at: number; event: BridgeEvent }[] = [];
  readonly logs: string[] = [];
  readonly host: AppHost;
  constructor(autosaveDir: string | null = null) {
    this.host = new AppHost({
      launcher: new NodeLauncher({ onStderrLine: () => undefined }),
      autosaveDir,
      log: (l) => this.logs.push(l),
      flushMs: 50,
      graceMs: 1000,
    });
    this.host.subscribe((event) => this.events.push({ at: performance.now(), event }));
    hosts.push(this.host);
  }
  of<T extends BridgeEvent['type']>(type: T, runId?: string): Extract<BridgeEvent, { type: T }>[] {
    return this.events
      .map((e) => e.event)
      .filter((e): e is Extract<BridgeEvent, { type: T }> => e.type === type && (runId === undefined || !('runId' in e) || e.runId === runId));
  }
  async state(runId: string): Promise<string | undefined> {
    return (await this.host.runs()).find((r) => r.runId === runId)?.state;
  }
  async until(runId: string, states: string[]): Promise<void> {
    let state: string | undefined;
    await waitFor(
      `${runId} to be ${states.join(' or ')} (is ${state})`,
      () => {
        void this.state(runId).then((s) => (state = s));
        return state !== undefined && states.includes(state);
      },
      30_000,
    );
  }
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('app host', () => {
  it('lists versions from the presets and workloads from the registry', async () => {
    const h = new Harness();
    const versions = await h.host.versions();
    expect(versions.map((v) => v.family)).toEqual(['G5', 'G4', 'G3', 'G2', 'G1', 'G0']);
    expect(versions[0]).toMatchObject({ examples: ['3.14', '3.13', '3.12', '3.11', '3.10'], defaultArenas: expect.any(String) });
    // "2.7" is 2.7.18 (G3, 16-byte classes) while "2.7.6" is its own release in G1: the picker says which.
    const g3 = versions.find((v) => v.family === 'G3')!;
    expect(g3.releases[g3.examples.indexOf('2.7')]).toBe('2.7.18');
    const g1 = versions.find((v) => v.family === 'G1')!;
    expect(g1.releases[g1.examples.indexOf('2.7.6')]).toBe('2.7.6');
    const families = exampleFamilies();
    for (const [family, examples] of Object.entries(VERSION_EXAMPLES)) for (const v of examples) expect(families[v], v).toBe(family);
    const workloads = await h.host.workloads();
    expect(workloads).toHaveLength(16);
    expect(workloads.at(-1)).toMatchObject({ name: 'trace-replay', params: [{ kind: 'path', name: 'path' }] });
    expect(workloads[0]!.params.length).toBeGreaterThan(0);
  });

  it('runs two workloads at once: events, windows with spikes kept, details matching the samples', async () => {
    const h = new Harness();
    const { runId: a } = await h.host.startRun(fillFree('3.11'));
    const { runId: b } = await h.host.startRun(fillFree('3.9', 20_000));
    expect([a, b]).toEqual(['run-1', 'run-2']);
    expect(
      h
        .of('runs')
        .at(-1)!
        .runs.map((r) => r.runId),
    ).toEqual([a, b]);
    await h.until(a, ['done']);
    await h.until(b, ['done']);

    for (const [id, N] of [
      [a, 30_000],
      [b, 20_000],
    ] as const) {
      const run = (await h.host.runs()).find((r) => r.runId === id)!;
      expect(run).toMatchObject({ state: 'done', ops: 2 * N, python: { family: id === a ? 'G5' : 'G4' }, params: { N }, reason: null });
      expect(run.name).toMatch(/^3\.\d+\.\d+ seed-16b-fill-free$/);
      expect(run.samples).toBe((2 * N) / 1000 + 1);
      expect(h.of('run', id).some((e) => e.run.state === 'running')).toBe(true);
      expect(h.of('samples', id).at(-1)).toMatchObject({ samples: run.samples, lastOp: 2 * N });
      expect(h.of('phase', id).length).toBeGreaterThan(0);

      // Three points for the whole run: the peak of arenas is still there.
      const all = h.host.store.read(id);
      const arenas = all[SERIES_INDEX['arenas']]!;
      const w = await h.host.window({ runId: id, series: ['arenas', 'op'], from: -Infinity, to: Infinity, maxPoints: 3, axis: 'op' });
      expect(w.range).toEqual([0, 2 * N]);
      expect(w.series['arenas']!.x.length).toBeLessThanOrEqual(3);
      expect(Math.max(...w.series['arenas']!.max)).toBe(Math.max(...arenas));
      expect(Math.min(...w.series['arenas']!.min)).toBe(Math.min(...arenas));
      expect(w.phases.length).toBe(h.of('phase', id).length);
      expect(w.phases.every((p) => p.wallMs === null || p.wallMs >= 0)).toBe(true);
      const byWall = await h.host.window({ runId: id, series: ['arena_bytes'], from: -Infinity, to: Infinity, maxPoints: 50, axis: 'wall_ms' });
      expect(byWall.range![0]).toBeGreaterThanOrEqual(0);

      // The newest detail is the final state: as many arenas as the last sample shows.
      const last = h.host.store.lastSample(id)!;
      const detail = (await h.host.detail(id, Infinity))!;
      expect(detail.op).toBe(2 * N);
      expect(detail.arenas.length).toBe(last[SERIES_INDEX['arenas']]);
      expect(detail.classes.blockSize.length).toBe(detail.classes.blocks.length);
      const first = await h.host.detail(id, 0);
      expect(first).toMatchObject({ op: 0, arenas: [] });
    }
  });

  it('sends at most one samples notice per run every 100 ms', async () => {
    const h = new Harness();
    const { runId } = await h.host.startRun({ ...churn(), sampleEvery: 1000 });
    await waitFor('a few notices', () => h.of('samples', runId).length >= 6, 30_000);
    const times = h.events.filter((e) => e.event.type === 'samples').map((e) => e.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(SAMPLES_NOTICE_MS - 5);
  });

  it('pauses, steps, resumes, stops and removes runs on command', async () => {
    const h = new Harness();
    const { runId } = await h.host.startRun(churn());
    await h.until(runId, ['running']);
    await h.host.command(runId, { type: 'pause' });
    await h.until(runId, ['paused']);
    const before = (await h.host.runs())[0]!.ops;
    await h.host.command(runId, { type: 'step', ops: 777 });
    await waitFor('the step', () => h.of('run', runId).some((e) => e.run.ops === before + 777), 10_000);
    const detail = await h.host.detail(runId, Infinity);
    expect(detail?.op).toBe(before + 777);
    await h.host.command(runId, { type: 'resume' });
    await h.until(runId, ['running']);
    await expect(h.host.command(runId, { type: 'step', ops: 1 })).rejects.toThrow(/is running: step is for a paused run/);
    await h.host.command(runId, { type: 'stop' });
    await h.until(runId, ['stopped']);
    // Stopping again is fine; pausing an ended run is not.
    await h.host.command(runId, { type: 'stop' });
    await expect(h.host.command(runId, { type: 'pause' })).rejects.toThrow(/has ended \(stopped\)/);

    const { runId: live } = await h.host.startRun(churn());
    await h.until(live, ['running']);
    await h.host.command(live, { type: 'remove' });
    await h.host.command(runId, { type: 'remove' });
    expect(await h.host.runs()).toEqual([]);
    expect(h.of('runs').at(-1)!.runs).toEqual([]);
    await expect(h.host.window({ runId, series: ['op'], from: 0, to: 1, maxPoints: 1, axis: 'op' })).rejects.toThrow(/no run 'run-1'/);
    await expect(h.host.command('run-99', { type: 'stop' })).rejects.toThrow(/no run 'run-99'/);
  });

  it.each([
    [{ ...fillFree('3.11'), python: '4.0' }, /python: unknown CPython version '4\.0'/],
    [{ ...fillFree('3.11'), params: { N: -5 } }, /parameter 'N' = -5/],
    [{ ...fillFree('3.11'), workload: 'nope' }, /unknown workload 'nope'/],
    [{ ...fillFree('3.11'), sampleEvery: 0 }, /sampleEvery/],
    [{ ...fillFree('3.11'), seed: 12 }, /seed/],
  ])('refuses a bad configuration, naming the field, before starting anything (%#)', async (config, message) => {
    const h = new Harness();
    await expect(h.host.startRun(config as RunConfig)).rejects.toThrow(message);
    expect(await h.host.runs()).toEqual([]);
  });

  it('autosaves every run and opens the file again as finished runs', async () => {
    const dir = tempDir();
    const h = new Harness(dir);
    const { runId: a } = await h.host.startRun(fillFree('3.11'));
    const { runId: b } = await h.host.startRun(churn());
    await h.until(a, ['done']);
    await h.until(b, ['running']);
    await h.host.command(b, { type: 'stop' });
    await h.until(b, ['stopped']);
    const samples = (await h.host.runs()).map((r) => r.samples);
    const file = await h.host.autosavePath();
    expect(file).not.toBeNull();
    await h.host.dispose();
    expect(readdirSync(dir)).toHaveLength(1);

    const again = new Harness();
    const { runIds, warnings } = await again.host.openSession(file!);
    expect(warnings).toEqual([]);
    expect(runIds).toEqual(['run-1', 'run-2']);
    const runs = await again.host.runs();
    expect(runs.map((r) => r.state)).toEqual(['done', 'stopped']);
    expect(runs.map((r) => r.samples)).toEqual(samples);
    expect(runs[0]).toMatchObject({ ops: 60_000, python: { version: '3.11.14' }, params: { N: 30_000 } });
    const w = await again.host.window({ runId: 'run-1', series: ['arenas'], from: -Infinity, to: Infinity, maxPoints: 1000, axis: 'op' });
    expect(w.series['arenas']!.x.length).toBe(samples[0]);
    expect(await again.host.detail('run-1', Infinity)).toBeNull();
    await expect(again.host.command('run-1', { type: 'pause' })).rejects.toThrow(/has ended/);
    // A new run after opening takes a fresh id.
    const { runId } = await again.host.startRun(fillFree('2.7', 2000));
    expect(runId).toBe('run-3');

    // Save-as writes every listed run; opening that gives the same runs again.
    const saved = join(dir, 'copy.arenascope.gz');
    await again.until(runId, ['done']);
    await again.host.saveSession(saved);
    const third = new Harness();
    const reopened = await third.host.openSession(saved);
    expect(reopened.runIds).toHaveLength(3);
    expect((await third.host.runs()).map((r) => r.samples)).toEqual((await again.host.runs()).map((r) => r.samples));
  });
});
