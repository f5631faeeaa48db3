// One run pipeline: the same worker event sequences, driven through the app (AppHost) and the
// command line (`run`), end in the same state, operations and reason; and reduceRun's verdicts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndExport } from '../../../../electron/cli/commands/run';
import { AppHost } from '../../../../electron/host/app-host';
import type { Launcher, WorkerExit, WorkerHandle } from '../../../../electron/host/workers/launcher';
import type { HostToWorker, WorkerToHost } from '../../../../shared/protocol/worker-messages';
import { NEW_RUN_RECORD, reduceRun, type RunEvent } from '../../../../shared/protocol/run-record';
import { SERIES, SERIES_INDEX } from '../../../../shared/run/sample';

const tmp = mkdtempSync(join(tmpdir(), 'arenascope-pipeline-'));
const hosts: AppHost[] = [];
afterAll(async () => {
  for (const h of hosts) await h.dispose();
});

/** Sample rows as a worker sends them: every series, `op` and `wall_ms` as given. */
function samples(ops: number[]): WorkerToHost {
  const columns = SERIES.map((_, k) => ops.map((op) => (k === SERIES_INDEX['op'] ? op : k === SERIES_INDEX['wall_ms'] ? op / 100 : 1)));
  return { type: 'samples', columns, coalesced: 0 };
}

const started: WorkerToHost = {
  type: 'started',
  engineVersion: 'test',
  workloadVersion: 1,
  python: { version: '3.11.14', family: '3.11', arenas: 'aligned' },
  params: { L: 5000 },
};

interface Script {
  /** What the worker sends once started. */
  first: WorkerToHost[];
  /** Sent when the host asks it to stop; absent: it ends after `first` without waiting. */
  onStop?: WorkerToHost[];
  exit: Omit<WorkerExit, 'reason'> & { reason: string };
}

/** A worker that plays a script: the events a real one sends, in order, then its exit. */
class ScriptedLauncher implements Launcher {
  /** Resolves once the worker has sent its first messages (a stoppable one then waits for `stop`). */
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  private markReady!: () => void;
  private markExited!: () => void;

  constructor(private readonly script: Script) {
    this.ready = new Promise((r) => (this.markReady = r));
    this.exited = new Promise((r) => (this.markExited = r));
  }

  launch(): WorkerHandle {
    const script = this.script;
    let onMessage: (raw: unknown) => void = () => undefined;
    let onExit: (exit: WorkerExit) => void = () => undefined;
    let gone = false;
    const end = (): void => {
      if (gone) return;
      gone = true;
      setImmediate(() => {
        onExit(script.exit);
        this.markExited();
      });
    };
    const play = (messages: WorkerToHost[], then: () => void): void => {
      setImmediate(() => {
        for (const m of messages) onMessage(structuredClone(m));
        then();
      });
    };
    return {
      pid: 4242,
      send: (message: HostToWorker) => {
        if (gone) return;
        if (message.type === 'start') play(script.first, () => (this.markReady(), script.onStop ? undefined : end()));
        if (message.type === 'stop' && script.onStop) play(script.onStop, end);
      },
      onMessage: (listener) => void (onMessage = listener),
      onExit: (listener) => void (onExit = listener),
      kill: () => end(),
    };
  }
}

const MEMORY = 'memory budget of 20 MB reached at op 200 (live set: engine model 1.0 MB, worker process 21 MB resident)';

/**
 * `stop`: the user stops the run once it is under way; 'app': only the app's user does (the command
 * line stops a run at its memory budget by itself).
 */
