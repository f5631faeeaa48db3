// Pauses in the run record: elapsed time and rates count running time only, and each pause is kept
// for marking on the wall-time axis, whatever ends it (resume, stop, a crash).
import { describe, expect, it } from 'vitest';
import { MAX_PAUSES, NEW_RUN_RECORD, reduceRun, type RunEvent, type RunRecord, runningMs, statusOf } from '../../../shared/protocol/run-record';

const status = (state: 'running' | 'paused', ops: number, wallMs: number): RunEvent => ({ type: 'status', state, ops, wallMs });
const replay = (events: RunEvent[], from: RunRecord = NEW_RUN_RECORD): RunRecord => events.reduce(reduceRun, from);

describe('pauses in the run record', () => {
  it('leaves a pause out of the running time and keeps it for the wall-time axis', () => {
    const r = replay([
      status('running', 0, 0),
      status('running', 1000, 100),
      status('paused', 2000, 200),
      status('paused', 2000, 5200),
      status('running', 2000, 5200),
      status('running', 3000, 5300),
    ]);
    expect(r.wallMs).toBe(5300);
    expect(r.pausedMs).toBe(5000);
    expect(runningMs(r)).toBe(300);
    expect(r.pauses).toEqual([{ op: 2000, fromMs: 200, toMs: 5200 }]);
    expect(statusOf(r)).toMatchObject({ wallMs: 5300, pausedMs: 5000 });
  });

  it('counts a pause under way up to the latest wall time, and closes it when the run stops paused', () => {
    const paused = replay([status('running', 10, 100), status('paused', 10, 100), status('paused', 10, 700)]);
    expect(paused.pausedAt).toBe(100);
    expect(runningMs(paused)).toBe(100);
    const stopped = reduceRun(paused, { type: 'done', state: 'stopped', ops: 10, wallMs: 900 });
    expect(stopped.pausedAt).toBeNull();
    expect(stopped.pauses).toEqual([{ op: 10, fromMs: 100, toMs: 900 }]);
    expect(runningMs(stopped)).toBe(100);
  });

  it('closes a pause at a budget, a crash or the host ending the run', () => {
    const atBudget = replay([status('running', 50, 400), { type: 'budget', ops: 50, megabytes: 64, message: 'budget' }, status('paused', 50, 1400)]);
    expect(atBudget.pausedAt).toBe(400);
    expect(runningMs(atBudget)).toBe(400);
    const crashed = reduceRun(atBudget, { type: 'exit', code: null, signal: 'SIGKILL', reason: 'killed by SIGKILL', byHost: false });
    expect(crashed.pauses).toEqual([{ op: 50, fromMs: 400, toMs: 1400 }]);
    expect(runningMs(crashed)).toBe(400);
  });

  it('keeps at most MAX_PAUSES marks but counts every pause', () => {
    const events: RunEvent[] = [];
    for (let i = 0; i < MAX_PAUSES + 10; i++) events.push(status('paused', i, 10 * i), status('running', i, 10 * i + 5));
    const r = replay(events);
    expect(r.pauses).toHaveLength(MAX_PAUSES);
    expect(r.pausedMs).toBe(5 * (MAX_PAUSES + 10));
  });
});
