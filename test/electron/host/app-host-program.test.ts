// Profiling a Python program through the app host (as the dashboard's "Profile a Python program…"
// does): its runs are in the list at once, grow while it runs, show its output, end with its exit
// status, keep the real process's arena count beside the models, and are saved with their trace;
// stopping a run stops the program; each bad request is refused with the field named.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppHost, AppHostOptions } from '../../../electron/host/app-host';
import { handleBridgeRequest } from '../../../electron/host/bridge-dispatch';
import { servePolicy } from '../../../electron/host/policy/capabilities';
import type { BridgeEvent, RunSummary } from '../../../shared/protocol/bridge';
import { resolveVersion } from '../../../shared/engine';
import { PROGRAMS } from '../node/record/record-harness';
import { waitFor } from '../wait';
import { hostFixture } from './host-fixture';

const fixture = hostFixture('profiling a program through the app host', 'arenascope-host-program-');
const { python, tmp } = fixture;

function host(options: Pick<AppHostOptions, 'policy' | 'autosaveDir' | 'choosePath'> = {}): AppHost {
  return fixture.host({ flushMs: 50, ...options });
}

/** Every event the host sends, and the output lines so far. */
function listen(h: AppHost): {
  events: BridgeEvent[];
  output: () => string[];
  run: (id: string) => RunSummary | undefined;
  lastOp: (id: string) => number;
} {
  const events: BridgeEvent[] = [];
  const latest = new Map<string, RunSummary>();
  const lastOps = new Map<string, number>();
  h.subscribe((e) => {
    events.push(e);
    if (e.type === 'samples') lastOps.set(e.runId, e.lastOp);
    if (e.type === 'run') latest.set(e.run.runId, e.run);
    if (e.type === 'runs') for (const r of e.runs) latest.set(r.runId, r);
  });
  return {
    events,
    output: () => events.flatMap((e) => (e.type === 'output' ? e.lines : [])),
    run: (id) => latest.get(id),
    lastOp: (id) => lastOps.get(id) ?? 0,
  };
}

const ENDED = ['done', 'stopped', 'failed', 'crashed'];

