// A run's progress towards where it stops, and Remove with a moment to undo it.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runProgress } from '../../renderer/src/model/progress';
import { UNDO_MS, useRunsStore } from '../../renderer/src/stores/runs';
import type { RunSummary } from '../../shared/protocol/bridge';
import { DEFAULT_ENDLESS_OPS, type RunConfig } from '../../shared/protocol/run-config';

const config = (over: Partial<RunConfig> = {}): RunConfig => ({ workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 1000, ...over });

describe('progress towards the limit', () => {
  it('counts operations against the budget, or time against the duration', () => {
    expect(runProgress({ config: config({ ops: 1000 }), ops: 250 }, 0, false)).toEqual({ fraction: 0.25, limit: { kind: 'ops', value: 1000 } });
    expect(runProgress({ config: config({ durationMs: 60_000 }), ops: 5 }, 15_000, false)).toEqual({ fraction: 0.25, limit: { kind: 'duration', ms: 60_000 } });
    expect(runProgress({ config: config({ ops: 10 }), ops: 99 }, 0, true)!.fraction).toBe(1);
  });

  it('states the endless default, and knows no fraction for a finite stream without a budget', () => {
    expect(runProgress({ config: config(), ops: DEFAULT_ENDLESS_OPS / 2 }, 0, false)).toEqual({
      fraction: 0.5,
      limit: { kind: 'ops', value: DEFAULT_ENDLESS_OPS },
    });
    expect(runProgress({ config: config(), ops: 5 }, 0, true)).toBeNull();
    expect(runProgress({ config: config(), ops: 5 }, 0, null)).toBeNull();
  });
});

describe('remove, undoable', () => {
  afterEach(() => vi.useRealTimers());

  const summary = (runId: string): RunSummary => ({
    runId,
    name: runId,
    config: config(),
    state: 'done',
    ops: 1,
    wallMs: 1,
    runningMs: 1,
    pauses: [],
    python: null,
    params: null,
    reason: null,
    samples: 1,
    budgetPause: null,
  });

  it('takes the run off the list at once, tells the host only after the undo time, and an undo keeps it', () => {
    vi.useFakeTimers();
    setActivePinia(createPinia());
    const runs = useRunsStore();
    runs.setRuns([summary('a'), summary('b')]);
    runs.toggleCompare('a', true);
    const removed: string[] = [];
    runs.removeLater('a', (id) => removed.push(id));
    runs.removeLater('b', (id) => removed.push(id));
    expect(runs.listed.map((r) => r.runId)).toEqual([]);
    expect(runs.compareIds).toEqual([]);
    runs.undoRemove('b');
    expect(runs.listed.map((r) => r.runId)).toEqual(['b']);
    vi.advanceTimersByTime(UNDO_MS - 1);
    expect(removed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(removed).toEqual(['a']);
    expect(runs.removing).toEqual([]);
  });
});
