// The worker's run logic without a process: a fake clock, fake scheduling, messages in and out.
import { describe, expect, it } from 'vitest';
import { FLUSH_INTERVAL_MS, RunSession } from '../../../electron/worker/run-session';
import { MAX_BUFFERED_ROWS } from '../../../electron/worker/outbox';
import { OpBatch } from '../../../shared/ops/op-batch';
import type { RunConfig } from '../../../shared/protocol/run-config';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version';
import { TraceError } from '../../../shared/trace/trace-error';
import { SERIES_INDEX } from '../../../shared/run/sample';
import { runInProcess, withoutWallTime } from '../in-process-run';
import { FakeEnv } from './fake-env';

const OP = SERIES_INDEX['op'];
const WALL = SERIES_INDEX['wall_ms'];

const fillFree = (python: string, N = 50_000): RunConfig => ({ workload: 'seed-16b-fill-free', params: { N }, seed: '1', python, sampleEvery: 10_000 });
/** Endless: runs until its budget or a stop. */
const churn = (ops = 5_000_000, sampleEvery = 10_000): RunConfig => ({
  workload: 'steady-churn',
  params: { L: 5000 },
  seed: '7',
  python: '3.12',
  ops,
  sampleEvery,
});

function startSession(config: RunConfig, env = new FakeEnv()): { env: FakeEnv; session: RunSession } {
  const session = new RunSession(env);
  session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config });
  return { env, session };
}