const SCENARIOS: { name: string; script: Script; stop?: true | 'app'; expected: { state: string; ops: number; reason: string | null; exitCode: number } }[] = [
  {
    name: 'done',
    script: {
      first: [
        started,
        { type: 'status', state: 'running', ops: 0, wallMs: 0 },
        samples([100, 200]),
        { type: 'phase', op: 150, label: 'fill' },
        { type: 'done', state: 'done', ops: 200, wallMs: 2 },
        { type: 'status', state: 'done', ops: 200, wallMs: 2 },
      ],
      exit: { code: 0, signal: null, reason: 'exited with code 0' },
    },
    expected: { state: 'done', ops: 200, reason: null, exitCode: 0 },
  },
  {
    name: 'stopped by the user',
    stop: true,
    script: {
      first: [started, { type: 'status', state: 'running', ops: 0, wallMs: 0 }, samples([100, 200])],
      onStop: [samples([300]), { type: 'done', state: 'stopped', ops: 300, wallMs: 3 }, { type: 'status', state: 'stopped', ops: 300, wallMs: 3 }],
      exit: { code: 0, signal: null, reason: 'exited with code 0' },
    },
    expected: { state: 'stopped', ops: 300, reason: null, exitCode: 0 },
  },
  {
    name: 'worker killed',
    script: {
      first: [started, { type: 'status', state: 'running', ops: 0, wallMs: 0 }, samples([100, 200])],
      exit: { code: null, signal: 'SIGKILL', reason: 'killed by SIGKILL' },
    },
    expected: { state: 'crashed', ops: 200, reason: 'killed by SIGKILL', exitCode: 3 },
  },
  {
    name: 'exit without done',
    script: { first: [started, samples([100, 200, 250])], exit: { code: 0, signal: null, reason: 'exited with code 0' } },
    expected: { state: 'crashed', ops: 250, reason: 'exited with code 0', exitCode: 3 },
  },
  {
    name: 'fatal worker error',
    script: {
      first: [
        started,
        samples([100, 200]),
        { type: 'error', message: 'internal error handling x', fatal: true },
        { type: 'status', state: 'failed', ops: 200, wallMs: 2 },
      ],
      exit: { code: 1, signal: null, reason: 'exited with code 1' },
    },
    expected: { state: 'failed', ops: 200, reason: 'internal error handling x', exitCode: 1 },
  },
  {
    // The run pauses at its budget; the app's user stops it, the command line stops it by itself.
    name: 'stopped at the memory budget',
    stop: 'app',
    script: {
      first: [
        started,
        samples([100, 200]),
        { type: 'budget', ops: 200, megabytes: 20, message: MEMORY },
        { type: 'status', state: 'paused', ops: 200, wallMs: 2 },
      ],
      onStop: [
        { type: 'done', state: 'stopped', ops: 200, wallMs: 2 },
        { type: 'status', state: 'stopped', ops: 200, wallMs: 2 },
      ],
      exit: { code: 0, signal: null, reason: 'exited with code 0' },
    },
    expected: { state: 'stopped', ops: 200, reason: `stopped at its memory budget: ${MEMORY}`, exitCode: 4 },
  },
];

const config = { workload: 'steady-churn', params: { L: 5000 }, seed: '1', python: '3.11', sampleEvery: 100 };

async function viaApp(scenario: (typeof SCENARIOS)[number]): Promise<{ state: string; ops: number; reason: string | null }> {
  const launcher = new ScriptedLauncher(scenario.script);
  const host = new AppHost({ launcher, log: () => undefined });
  hosts.push(host);
  const { runId } = await host.startRun(config);
  if (scenario.stop) {
    await launcher.ready;
    await host.command(runId, { type: 'stop' });
  }
  await launcher.exited;
  const run = (await host.runs()).find((r) => r.runId === runId)!;
  return { state: run.state, ops: run.ops, reason: run.reason };
}

async function viaCli(scenario: (typeof SCENARIOS)[number], dir: string): Promise<{ state: string; ops: number; reason: string | null; exitCode: number }> {
  const launcher = new ScriptedLauncher(scenario.script);
  const stop = new AbortController();
  if (scenario.stop === true) void launcher.ready.then(() => stop.abort());
  const values = { workload: 'steady-churn', python: ['3.11'], set: ['L=5000'], 'sample-every': '100', out: dir };
  const lines: string[] = [];
  const exitCode = await runAndExport('run', values as Parameters<typeof runAndExport>[1], (l) => lines.push(l), { launcher, stop: stop.signal });
  const json = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { state: string; ops: number; reason: string | null };
  return { state: json.state, ops: json.ops, reason: json.reason, exitCode };
}

