// The worker's detail snapshots (size-class table and arena map): when they leave, and that they
// agree with the samples taken at the same operation.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DETAIL_INTERVAL_MS, DETAIL_MIN_GAP_MS, RunSession } from '../../../electron/worker/run-session';
import { OpBatch } from '../../../shared/ops/op-batch';
import { DetailMessageSchema, type DetailMessage, POOL_EMPTY, POOL_FULL, POOL_UNTOUCHED } from '../../../shared/protocol/detail-message';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version';
import { SERIES_INDEX } from '../../../shared/run/sample';
import { FakeEnv } from './fake-env';

const S = SERIES_INDEX;
const churn = (ops: number): RunConfig => ({ workload: 'steady-churn', params: { L: 5000 }, seed: '7', python: '3.12', ops, sampleEvery: 10_000 });

function start(config: RunConfig, env = new FakeEnv()): { env: FakeEnv; session: RunSession } {
  const session = new RunSession(env);
  session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config });
  return { env, session };
}

const details = (env: FakeEnv): DetailMessage[] => env.of('detail');

/** Pool counts read off the arena map, to compare with a sample row. */
function poolCounts(d: DetailMessage): { used: number; full: number; empty: number } {
  let used = 0;
  let full = 0;
  let empty = 0;
  for (const f of d.arenas.fill) {
    if (f === POOL_FULL) full++;
    else if (f === POOL_EMPTY) empty++;
    else if (f !== POOL_UNTOUCHED) used++;
  }
  return { used, full, empty };
}

describe('run session detail snapshots', () => {
  it('sends one at the start and one at the end, agreeing with the samples at those operations', async () => {
    const { env } = start({ workload: 'seed-16b-fill-free', params: { N: 60_000 }, seed: '1', python: '3.9', sampleEvery: 10_000 });
    await env.settle();
    const all = details(env);
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const d of all) expect(v.safeParse(DetailMessageSchema, d).success).toBe(true);
    expect(all[0]!.op).toBe(0);
    expect(all[0]!.arenas.slots).toEqual([]);
    const ops = all.map((d) => d.op);
    expect(new Set(ops).size).toBe(ops.length);
    const rows = env.rows();
    let compared = 0;
    for (const d of all) {
      const row = rows.find((r) => r[S['op']] === d.op);
      if (row === undefined) continue;
      compared++;
      expect(d.arenas.slots.length).toBe(row[S['arenas']]);
      expect(poolCounts(d)).toEqual({ used: row[S['pools_used']], full: row[S['pools_full']], empty: row[S['pools_empty']] });
      expect(d.classes.usedPools.reduce((a, b) => a + b, 0)).toBe(row[S['pools_used']]);
    }
    expect(compared).toBeGreaterThanOrEqual(2);
    // The last one is the final state, sent before `done`.
    const last = all.at(-1)!;
    expect(last.op).toBe(env.of('done')[0]!.ops);
    const types = env.sent.map((m) => m.type);
    expect(types.lastIndexOf('detail')).toBeLessThan(types.indexOf('done'));
    expect(last.classes.blockSize[0]).toBe(16);
  });

  it('sends them about once a second of wall time while running, never more often', async () => {
    const { env } = start(churn(3_000_000), new FakeEnv(1));
    await env.settle();
    const all = details(env);
    const middle = all.slice(1, -1);
    expect(middle.length).toBeGreaterThan(1);
    const walls = all.slice(0, -1).map((d) => d.wallMs);
    for (let i = 1; i < walls.length; i++) expect(walls[i]! - walls[i - 1]!).toBeGreaterThanOrEqual(DETAIL_INTERVAL_MS - 1);
  });

  it('sends one when a pause or a step lands, before the status', async () => {
    const { env, session } = start(churn(5_000_000));
    await env.settle(() => session.ops > 100_000);
    session.receive({ type: 'pause' });
    expect(env.sent.at(-2)).toMatchObject({ type: 'detail', op: session.ops });
    session.receive({ type: 'step', ops: 1234 });
    await env.settle();
    expect(env.sent.at(-2)).toMatchObject({ type: 'detail', op: session.ops });
    // Pausing again at the same operation sends no second snapshot of the same state.
    const count = details(env).length;
    session.receive({ type: 'pause' });
    expect(details(env).length).toBe(count);
    session.receive({ type: 'stop' });
  });

  it('sends one at phase markers, at most every DETAIL_MIN_GAP_MS', async () => {
    const env = new FakeEnv(40);
    const batches = [0, 1, 2, 3].map((k) => {
      const b = new OpBatch(8);
      b.alloc(0, 10 * k, 16);
      // The 600-byte object stays live: each batch keeps it in a slot of its own (a valid stream).
      b.alloc(1 + k, 10 * k + 1, 600);
      b.mark(`m${k}`);
      b.free(0, 10 * k);
      return b;
    });
    env.traces.set('t', batches);
    start({ workload: 'trace-replay', params: { path: 't' }, seed: '1', python: '3.11', sampleEvery: 1_000_000 }, env);
    await env.settle();
    const phaseOps = env.of('phase').map((p) => p.op);
    const detailOps = details(env).map((d) => d.op);
    expect(phaseOps.length).toBe(4);
    // On this slow clock (40 ms a reading) every marker is more than DETAIL_MIN_GAP_MS after the last detail.
    expect(40 * 3).toBeGreaterThanOrEqual(DETAIL_MIN_GAP_MS);
    for (const op of phaseOps) expect(detailOps).toContain(op);
  });

  it('holds periodic ones back while the host lags', async () => {
    const env = new FakeEnv(1);
    env.unacked = 5;
    const { session } = start(churn(3_000_000), env);
    await env.settle(() => session.ops >= 2_000_000);
    // Only the first (forced, at the start) went out.
    expect(details(env).map((d) => d.op)).toEqual([0]);
    env.unacked = 0;
    await env.settle();
    expect(details(env).length).toBeGreaterThan(2);
  });
});