describe('run session', () => {
  it('runs a workload to its end: started, samples, phases, done and status, exit 0', async () => {
    const config = fillFree('3.11');
    const { env } = startSession(config);
    await env.settle();
    const types = env.sent.map((m) => m.type);
    expect(types[0]).toBe('started');
    expect(types.slice(-2)).toEqual(['done', 'status']);
    expect(env.exitCode).toBe(0);
    expect(env.of('started')[0]).toMatchObject({
      python: { version: '3.11.14', family: 'G5', arenas: 'misaligned' },
      params: { N: 50_000, size: 16, order: 'fifo' },
    });

    const expected = await runInProcess(config);
    const done = env.of('done')[0]!;
    expect(done).toMatchObject({ state: 'done', ops: expected.ops });
    const rows = env.rows();
    // The first row is the empty allocator, the last the final state; in between every 10 000 ops.
    expect(rows[0]![OP]).toBe(0);
    expect(withoutWallTime(rows.at(-1)!)).toEqual(withoutWallTime(expected.final));
    expect(rows.map((r) => r[OP])).toEqual(Array.from({ length: expected.ops / 10_000 + 1 }, (_, i) => i * 10_000));
    expect(env.of('phase')).toEqual(expected.phases.map((p) => ({ type: 'phase', ...p })));
  });

  it('refuses another protocol version with a fatal error, and exits 1', async () => {
    const env = new FakeEnv();
    new RunSession(env).receive({ type: 'start', protocolVersion: PROTOCOL_VERSION + 1, config: fillFree('3.11') });
    await env.settle();
    expect(env.of('error')).toEqual([
      { type: 'error', message: `protocol mismatch: the host speaks protocol ${PROTOCOL_VERSION + 1}, this worker ${PROTOCOL_VERSION}`, fatal: true },
    ]);
    expect(env.of('started')).toEqual([]);
    expect(env.of('status').at(-1)).toMatchObject({ state: 'failed', ops: 0, wallMs: 0 });
    expect(env.exitCode).toBe(1);
  });

  it('says protocol mismatch, not malformed, when another version shapes start differently', () => {
    const env = new FakeEnv();
    new RunSession(env).receive({ type: 'start', protocolVersion: 99, config: { some: 'future shape' } });
    expect(env.of('error')).toEqual([
      { type: 'error', message: `protocol mismatch: the host speaks protocol 99, this worker ${PROTOCOL_VERSION}`, fatal: true },
    ]);
    expect(env.exitCode).toBe(1);
  });

  it.each([
    [{ ...fillFree('3.11'), params: { N: -5 } }, /parameter 'N' = -5: out of range/],
    [{ ...fillFree('3.11'), params: { M: 1 } }, /parameter 'M' = 1: unknown parameter of 'seed-16b-fill-free'/],
    [{ ...fillFree('3.11'), workload: 'no-such' }, /unknown workload 'no-such'/],
    [{ ...fillFree('3.11'), python: '4.0' }, /python: unknown CPython version '4.0'/],
    [{ ...fillFree('3.11'), seed: '-1' }, /parameter 'seed'/],
    [{ ...fillFree('3.11'), workload: 'trace-replay', params: {} }, /parameter 'path'/],
  ])('refuses a bad configuration naming what is wrong (%#)', async (config, message) => {
    const { env } = startSession(config as RunConfig);
    await env.settle();
    const errors = env.of('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fatal).toBe(true);
    expect(errors[0]!.message).toMatch(message);
    expect(env.exitCode).toBe(1);
  });

  it('answers a malformed message with a non-fatal error and carries on', async () => {
    const { env, session } = startSession(fillFree('3.8'));
    for (const garbage of ['hello', null, 42, { type: 'step', ops: -1 }, { type: 'pause', extra: 1 }, { type: 'launch-missiles' }]) session.receive(garbage);
    const errors = env.of('error');
    expect(errors).toHaveLength(6);
    expect(errors.every((e) => !e.fatal && e.message.startsWith('malformed message ignored: '))).toBe(true);
    expect(env.logs).toHaveLength(6);
    expect(session.state).toBe('running');
    await env.settle();
    expect(env.of('done')[0]).toMatchObject({ state: 'done', ops: 100_000 });
    expect(env.exitCode).toBe(0);
  });

  it('refuses commands before start and a second start, without ending', async () => {
    const env = new FakeEnv();
    const session = new RunSession(env);
    session.receive({ type: 'pause' });
    expect(env.of('error')).toEqual([{ type: 'error', message: "'pause' before 'start'", fatal: false }]);
    session.receive({ type: 'ping' });
    expect(env.sent.at(-1)).toEqual({ type: 'pong', protocolVersion: PROTOCOL_VERSION });
    session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: fillFree('3.11') });
    session.receive({ type: 'start', protocolVersion: PROTOCOL_VERSION, config: fillFree('2.4') });
    expect(env.of('error').at(-1)).toMatchObject({ fatal: false, message: "'start' again: this worker already has a run" });
    await env.settle();
    expect(env.of('started')).toHaveLength(1);
    expect(env.exitCode).toBe(0);
  });

  it('pauses at once, steps exactly N operations, resumes, and stops with a final sample', async () => {
    const { env, session } = startSession(churn());
    await env.settle(() => session.ops > 200_000);
    session.receive({ type: 'pause' });
    const pausedAt = session.ops;
    expect(env.sent.at(-1)).toMatchObject({ type: 'status', state: 'paused', ops: pausedAt });
    // The pause sample went out with the pause.
    expect(env.rows().at(-1)![OP]).toBe(pausedAt);
    await env.settle();
    expect(session.ops).toBe(pausedAt);

    session.receive({ type: 'step', ops: 12_345 });
    await env.settle();
    expect(session.ops).toBe(pausedAt + 12_345);
    expect(env.sent.at(-1)).toMatchObject({ type: 'status', state: 'paused', ops: pausedAt + 12_345 });
    expect(env.rows().at(-1)![OP]).toBe(pausedAt + 12_345);

    session.receive({ type: 'resume' });
    expect(env.sent.at(-1)).toMatchObject({ type: 'status', state: 'running' });
    session.receive({ type: 'step', ops: 5 });
    expect(env.sent.at(-1)).toMatchObject({ type: 'error', fatal: false, message: "'step' is for a paused run: send 'pause' first" });
    await env.settle(() => session.ops > pausedAt + 500_000);

    session.receive({ type: 'stop' });
    const ops = session.ops;
    expect(env.sent.slice(-2)).toEqual([
      { type: 'done', state: 'stopped', ops, wallMs: expect.any(Number) },
      { type: 'status', state: 'stopped', ops, wallMs: expect.any(Number) },
    ]);
    expect(env.rows().at(-1)![OP]).toBe(ops);
    expect(env.exitCode).toBe(0);
    await env.settle();
    expect(session.ops).toBe(ops);
  });

  it('samples at least every maxSampleIntervalMs of wall time when operations are sparse in samples', async () => {
    const config: RunConfig = { ...churn(3_000_000, 1e9), maxSampleIntervalMs: 250 };
    const { env } = startSession(config, new FakeEnv(1));
    await env.settle();
    const walls = env.rows().map((r) => r[WALL]!);
    // First (empty allocator) and last (final) rows aside, every row is a wall-clock sample.
    const gaps = walls.slice(1, -1).map((w, i) => w - walls[i]!);
    expect(gaps.length).toBeGreaterThan(3);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(250);
      // One slice's worth of clock readings late at most.
      expect(gap).toBeLessThan(250 + 60);
    }
  });

  it('changes the sampling cadence on set-sampling', async () => {
    // No wall-clock samples in between: the fake clock is fast.
    const { env, session } = startSession({ ...churn(2_000_000, 100_000), maxSampleIntervalMs: 60_000 });
    await env.settle(() => session.ops >= 1_000_000);
    session.receive({ type: 'set-sampling', sampleEvery: 250_000 });
    const from = session.ops;
    await env.settle();
    const later = env
      .rows()
      .map((r) => r[OP]!)
      .filter((op) => op > from);
    expect(later.slice(0, -1)).toEqual(later.slice(0, -1).map((_, i) => from + (i + 1) * 250_000));
  });

  it('holds samples back while the host lags, within a bounded buffer, and coalesces', async () => {
    const env = new FakeEnv();
    env.unacked = 5;
    // No rate cap: 20,000 samples, far more than the buffer holds.
    const { session } = startSession({ ...churn(2_000_000, 100), maxSampleRate: 0 }, env);
    await env.settle(() => session.ops >= 1_500_000);
    // Nothing flushed while the host lagged, yet no more rows kept than the buffer holds.
    expect(env.of('samples')).toEqual([]);
    expect(session.heldFlushes).toBeGreaterThan(0);
    expect(session.outbox.samples.length).toBeLessThanOrEqual(MAX_BUFFERED_ROWS);
    env.unacked = 0;
    await env.settle();
    const batches = env.of('samples');
    const rows = batches.reduce((n, m) => n + m.columns[0]!.length, 0);
    const coalesced = batches.reduce((n, m) => n + m.coalesced, 0);
    expect(coalesced).toBeGreaterThan(0);
    // Every sample taken is either delivered or counted: 1 initial + one per 100 ops.
    expect(rows + coalesced).toBe(1 + 2_000_000 / 100);
    expect(env.rows().at(-1)![OP]).toBe(2_000_000);
  });

  it('flushes samples every FLUSH_INTERVAL_MS of clock, not per sample', async () => {
    const { env } = startSession(churn(3_000_000, 1000), new FakeEnv(1));
    await env.settle();
    const wallOfLastRow = env.of('samples').map((m) => m.columns[WALL]!.at(-1)!);
    const gaps = wallOfLastRow.slice(1, -1).map((w, i) => w - wallOfLastRow[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(FLUSH_INTERVAL_MS - 15);
  });

  it('replays a trace fed batch by batch, and fails a missing trace before starting', async () => {
    const env = new FakeEnv();
    const batches = [0, 1, 2].map((k) => {
      const b = new OpBatch(4);
      b.alloc(0, 3 * k, 16);
      b.mark(`b${k}`);
      b.free(0, 3 * k);
      return b;
    });
    env.traces.set('t.pymtrace', batches);
    const { session } = startSession({ workload: 'trace-replay', params: { path: 't.pymtrace' }, seed: '1', python: '3.11', sampleEvery: 1 }, env);
    await env.settle();
    expect(env.of('done')[0]).toMatchObject({ state: 'done', ops: 6 });
    expect(env.of('phase').map((p) => [p.op, p.label])).toEqual([
      [1, 'b0'],
      [3, 'b1'],
      [5, 'b2'],
    ]);
    expect(session.ops).toBe(6);

    const missing = startSession({ workload: 'trace-replay', params: { path: 'nope.pymtrace' }, seed: '1', python: '3.11', sampleEvery: 1 });
    await missing.env.settle();
    expect(missing.env.of('started')).toEqual([]);
    expect(missing.env.of('error')).toEqual([{ type: 'error', message: 'nope.pymtrace: cannot read trace: no such file', fatal: true }]);
    expect(missing.env.exitCode).toBe(1);
  });

  it("tells a bad trace line without its text, and quotes the text apart for the file's owner (never on stderr)", async () => {
    const env = new FakeEnv();
    env.openTrace = async function* () {
      throw new TraceError('t.pymtrace', 2, 'root:x:0:0 secret', 'unknown op "root:x:0:0"', 'unknown op: expected a line starting with a, f, r, c or #');
    };
    startSession({ workload: 'trace-replay', params: { path: 't.pymtrace' }, seed: '1', python: '3.11', sampleEvery: 1 }, env);
    await env.settle();
    expect(env.of('error')).toEqual([
      {
        type: 'error',
        message: 't.pymtrace:2: unknown op: expected a line starting with a, f, r, c or #',
        quoted: 't.pymtrace:2: unknown op "root:x:0:0" (got: "root:x:0:0 secret")',
        fatal: true,
      },
    ]);
    expect(env.logs.join('\n')).not.toContain('root:x');
  });
});

