/**
 * What the host tests that need an installed interpreter set up alike: the interpreter (3.11 where
 * there is one, else the newest with the agent), a temporary folder, and app hosts made quiet
 * (worker output and logs dropped), all disposed and removed after the file's tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { AppHost, type AppHostOptions } from '../../../electron/host/app-host';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import { pythonsWithAgent, type TestPython } from '../../support/pythons';

export interface HostFixture {
  python: TestPython | undefined;
  tmp: string;
  host(options?: Partial<AppHostOptions>): AppHost;
}

export function hostFixture(what: string, tmpPrefix: string): HostFixture {
  const pythons = pythonsWithAgent([3, 8], what);
  const tmp = mkdtempSync(join(tmpdir(), tmpPrefix));
  const hosts: AppHost[] = [];
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.dispose()));
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    python: pythons.find((p) => p.line[0] === 3 && p.line[1] === 11) ?? pythons.at(-1),
    tmp,
    host(options = {}) {
      const h = new AppHost({ launcher: new NodeLauncher({ onStderrLine: () => undefined }), log: () => undefined, graceMs: 1000, ...options });
      hosts.push(h);
      return h;
    },
  };
}
