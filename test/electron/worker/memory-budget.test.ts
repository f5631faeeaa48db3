// The worker's memory budget: the setting, the check, and a run paused by a small budget, continued or stopped.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET_MB, MEMORY_BUDGET_ENV, memoryBudgetFromEnv, overBudget } from '../../../electron/worker/memory-budget';
import { RunSession } from '../../../electron/worker/run-session';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { suggestedBudgetMB } from '../../../shared/protocol/run-record';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version';
import { waitFor } from '../wait';
import { FakeEnv } from './fake-env';

const MB = 1024 * 1024;

describe('memory budget setting', () => {
  it('defaults to 4096 MB and reads ARENASCOPE_MEMORY_BUDGET_MB', () => {
    expect(memoryBudgetFromEnv({})).toEqual({ megabytes: DEFAULT_MEMORY_BUDGET_MB, warning: null });
    expect(DEFAULT_MEMORY_BUDGET_MB).toBe(4096);
    expect(memoryBudgetFromEnv({ [MEMORY_BUDGET_ENV]: ' 512 ' })).toEqual({ megabytes: 512, warning: null });
    expect(memoryBudgetFromEnv({ [MEMORY_BUDGET_ENV]: '0.5' })).toEqual({ megabytes: 0.5, warning: null });
  });

  it.each(['abc', '-1', '0', 'Infinity', '1e400'])('falls back to the default, with a warning, for %j', (raw) => {
    const setting = memoryBudgetFromEnv({ [MEMORY_BUDGET_ENV]: raw });
    expect(setting.megabytes).toBe(DEFAULT_MEMORY_BUDGET_MB);
    expect(setting.warning).toMatch(/^ARENASCOPE_MEMORY_BUDGET_MB=".*" is not a positive number of megabytes; using 4096$/);
  });
});

describe('overBudget', () => {
  it('is null while the process and a doubling of the model fit', () => {
    expect(overBudget(100, { rss: 100 * MB, modelBytes: 50 * MB }, 7)).toBeNull();
  });

  it('names the budget, the operation and the live set when the process outgrows it', () => {
    expect(overBudget(100, { rss: 150 * MB, modelBytes: 2.5 * MB }, 12_345)).toBe(
      'memory budget of 100 MB reached at op 12345 (live set: engine model 2.5 MB, worker process 150 MB resident)',
    );
  });

  it('offers double the budget, and at least 64 MB more, to continue with', () => {
    expect(suggestedBudgetMB(4096)).toBe(8192);
    expect(suggestedBudgetMB(20)).toBe(84);
    expect(suggestedBudgetMB(0.01)).toBe(65);
  });

  it('stops before the engine doubles its arrays past the budget', () => {
    expect(overBudget(100, { rss: 80 * MB, modelBytes: 51 * MB }, 1)).toMatch(/^memory budget of 100 MB reached at op 1 /);
  });
});

/** Endless churn that keeps growing its live set. */
const growing: RunConfig = { workload: 'steady-churn', params: { L: 200_000 }, seed: '3', python: '3.12', ops: 2_000_000, sampleEvery: 10_000 };

/** A run of `config` started under a budget of `megabytes` (against this process's real RSS), settled: at its end or at the budget. */
async function startedUnder(megabytes: number, config: RunConfig = growing): Promise<{ env: FakeEnv; session: RunSession }> {
  const env = new FakeEnv();
  const session = new RunSession(Object.assign(env, { memoryBudget: { megabytes, rss: () => process.memoryUsage.rss() } }));
  session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config });
  await env.settle();
  return { env, session };
}