describe('run session: the sample-rate cap', () => {
  // The fake clock moves 1 ms per reading: a slice of engine work reads it a few times, so a fast
  // run's sampleEvery points come far more often than 20 a second of fake time.
  it('takes at most maxSampleRate samples a second of clock once past its free samples, each with its envelope', async () => {
    // No wall-clock samples in between (maxSampleIntervalMs): every row is a sampleEvery point.
    const { env } = startSession({ ...churn(3_000_000, 100), maxSampleRate: 20, maxSampleIntervalMs: 60_000 });
    await env.settle();
    const rows = env.rows();
    expect(rows.at(-1)![OP]).toBe(3_000_000);
    // FREE_SAMPLES rows (the initial one among them) at every 100 operations, then at most one per 50 ms.
    expect(rows.slice(0, 1000).map((r) => r[OP])).toEqual(Array.from({ length: 1000 }, (_, i) => i * 100));
    const capped = rows.slice(1000, -1);
    expect(capped[0]![OP]).toBeGreaterThan(100_000);
    expect(capped.length).toBeGreaterThan(3);
    expect(capped.length).toBeLessThan(29_000 / 10);
    for (let i = 1; i < capped.length; i++) expect(capped[i]![WALL]! - capped[i - 1]![WALL]!).toBeGreaterThanOrEqual(50);
    // Each row is wide: the values, then the envelope since the previous row.
    // 16 series (pinned_bytes, then rss_bytes the last) + 9 minima + 9 maxima.
    expect(rows[0]!.length).toBe(34);
  });

  it('0 means no cap; a step is never capped; set-sampling changes the cap', async () => {
    const uncapped = startSession({ ...churn(300_000, 100), maxSampleRate: 0 }).env;
    await uncapped.settle();
    expect(uncapped.rows().length).toBe(3001);

    const { env, session } = startSession({ ...churn(5_000_000, 100), maxSampleRate: 1, maxSampleIntervalMs: 60_000 });
    await env.settle(() => session.ops >= 400_000);
    session.receive({ type: 'pause' });
    await env.settle();
    const from = session.ops;
    session.receive({ type: 'step', ops: 10_000 });
    await env.settle();
    const stepped = env
      .rows()
      .map((r) => r[OP]!)
      .filter((op) => op > from);
    // Every multiple of 100 the step crossed (the pause's sample may be one of them).
    const first = Math.floor(from / 100) * 100 + 100;
    expect(stepped).toEqual(
      Array.from({ length: (from + 10_000 - first) / 100 + 1 }, (_, i) => first + i * 100).concat(from % 100 === 0 ? [] : [from + 10_000]),
    );
    session.receive({ type: 'set-sampling', sampleEvery: 100, maxSampleRate: 0 });
    session.receive({ type: 'resume' });
    const resumedAt = session.ops;
    await env.settle(() => session.ops >= resumedAt + 200_000);
    const after = env
      .rows()
      .map((r) => r[OP]!)
      .filter((op) => op > resumedAt && op <= resumedAt + 100_000);
    expect(after).toEqual(Array.from({ length: 1000 }, (_, i) => resumedAt + (i + 1) * 100));
  });
});