describe.runIf(python !== undefined)('profiling a program through the app host', () => {
  it('lists its runs at once, charts them while it runs, and ends them with its exit status; the session keeps them and the trace', async () => {
    const autosaveDir = join(tmp, 'autosave');
    const h = host({ autosaveDir });
    const seen = listen(h);
    const signal = join(tmp, 'grow-signal');
    const started = await h.profileProgram({
      interpreter: python!.path,
      script: 'grow_then_wait.py',
      args: [signal],
      cwd: PROGRAMS,
      models: ['3.8', '3.12'],
    });
    const own = python!.version.split('.').slice(0, 2).join('.');
    expect(started.runIds).toHaveLength(own === '3.8' || own === '3.12' ? 2 : 3);
    const all = [...started.runIds, started.realRunId];
    // In the list before the program has done anything.
    const listed = await h.runs();
    expect(listed.map((r) => r.runId)).toEqual(expect.arrayContaining(all));
    for (const id of all) expect(ENDED).not.toContain(listed.find((r) => r.runId === id)!.state);
    expect(listed.find((r) => r.runId === started.realRunId)!.name).toMatch(/grow_then_wait\.py on .*the real process/);

    // Its first growth reaches the console and the charts while it still runs.
    await waitFor('the first "grown" line', () => seen.output().includes('grown 20000'), 60_000);
    const model = started.runIds[0]!;
    await waitFor('samples of the model while the program runs', () => seen.lastOp(model) > 0, 60_000);
    const opsBefore = seen.lastOp(model);
    expect(seen.run(model)!.state).toBe('running');
    appendFileSync(signal, 'grow\n');
    await waitFor('the second "grown" line', () => seen.output().includes('grown 40000'), 60_000);
    await waitFor('the model to grow', () => seen.lastOp(model) > opsBefore, 60_000);
    await waitFor('the real process to grow', () => seen.lastOp(started.realRunId) > opsBefore, 60_000);
    expect(ENDED).not.toContain(seen.run(model)!.state);

    appendFileSync(signal, 'exit 3\n');
    await waitFor('every run to end', () => all.every((id) => ENDED.includes(seen.run(id)?.state ?? '')), 60_000);
    for (const id of all) expect(seen.run(id), id).toMatchObject({ state: 'stopped', reason: 'the program exited with status 3' });
    expect(seen.events.some((e) => e.type === 'output' && e.stream === 'stderr' && e.lines.includes('bye'))).toBe(true);
    // Its RSS and real arena count as last measured, for the console's header.
    const figures = seen.events.filter((e) => e.type === 'program');
    expect(figures.length).toBeGreaterThan(0);
    const last = figures.at(-1)!;
    expect(last).toMatchObject({ runIds: all, behindOps: 0 });
    if (last.type !== 'program') throw new Error('not a program event');
    expect(last.rssPeakBytes).toBeGreaterThan(1 << 20);
    expect(last.rssBytes).toBeGreaterThan(0);
    expect(last.rssBytes!).toBeLessThanOrEqual(last.rssPeakBytes);
    expect(last.realArenas).toBeGreaterThan(0);

    // The real process beside the models: its arena count and its RSS, on the same operation axis.
    const w = await h.window({
      runId: started.realRunId,
      series: ['arenas', 'arena_bytes', 'rss_bytes'],
      from: -Infinity,
      to: Infinity,
      maxPoints: 1000,
      axis: 'op',
      values: true,
    });
    const arenas = w.series['arenas']!.samples!;
    expect(arenas.x.length).toBeGreaterThan(1);
    expect(Math.max(...arenas.y)).toBeGreaterThan(0);
    expect(Math.max(...arenas.x)).toBe(seen.run(started.realRunId)!.ops);
    const bytes = w.series['arena_bytes']!.samples!;
    expect(bytes.y[bytes.y.length - 1]).toBe(arenas.y[arenas.y.length - 1]! * resolveVersion(python!.version).preset.ARENA_SIZE);
    // RSS as a series: measured (the agent reads it every 100 ms), within the peak the console shows.
    const rss = w.series['rss_bytes']!.samples!;
    expect(rss.x).toEqual(arenas.x);
    expect(Math.max(...rss.y)).toBeGreaterThan(1 << 20);
    expect(Math.max(...rss.y)).toBeLessThanOrEqual(last.rssPeakBytes);
    // A model has no process: its RSS series is 0 throughout.
    const modelRss = await h.window({ runId: model, series: ['rss_bytes'], from: -Infinity, to: Infinity, maxPoints: 100, axis: 'op', values: true });
    expect(new Set(modelRss.series['rss_bytes']!.samples!.y)).toEqual(new Set([0]));

    // Saved with the session: the model runs replay the trace kept beside it.
    const modelRun = (await h.runs()).find((r) => r.runId === model)!;
    expect(modelRun.config.workload).toBe('trace-replay');
    const tracePath = String(modelRun.config.params['path']);
    expect(tracePath.startsWith(join(autosaveDir, 'traces'))).toBe(true);
    expect(existsSync(tracePath)).toBe(true);
    const saved = join(tmp, 'saved.arenascope.gz');
    await h.saveSession(saved);
    const again = host();
    const opened = await again.openSession(saved);
    const reopened = (await again.runs()).filter((r) => opened.runIds.includes(r.runId));
    expect(reopened.map((r) => r.reason)).toEqual(all.map(() => 'the program exited with status 3'));
    // …and replays under another version later.
    const replay = await again.startRun({ workload: 'trace-replay', params: { path: tracePath }, seed: '1', python: '3.10', sampleEvery: 10_000 });
    let replayed: RunSummary | undefined;
    const replaySeen = listen(again);
    await waitFor('the replay to end', () => ENDED.includes((replayed = replaySeen.run(replay.runId))?.state ?? ''), 60_000);
    expect(replayed).toMatchObject({ state: 'done', ops: seen.run(model)!.ops });
  }, 180_000);

  it('passes the recording options to the recording: --max-ops stops it early, --checkpoint-every marks the trace, --domains both, --deferred', async () => {
    const h = host();
    const seen = listen(h);
    const started = await h.profileProgram({
      interpreter: python!.path,
      script: 'json_docs.py',
      args: ['200'],
      cwd: PROGRAMS,
      domains: 'both',
      checkpointEvery: 5000,
      maxOps: 20_000,
      deferred: true,
    });
    const all = [...started.runIds, started.realRunId];
    await waitFor('every run to end', () => all.every((id) => ENDED.includes(seen.run(id)?.state ?? '')), 60_000);
    // Recording stopped at 20,000 operations (the program ran on to its end, status 0).
    expect(seen.run(started.realRunId)).toMatchObject({ state: 'done', ops: 20_000 });
    const modelRun = (await h.runs()).find((r) => r.runId === started.runIds[0])!;
    const text = gunzipSync(readFileSync(String(modelRun.config.params['path']))).toString('utf8');
    expect(text).toMatch(/^# domains both$/m);
    // `c start`, a checkpoint at each 5,000 ops of the 20,000 recorded, `c end`.
    expect([...text.matchAll(/^c(?: .*)?$/gm)].length).toBeGreaterThanOrEqual(2 + 3);
  }, 120_000);

  it('stops the program when a run is stopped, and says so in every run', async () => {
    const h = host();
    const seen = listen(h);
    const started = await h.profileProgram({ interpreter: python!.path, script: join(PROGRAMS, 'wait_for_sigint.py') });
    const all = [...started.runIds, started.realRunId];
    await waitFor('"ready"', () => seen.output().includes('ready'), 60_000);
    await expect(h.command(started.runIds[0]!, { type: 'pause' })).rejects.toThrow(/records a Python program: it cannot pause/);
    await h.command(started.realRunId, { type: 'stop' });
    await waitFor('every run to end', () => all.every((id) => ENDED.includes(seen.run(id)?.state ?? '')), 60_000);
    for (const id of all) {
      expect(seen.run(id)!.state).toBe('stopped');
      expect(seen.run(id)!.reason).toMatch(/^stopped: the program (exited with status \d+|was killed by SIG[A-Z]+)$/);
    }
  }, 120_000);

  it('says in the console and in every run that a forked subprocess is not traced', async () => {
    const h = host();
    const seen = listen(h);
    const started = await h.profileProgram({ interpreter: python!.path, script: 'forks.py', cwd: PROGRAMS });
    const all = [...started.runIds, started.realRunId];
    await waitFor('every run to end', () => all.every((id) => ENDED.includes(seen.run(id)?.state ?? '')), 60_000);
    for (const id of all)
      expect(seen.run(id), id).toMatchObject({ state: 'done', reason: 'the program exited with status 0; it forked 1 time(s), subprocesses are not traced' });
    await waitFor('the output', () => seen.output().some((l) => l.startsWith('forks parent done')), 60_000);
    expect(seen.output().some((l) => /^\[arenascope\] the program forked at op \d+: subprocesses are not traced$/.test(l))).toBe(true);
  }, 120_000);

  it('refuses clearly where the recording agent is missing, before any run is listed', async () => {
    const h = host();
    const saved = process.env['ARENASCOPE_AGENT_DIR'];
    process.env['ARENASCOPE_AGENT_DIR'] = join(tmp, 'no-agent-here');
    try {
      await expect(h.profileProgram({ interpreter: python!.path, script: 'threads.py', cwd: PROGRAMS })).rejects.toThrow(
        /^profiling a Python program: .*agent/,
      );
    } finally {
      if (saved === undefined) delete process.env['ARENASCOPE_AGENT_DIR'];
      else process.env['ARENASCOPE_AGENT_DIR'] = saved;
    }
    expect(await h.runs()).toEqual([]);
  });

  it('refuses an interpreter that is not one, a missing script, a bad model, and a cwd that is not a folder, naming each', async () => {
    const h = host();
    await expect(h.profileProgram({ interpreter: join(tmp, 'no-such-python'), script: 'x.py' })).rejects.toThrow(/interpreter .*no-such-python/);
    await expect(h.profileProgram({ interpreter: python!.path, script: 'missing.py', cwd: PROGRAMS })).rejects.toThrow(/the script missing\.py does not exist/);
    await expect(h.profileProgram({ interpreter: python!.path, module: 'no_such_module_here', cwd: PROGRAMS })).rejects.toThrow(/-m no_such_module_here/);
    await expect(h.profileProgram({ interpreter: python!.path, script: 'threads.py', cwd: PROGRAMS, models: ['9.9'] })).rejects.toThrow(/models: 9\.9/);
    await expect(h.profileProgram({ interpreter: python!.path, script: 'threads.py', cwd: join(PROGRAMS, 'threads.py') })).rejects.toThrow(
      /cwd .* is not a folder/,
    );
    expect(await h.runs()).toEqual([]);
  }, 60_000);
});

describe('profileProgram requests the host refuses before starting anything', () => {
  it('names the field of a malformed request, over the bridge', async () => {
    const h = host();
    const call = (request: unknown) => handleBridgeRequest(h, { id: 1, method: 'profileProgram', params: { request } }, () => undefined);
    const bad: [unknown, RegExp][] = [
      [{ script: 'a.py' }, /interpreter/],
      [{ interpreter: '', script: 'a.py' }, /interpreter must not be empty/],
      [{ interpreter: 'python3' }, /exactly one/],
      [{ interpreter: 'python3', script: 'a.py', module: 'm' }, /exactly one/],
      [{ interpreter: 'python3', module: 'not a module' }, /module must be a dotted module name/],
      [{ interpreter: 'python3', script: 'a.py', args: 'x' }, /args/],
      [{ interpreter: 'python3', script: 'a.py', models: [3.12] }, /models/],
      [{ interpreter: 'python3', script: 'a.py', shell: true }, /shell/],
      [{ interpreter: 'python3', script: 'a.py', domains: 'all' }, /domains must be obj, mem or both/],
      [{ interpreter: 'python3', script: 'a.py', checkpointEvery: -1 }, /checkpointEvery must be ≥ 0/],
      [{ interpreter: 'python3', script: 'a.py', checkpointEvery: '100' }, /checkpointEvery must be a number/],
      [{ interpreter: 'python3', script: 'a.py', maxOps: 1.5 }, /maxOps must be a whole number/],
      [{ interpreter: 'python3', script: 'a.py', deferred: 'yes' }, /deferred must be true or false/],
    ];
    for (const [request, message] of bad) {
      const r = await call(request);
      expect(r.ok, JSON.stringify(request)).toBe(false);
      expect(r.ok ? '' : r.error, JSON.stringify(request)).toMatch(message);
    }
    const relative = await h.profileProgram({ interpreter: 'python3', script: 'a.py', cwd: 'relative/dir' }).catch((e: Error) => e.message);
    expect(relative).toMatch(/cwd must be an absolute path/);
    expect(await h.runs()).toEqual([]);
  });

  it('chooses a path with the native dialog where the host has one (the desktop), and refuses elsewhere, naming why', async () => {
    const asked: [string, string | undefined][] = [];
    const desktop = host({
      choosePath: async (purpose, current) => {
        asked.push([purpose, current]);
        return purpose === 'folder' ? null : '/opt/python/bin/python3';
      },
    });
    expect(await desktop.choosePath('interpreter', '/usr/bin/python3')).toBe('/opt/python/bin/python3');
    expect(await desktop.choosePath('folder')).toBeNull();
    expect(asked).toEqual([
      ['interpreter', '/usr/bin/python3'],
      ['folder', undefined],
    ]);
    const call = (params: unknown) => handleBridgeRequest(desktop, { id: 1, method: 'choosePath', params }, () => undefined);
    expect(await call({ purpose: 'script' })).toMatchObject({ ok: true, result: '/opt/python/bin/python3' });
    expect(await call({ purpose: 'anything' })).toMatchObject({ ok: false, error: expect.stringMatching(/purpose must be interpreter, script, folder/) });
    expect(await call({ purpose: 'script', current: 7 })).toMatchObject({ ok: false, error: expect.stringMatching(/current/) });
    const served = host({ policy: await servePolicy({ allowPrograms: true }) });
    await expect(served.choosePath('script')).rejects.toThrow(/needs the desktop app: type the path instead/);
  });

  it('is refused by a server started without --allow-programs, and with it only for the interpreters it found', async () => {
    const closed = host({ policy: await servePolicy() });
    await expect(closed.profileProgram({ interpreter: 'python3', script: 'a.py' })).rejects.toThrow(/does not start programs .*--allow-programs/);
    const open = host({ policy: await servePolicy({ allowPrograms: true }) });
    await expect(open.profileProgram({ interpreter: join(tmp, 'elsewhere', 'python3'), script: 'a.py' })).rejects.toThrow(
      /starts only the interpreters it found/,
    );
    expect(await closed.runs()).toEqual([]);
    expect(await open.runs()).toEqual([]);
  });
});