describe('one run pipeline for the app and the command line', () => {
  it.each(SCENARIOS)('$name: the same final state, operations and reason', async (scenario) => {
    const app = await viaApp(scenario);
    const cli = await viaCli(scenario, join(tmp, scenario.name.replace(/ /g, '-')));
    const { exitCode, ...expected } = scenario.expected;
    expect(app).toEqual(expected);
    expect(cli).toEqual({ ...expected, exitCode });
  });
});

describe('reduceRun', () => {
  const play = (events: RunEvent[]) => events.reduce(reduceRun, NEW_RUN_RECORD);

  it('calls a run the host ended before it finished stopped, saying so, and a run that ended on its own crashed', () => {
    const events: RunEvent[] = [started, samples([10])];
    expect(play([...events, { type: 'exit', code: null, signal: 'SIGKILL', reason: 'killed by SIGKILL', byHost: true }])).toMatchObject({
      state: 'stopped',
      reason: 'ended by the host before finishing (killed by SIGKILL)',
      ops: 10,
      exited: true,
    });
    expect(play([...events, { type: 'exit', code: null, signal: 'SIGKILL', reason: 'killed by SIGKILL', byHost: false }])).toMatchObject({
      state: 'crashed',
      reason: 'killed by SIGKILL',
    });
  });

  it('keeps the verdict of done or a fatal error whatever follows', () => {
    const done = play([
      started,
      { type: 'done', state: 'done', ops: 5, wallMs: 1 },
      { type: 'status', state: 'running', ops: 5, wallMs: 1 },
      { type: 'exit', code: 1, signal: null, reason: 'x', byHost: false },
    ]);
    expect(done).toMatchObject({ state: 'done', reason: null, finished: true, exited: true });
    const failed = play([
      { type: 'error', message: 'bad', fatal: true },
      { type: 'done', state: 'done', ops: 5, wallMs: 1 },
    ]);
    expect(failed).toMatchObject({ state: 'failed', reason: 'bad' });
    expect(play([{ type: 'error', message: 'refused', fatal: false }])).toBe(NEW_RUN_RECORD);
  });

  it('holds a budget pause while the run is paused there, and forgets it once it runs again or ends', () => {
    const budget: RunEvent = { type: 'budget', ops: 200, megabytes: 20, message: MEMORY };
    const paused: RunEvent = { type: 'status', state: 'paused', ops: 200, wallMs: 2 };
    const atBudget = play([started, samples([100, 200]), budget, paused]);
    expect(atBudget).toMatchObject({ state: 'paused', ops: 200, budgetPause: { ops: 200, megabytes: 20, message: MEMORY }, reason: null });
    expect(play([started, budget, paused, { type: 'status', state: 'running', ops: 200, wallMs: 3 }])).toMatchObject({ state: 'running', budgetPause: null });
    expect(play([started, budget, paused, { type: 'done', state: 'stopped', ops: 200, wallMs: 3 }])).toMatchObject({
      state: 'stopped',
      budgetPause: null,
      reason: `stopped at its memory budget: ${MEMORY}`,
    });
    // A run paused by its user and then stopped has no budget reason.
    expect(play([started, paused, { type: 'done', state: 'stopped', ops: 200, wallMs: 3 }])).toMatchObject({ state: 'stopped', reason: null });
    // Nothing after the verdict changes it.
    expect(play([started, { type: 'done', state: 'done', ops: 5, wallMs: 1 }, budget])).toMatchObject({ state: 'done', budgetPause: null });
  });

  it('counts samples and coalesced samples, and takes operations and wall time from the last row', () => {
    const r = play([samples([1, 2, 3]), { ...samples([7]), coalesced: 4 } as RunEvent]);
    expect(r).toMatchObject({ samples: 4, coalesced: 4, ops: 7, wallMs: 0.07 });
  });
});
