// The worker's memory budget: the setting, the check, and a run stopped by a tiny budget.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_BUDGET_MB, MEMORY_BUDGET_ENV, memoryBudgetFromEnv, overBudget } from '../../../electron/worker/memory-budget';
import { RunSession } from '../../../electron/worker/run-session';
import { NodeLauncher } from '../../../electron/host/node-launcher';
import type { RunConfig } from '../../../shared/protocol/run-config';
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
      'memory budget of 100 MB reached at op 12345 (live set: engine model 2.5 MB, worker process 150 MB resident); raise ARENASCOPE_MEMORY_BUDGET_MB to allow more',
    );
  });

  it('stops before the engine doubles its arrays past the budget', () => {
    expect(overBudget(100, { rss: 80 * MB, modelBytes: 51 * MB }, 1)).toMatch(/^memory budget of 100 MB reached at op 1 /);
  });
});

/** Endless churn that keeps growing its live set. */
const growing: RunConfig = { workload: 'steady-churn', params: { L: 200_000 }, seed: '3', python: '3.12', ops: 2_000_000, sampleEvery: 10_000 };

describe('a run under a memory budget', () => {
  it('stops with a fatal error naming the budget instead of running on', async () => {
    const env = new FakeEnv();
    // The process "grows" 1 MB per look: a 20 MB budget is reached after some slices.
    let rss = 0;
    const session = new RunSession(Object.assign(env, { memoryBudget: { megabytes: 20, rss: () => (rss += MB) } }));
    session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: growing });
    await env.settle();
    const errors = env.of('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fatal).toBe(true);
    expect(errors[0]!.message).toMatch(/^memory budget of 20 MB reached at op [1-9]\d* \(live set: engine model [\d.]+ MB, worker process 2\d MB resident\)/);
    expect(env.of('status').at(-1)).toMatchObject({ state: 'failed' });
    expect(env.of('done')).toEqual([]);
    expect(env.exitCode).toBe(1);
    // What was sampled before the stop still went out.
    expect(env.rows().length).toBeGreaterThan(0);
    const failedAt = env.of('status').at(-1)!.ops;
    expect(failedAt).toBeLessThan(2_000_000);
  });

  it('stops on the engine model alone with a real process measure and a tiny budget', async () => {
    const env = new FakeEnv();
    const session = new RunSession(Object.assign(env, { memoryBudget: { megabytes: 0.01, rss: () => process.memoryUsage.rss() } }));
    session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: growing });
    await env.settle();
    expect(env.of('error')[0]?.message).toMatch(/^memory budget of 0.01 MB reached at op \d+ /);
    expect(env.exitCode).toBe(1);
  });

  it('runs to the end within a generous budget', async () => {
    const env = new FakeEnv();
    const session = new RunSession(Object.assign(env, { memoryBudget: { megabytes: 1 << 20, rss: () => process.memoryUsage.rss() } }));
    session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: { ...growing, ops: 200_000 } });
    await env.settle();
    expect(env.of('error')).toEqual([]);
    expect(env.of('done')[0]).toMatchObject({ state: 'done', ops: 200_000 });
  });
});

describe('the worker process', () => {
  it('takes its budget from ARENASCOPE_MEMORY_BUDGET_MB and stops a run past it', async () => {
    const saved = process.env[MEMORY_BUDGET_ENV];
    // Far below any Node process's resident set: the first look stops the run.
    process.env[MEMORY_BUDGET_ENV] = '1';
    const stderr: string[] = [];
    const received: { type: string; message?: string; fatal?: boolean }[] = [];
    let exit: unknown = null;
    const handle = new NodeLauncher({ onStderrLine: (line) => stderr.push(line) }).launch();
    try {
      handle.onMessage((m) => received.push(m as (typeof received)[number]));
      handle.onExit((e) => (exit = e));
      handle.send({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: growing });
      await waitFor('the worker to exit', () => exit !== null, 30_000);
    } finally {
      if (saved === undefined) delete process.env[MEMORY_BUDGET_ENV];
      else process.env[MEMORY_BUDGET_ENV] = saved;
      if (exit === null) handle.kill('SIGKILL');
    }
    const error = received.find((m) => m.type === 'error');
    expect(error).toMatchObject({ fatal: true, message: expect.stringMatching(/^memory budget of 1 MB reached at op \d+ \(live set: engine model [\d.]+ MB, worker process \d+ MB resident\)/) });
    expect(stderr.join('\n')).toMatch(/memory budget of 1 MB reached/);
  });
});
