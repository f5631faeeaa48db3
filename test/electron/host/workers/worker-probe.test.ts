import { describe, expect, it } from 'vitest';
import { NodeLauncher } from '../../../../electron/host/workers/node-launcher';
import { probeWorker } from '../../../../electron/host/workers/worker-probe';
import { PROTOCOL_VERSION } from '../../../../shared/protocol/version';

describe('worker probe', () => {
  it('finds a worker that speaks our protocol', async () => {
    expect(await probeWorker(new NodeLauncher())).toBe(PROTOCOL_VERSION);
  });

  it('reports a worker entry that cannot start', async () => {
    const launcher = new NodeLauncher({ entry: 'no-such-worker.js', onStderrLine: () => undefined });
    await expect(probeWorker(launcher)).rejects.toThrow(/exited with code 1: .*Cannot find module/);
  });
});
