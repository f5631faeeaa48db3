/**
 * The app host does not run real interpreters yet (the command line does: run --real): a
 * configuration that asks for one is refused by name, and no process is started.
 */
import { describe, expect, it } from 'vitest';
import { AppHost } from '../../../electron/host/app-host';
import type { Launcher } from '../../../electron/host/launcher';

describe('AppHost and real-interpreter runs', () => {
  it('refuses a configuration with `real`, naming the field, without launching anything', async () => {
    let launched = 0;
    const launcher: Launcher = {
      launch: () => {
        launched++;
        throw new Error('must not launch');
      },
    };
    const host = new AppHost({ launcher, log: () => undefined });
    await expect(
      host.startRun({ workload: 'steady-churn', params: {}, seed: '1', python: '3.12', sampleEvery: 10_000, real: { interpreter: '/usr/bin/python3' } }),
    ).rejects.toThrow(/real: real-interpreter runs are started from the command line/);
    expect(launched).toBe(0);
    expect(await host.runs()).toEqual([]);
    await host.dispose();
  });
});
