// The worker ends a run whose operation stream breaks its contract with a fatal error naming the
// workload, its parameters, its seed and the operation (the run loop's guard), instead of letting
// the engine apply it. A trace feed stands in for a broken workload: the fake env hands its batches
// over unchecked.
import { describe, expect, it } from 'vitest';
import { RunSession } from '../../../electron/worker/run-session';
import { OpBatch } from '../../../shared/ops/op-batch';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version';
import { FakeEnv } from './fake-env';

describe('worker: an invalid operation', () => {
  it('ends the run with a fatal internal error that names the run and the op', async () => {
    const env = new FakeEnv();
    const b = new OpBatch(8);
    b.alloc(0, 1, 16);
    b.mark('down-9');
    b.alloc(1, 2, 32);
    b.free(6, -1);
    env.traces.set('t', [b]);
    new RunSession(env).receive({
      type: 'start',
      protocolVersion: PROTOCOL_VERSION,
      config: { workload: 'trace-replay', params: { path: 't' }, seed: '7', python: '3.12', sampleEvery: 1000 },
    });
    await env.settle();
    const errors = env.of('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fatal).toBe(true);
    expect(errors[0]!.message).toBe(
      'internal error: workload trace-replay (parameters {"path":"t"}, seed 7) wrote an invalid operation at op 2: FREE of id -1 in slot 6: the id is not an integer in [0, 2^53)',
    );
    expect(env.of('done')).toHaveLength(0);
    expect(env.exitCode).toBe(1);
  });
});
