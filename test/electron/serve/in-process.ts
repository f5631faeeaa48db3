/**
 * A real server and host in this process, wired the way `serve` wires them (a policy from the
 * allowed files, limits, uploads and the session download when asked), with every log line kept for
 * the test to read. The renderer is a placeholder page in `root/renderer`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppHost } from '../../../electron/host/app-host';
import { servePolicy } from '../../../electron/host/policy/capabilities';
import { NodeLauncher } from '../../../electron/host/workers/node-launcher';
import type { ServeLimits } from '../../../electron/serve/limits';
import { type RunningServer, startServer } from '../../../electron/serve/server';

export interface Served {
  server: RunningServer;
  host: AppHost;
  logs: string[];
}

export interface InProcessOptions {
  allowFiles?: string[];
  limits: Partial<ServeLimits>;
  /** Offer uploads and the session download, as `serve` always does. */
  uploads?: boolean;
}

export async function serveInProcess(root: string, options: InProcessOptions): Promise<Served> {
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Arenascope</title>');
  const logs: string[] = [];
  const log = (l: string): void => void logs.push(l);
  const policy = await servePolicy({ allowFiles: options.allowFiles ?? [] });
  const host = new AppHost({ launcher: new NodeLauncher({ onStderrLine: log }), log, graceMs: 1000, policy });
  const server = await startServer({
    port: 0,
    rendererDir,
    appHost: host,
    log,
    capabilities: policy.capabilities,
    limits: options.limits,
    ...(options.uploads ? { uploadHost: host, saveSession: (path: string) => host.saveSession(path) } : {}),
  });
  return { server, host, logs };
}