describe('a run under a memory budget', () => {
  it('pauses at the budget with a budget event instead of failing, its samples kept, and goes on with a larger budget', async () => {
    const env = new FakeEnv();
    // The process "grows" 1 MB per look: a 20 MB budget is reached after some slices.
    let rss = 0;
    const session = new RunSession(Object.assign(env, { memoryBudget: { megabytes: 20, rss: () => (rss += MB) } }));
    session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: growing });
    await env.settle(() => env.of('budget').length > 0);
    await env.settle();
    const budget = env.of('budget');
    expect(budget).toHaveLength(1);
    expect(budget[0]!.megabytes).toBe(20);
    expect(budget[0]!.message).toMatch(/^memory budget of 20 MB reached at op [1-9]\d* \(live set: engine model [\d.]+ MB, worker process 2\d MB resident\)$/);
    const pausedAt = budget[0]!.ops;
    expect(pausedAt).toBeLessThan(2_000_000);
    // Paused, not failed: no error, no end, and everything sampled up to the pause went out.
    expect(env.of('error')).toEqual([]);
    expect(env.of('done')).toEqual([]);
    expect(env.exitCode).toBeNull();
    expect(env.of('status').at(-1)).toMatchObject({ state: 'paused', ops: pausedAt });
    expect(env.rows().at(-1)![0]).toBe(pausedAt);
    expect(session.ops).toBe(pausedAt);

    // A larger budget, then resume: the run goes on to its end.
    session.receive({ type: 'set-budget', megabytes: 1 << 20 });
    session.receive({ type: 'resume' });
    await env.settle();
    expect(env.of('budget')).toHaveLength(1);
    expect(env.of('done')[0]).toMatchObject({ state: 'done', ops: 2_000_000 });
    expect(env.exitCode).toBe(0);
  });

  it('pauses again on a resume without a larger budget', async () => {
    const { env, session } = await startedUnder(0.01);
    expect(env.of('budget')).toHaveLength(1);
    const at = session.ops;
    session.receive({ type: 'resume' });
    await env.settle();
    expect(env.of('budget')).toHaveLength(2);
    // Not one operation more: the resume was refused by the budget before any work.
    expect(session.ops).toBe(at);
    expect(env.of('status').at(-1)).toMatchObject({ state: 'paused' });
    // Too small a new budget: the same.
    session.receive({ type: 'set-budget', megabytes: 0.02 });
    session.receive({ type: 'resume' });
    await env.settle();
    expect(env.of('budget')).toHaveLength(3);
    expect(env.of('budget')[2]!.megabytes).toBe(0.02);
    expect(env.exitCode).toBeNull();
  });

  it('stops cleanly from the budget pause, keeping what it sampled', async () => {
    const { env, session } = await startedUnder(0.01);
    const rowsAtPause = env.rows().length;
    expect(rowsAtPause).toBeGreaterThan(0);
    session.receive({ type: 'stop' });
    await env.settle();
    expect(env.of('done')[0]).toMatchObject({ state: 'stopped', ops: env.of('budget')[0]!.ops });
    expect(env.rows().length).toBe(rowsAtPause);
    expect(env.exitCode).toBe(0);
  });

  it('refuses a set-budget that is not a positive number of megabytes, changing nothing', async () => {
    const { env, session } = await startedUnder(0.01);
    session.receive({ type: 'set-budget', megabytes: -5 });
    session.receive({ type: 'set-budget', megabytes: 'lots' });
    expect(env.of('error').map((e) => e.message)).toEqual([
      expect.stringMatching(/^malformed message ignored: .*megabytes/),
      expect.stringMatching(/^malformed message ignored: .*megabytes/),
    ]);
    session.receive({ type: 'resume' });
    await env.settle();
    expect(env.of('budget')).toHaveLength(2);
  });

  it('runs to the end within a generous budget', async () => {
    const { env } = await startedUnder(1 << 20, { ...growing, ops: 200_000 });
    expect(env.of('error')).toEqual([]);
    expect(env.of('budget')).toEqual([]);
    expect(env.of('done')[0]).toMatchObject({ state: 'done', ops: 200_000 });
  });
});

describe('the worker process', () => {
  it('takes its budget from ARENASCOPE_MEMORY_BUDGET_MB, pauses there, and continues with a larger one', async () => {
    const saved = process.env[MEMORY_BUDGET_ENV];
    // Far below any Node process's resident set: the first look pauses the run.
    process.env[MEMORY_BUDGET_ENV] = '1';
    const received: { type: string; message?: string; state?: string; ops?: number }[] = [];
    let exit: unknown = null;
    const handle = new NodeLauncher({ onStderrLine: () => undefined }).launch();
    try {
      handle.onMessage((m) => received.push(m as (typeof received)[number]));
      handle.onExit((e) => (exit = e));
      handle.send({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: { ...growing, ops: 300_000 } });
      await waitFor('the budget pause', () => received.some((m) => m.type === 'budget'), 60_000);
      const budget = received.find((m) => m.type === 'budget')!;
      expect(budget.message).toMatch(/^memory budget of 1 MB reached at op \d+ \(live set: engine model [\d.]+ MB, worker process \d+ MB resident\)$/);
      await waitFor('the paused status', () => received.some((m) => m.type === 'status' && m.state === 'paused'), 60_000);
      expect(exit).toBeNull();
      handle.send({ type: 'set-budget', megabytes: 1 << 20 });
      handle.send({ type: 'resume' });
      await waitFor('the worker to exit', () => exit !== null, 60_000);
    } finally {
      if (saved === undefined) delete process.env[MEMORY_BUDGET_ENV];
      else process.env[MEMORY_BUDGET_ENV] = saved;
      if (exit === null) handle.kill('SIGKILL');
    }
    expect(received.find((m) => m.type === 'done')).toMatchObject({ state: 'done', ops: 300_000 });
    expect(received.filter((m) => m.type === 'error')).toEqual([]);
  });
});
