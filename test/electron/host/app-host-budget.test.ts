// A run that reaches its worker's memory budget, through the host as the dashboard drives it (real
// worker processes): it pauses with a notice and its figures, keeps its samples, continues with a
// larger budget (within the server's limit) or stops with everything it recorded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppHost } from '../../../electron/host/app-host';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import { MEMORY_BUDGET_ENV } from '../../../electron/worker/memory-budget';
import type { BridgeEvent, RunSummary } from '../../../shared/protocol/bridge';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { waitFor } from '../wait';

const churn: RunConfig = { workload: 'steady-churn', params: { L: 5000 }, seed: '3', python: '3.12', ops: 400_000, sampleEvery: 10_000 };

let saved: string | undefined;
const hosts: AppHost[] = [];
beforeEach(() => {
  saved = process.env[MEMORY_BUDGET_ENV];
  // Far below any Node process's resident set: every run pauses at its first look.
  process.env[MEMORY_BUDGET_ENV] = '1';
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.dispose()));
  if (saved === undefined) delete process.env[MEMORY_BUDGET_ENV];
  else process.env[MEMORY_BUDGET_ENV] = saved;
});

function harness(maxRunMemory?: { megabytes: number; option: string }): { host: AppHost; events: BridgeEvent[]; run: (id: string) => Promise<RunSummary> } {
  const host = new AppHost({
    launcher: new NodeLauncher({ onStderrLine: () => undefined }),
    log: () => undefined,
    graceMs: 1000,
    ...(maxRunMemory ? { maxRunMemory } : {}),
  });
  hosts.push(host);
  const events: BridgeEvent[] = [];
  host.subscribe((e) => events.push(e));
  return { host, events, run: async (id) => (await host.runs()).find((r) => r.runId === id)! };
}

async function until(get: () => Promise<RunSummary>, what: string, ok: (r: RunSummary) => boolean): Promise<RunSummary> {
  let last: RunSummary | undefined;
  await waitFor(
    what,
    () => {
      void get().then((r) => (last = r));
      return last !== undefined && ok(last);
    },
    60_000,
  );
  return last!;
}

type RunOf = (id: string) => Promise<RunSummary>;

/** The run once the host reports it paused at its memory budget. */
function budgetPaused(run: RunOf, runId: string): Promise<RunSummary> {
  return until(
    () => run(runId),
    'the budget pause',
    (r) => r.state === 'paused' && r.budgetPause !== null,
  );
}

/** The run once the host reports it in `state`. */
function inState(run: RunOf, runId: string, state: RunSummary['state']): Promise<RunSummary> {
  return until(
    () => run(runId),
    `the run to be ${state}`,
    (r) => r.state === state,
  );
}

describe('a run at its memory budget, through the host', () => {
  it('pauses with a notice and its figures, and continues to its end with a larger budget', async () => {
    const { host, events, run } = harness();
    const { runId } = await host.startRun(churn);
    const paused = await budgetPaused(run, runId);
    expect(paused.budgetPause).toMatchObject({
      megabytes: 1,
      suggestedMB: 65,
      limit: null,
      message: expect.stringMatching(/^memory budget of 1 MB reached at op \d+ /),
    });
    expect(paused.reason).toBeNull();
    const notice = events.find((e) => e.type === 'notice' && /paused at its memory budget/.test(e.message));
    expect(notice).toMatchObject({ level: 'error', message: expect.stringContaining('Continue it with a larger budget, or stop it') });
    // Plain resume: still over, so it pauses again where it was.
    const before = events.filter((e) => e.type === 'notice').length;
    await host.command(runId, { type: 'resume' });
    await waitFor('a second budget notice', () => events.filter((e) => e.type === 'notice').length > before, 60_000);
    expect((await run(runId)).budgetPause).not.toBeNull();
    // A budget it fits in: it runs to the end.
    await host.command(runId, { type: 'resume', budgetMB: 1 << 20 });
    const done = await inState(run, runId, 'done');
    expect(done).toMatchObject({ ops: 400_000, budgetPause: null, reason: null });
  });

  it('stops from the pause with every sample it took, saying why', async () => {
    const { host, run } = harness();
    const { runId } = await host.startRun(churn);
    const paused = await budgetPaused(run, runId);
    await host.command(runId, { type: 'stop' });
    const stopped = await inState(run, runId, 'stopped');
    expect(stopped.reason).toBe(`stopped at its memory budget: ${paused.budgetPause!.message}`);
    expect(stopped.samples).toBe(paused.samples);
    const window = await host.window({ runId, series: ['op'], from: -Infinity, to: Infinity, maxPoints: 1000, axis: 'op' });
    expect(window.range?.[1]).toBe(paused.budgetPause!.ops);
  });

  it("refuses a budget above the server's limit, naming the option, and changes nothing", async () => {
    const { host, run } = harness({ megabytes: 512, option: 'serve --run-memory' });
    const { runId } = await host.startRun(churn);
    const paused = await budgetPaused(run, runId);
    expect(paused.budgetPause).toMatchObject({ megabytes: 1, suggestedMB: 65, limit: 'at most 512 MB a run here (serve --run-memory)' });
    await expect(host.command(runId, { type: 'resume', budgetMB: 2048 })).rejects.toThrow(
      `limit: a run's memory budget is at most 512 MB here (serve --run-memory); run ${runId} asked for 2048 MB`,
    );
    expect((await run(runId)).state).toBe('paused');
    await host.command(runId, { type: 'resume', budgetMB: 512 });
    await inState(run, runId, 'done');
  });

  it('offers no larger budget when the run already has all the host allows', async () => {
    const { host, run } = harness({ megabytes: 1, option: 'serve --run-memory' });
    const { runId } = await host.startRun(churn);
    const paused = await budgetPaused(run, runId);
    expect(paused.budgetPause).toMatchObject({ megabytes: 1, suggestedMB: null, limit: 'at most 1 MB a run here (serve --run-memory)' });
    await host.command(runId, { type: 'stop' });
    await inState(run, runId, 'stopped');
  });
});
