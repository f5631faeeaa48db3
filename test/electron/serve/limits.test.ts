// The connection limits' arithmetic, with a fake clock (the real-socket behaviour is in hostile-client.test.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, RequestRate, RunGate } from '../../../electron/serve/limits';
import type { RunSummary } from '../../../shared/protocol/bridge';

const run = (runId: string, state: RunSummary['state']): RunSummary => ({ runId, state }) as RunSummary;

describe('RequestRate', () => {
  it('allows the burst, then the rate as time passes', () => {
    let t = 0;
    const rate = new RequestRate(10, 5, () => t);
    expect(Array.from({ length: 7 }, () => rate.take())).toEqual([true, true, true, true, true, false, false]);
    t += 100; // one token
    expect([rate.take(), rate.take()]).toEqual([true, false]);
    t += 10_000; // never more than the burst
    expect(Array.from({ length: 6 }, () => rate.take()).filter(Boolean)).toHaveLength(5);
  });
});

describe('RunGate', () => {
  const limits = { ...DEFAULT_LIMITS, runsPerConnection: 2, runMemoryMB: 100, workerMemoryMB: 300 };

  it("counts this connection's live runs and its pending starts", () => {
    const gate = new RunGate(limits);
    const runs = [run('a', 'running'), run('b', 'done'), run('c', 'failed')];
    expect(gate.admit(runs, new Set(['a', 'b', 'c']), 0)).toBeNull();
    expect(gate.admit(runs, new Set(['a']), 1)).toMatch(/^limit: at most 2 live runs per connection \(serve --max-runs\)/);
  });

  it("counts every connection's runs and admitted starts against the workers' memory, and frees on settle", () => {
    const gate = new RunGate(limits);
    const runs = [run('x', 'running'), run('y', 'paused')];
    expect(gate.admit(runs, new Set(), 0)).toBeNull();
    expect(gate.admit(runs, new Set(), 0)).toMatch(/^limit: the workers' memory \(serve --max-worker-memory 300 MB, 100 MB a run\) is taken by 3 live runs/);
    gate.settled();
    expect(gate.admit(runs, new Set(), 0)).toBeNull();
  });
});
