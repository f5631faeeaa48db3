/**
 * `serve [--port N] [--host 127.0.0.1 [--allow-remote]] [--open] [--autosave DIR] [--renderer DIR] [--session FILE]…
 *        [--allow-files DIR]… [--allow-programs] [--max-runs N] [--run-memory MB] [--max-worker-memory MB] [--max-rate N]`
 *
 * The dashboard in a browser: serves the built renderer and the bridge (electron/serve), with runs
 * in forked workers. The first line on stdout is the URL to open, token included; everything else
 * goes to stderr. Ctrl-C stops the runs (final samples, the autosave file closed) and exits 0.
 *
 * A token holder may run workloads and view and export runs; reading the server's files
 * (`--allow-files DIR`) and starting programs (`--allow-programs`) are off unless given
 * (docs/security.md). Listening beyond loopback needs `--allow-remote` as well as `--host`.
 * Exit 2 when the renderer is not built (`npm run build`) or an option is wrong.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppHost } from '../../host/app-host';
import { NodeLauncher } from '../../host/workers/node-launcher';
import { servePolicy } from '../../host/policy/capabilities';
import { DEFAULT_LIMITS, type ServeLimits } from '../../serve/limits';
import { startServer } from '../../serve/server';
import { MEMORY_BUDGET_ENV } from '../../worker/memory-budget';
import { parse, positiveIntOption } from '../options';
import { UsageError } from '../usage-error';
import { errorMessage } from '../../../shared/errors';

export const serveUsage =
  'serve [--port N] [--host 127.0.0.1 [--allow-remote]] [--open] [--autosave DIR] [--renderer DIR] [--session FILE]... [--allow-files DIR]... [--allow-programs] [--max-runs N] [--run-memory MB] [--max-worker-memory MB] [--max-rate N] [--max-upload MB]';

/** Whether `host` names this machine only: `localhost`, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** What listening beyond loopback exposes; printed with --allow-remote. */
export const REMOTE_RISKS = [
  'anyone who can reach this port and learns the URL (its token) can run workloads here and see every run',
  'the connection is plain HTTP: the token and the data cross the network unencrypted unless a TLS proxy or an SSH tunnel carries them',
  'prefer loopback and an SSH tunnel: ssh -N -L 8080:127.0.0.1:PORT USER@THIS-HOST, then open http://127.0.0.1:8080/?token=…',
];

/** The built renderer beside the sources: out/renderer at the repository's root. */
export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../../../out/renderer', import.meta.url));
}

export async function serveCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parse('serve', argv, {
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      open: { type: 'boolean' },
      autosave: { type: 'string' },
      renderer: { type: 'string' },
      session: { type: 'string', multiple: true },
      'allow-remote': { type: 'boolean' },
      'allow-files': { type: 'string', multiple: true },
      'allow-programs': { type: 'boolean' },
      'max-runs': { type: 'string' },
      'run-memory': { type: 'string' },
      'max-worker-memory': { type: 'string' },
      'max-rate': { type: 'string' },
      'max-upload': { type: 'string' },
    },
    allowPositionals: false,
  });
  const port = values.port === '0' ? 0 : positiveIntOption('serve', 'port', values.port, 0, 65_535);
  const host = values.host ?? '127.0.0.1';
  const rendererDir = values.renderer ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UsageError(`serve: the renderer is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first`);
  }
  if (!isLoopback(host)) {
    if (values['allow-remote'] !== true) {
      throw new UsageError(
        `serve: --host ${host} listens beyond this machine: add --allow-remote to confirm (anyone who can reach the port and has the URL can run workloads; the traffic is unencrypted), or keep the default loopback and use an SSH tunnel (docs/serve.md)`,
      );
    }
    process.stderr.write(`arenascope: serving on ${host}, beyond this machine (--allow-remote). Risks:\n${REMOTE_RISKS.map((r) => `  - ${r}\n`).join('')}`);
  }
  const limits = limitOptions(values);
  let policy;
  try {
    policy = await servePolicy({ allowFiles: values['allow-files'] ?? [], allowPrograms: values['allow-programs'] === true });
  } catch (error) {
    throw new UsageError(`serve: ${errorMessage(error)}`);
  }
  for (const root of policy.capabilities.fileRoots) process.stderr.write(`arenascope: clients may read files in ${root} (--allow-files)\n`);
  if (policy.capabilities.programs) process.stderr.write('arenascope: clients may start Python programs and real interpreters here (--allow-programs)\n');

  // Every worker pauses itself at its share of the memory (forked workers inherit the environment),
  // and no client may continue one with more than that share.
  process.env[MEMORY_BUDGET_ENV] = String(limits.runMemoryMB);
  const appHost = new AppHost({
    launcher: new NodeLauncher(),
    autosaveDir: values.autosave ?? null,
    app: 'arenascope serve',
    policy,
    maxRunMemory: { megabytes: limits.runMemoryMB, option: 'serve --run-memory' },
  });
  // Saved sessions to show (finished runs), opened before the page can ask for them.
  for (const file of values.session ?? []) {
    try {
      // The operator's own files: not a client's request, so not confined.
      const { warnings } = await appHost.openSession(file, { trusted: true });
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    } catch (error) {
      await appHost.dispose();
      throw new UsageError(`serve: --session: ${errorMessage(error)}`);
    }
  }
  let server;
  try {
    server = await startServer({
      host,
      port,
      rendererDir,
      appHost,
      capabilities: policy.capabilities,
      limits,
      // Uploads and the session download are always offered: they read no file the server did not write.
      uploadHost: appHost,
      saveSession: (path) => appHost.saveSession(path),
    });
  } catch (error) {
    await appHost.dispose();
    throw new UsageError(`serve: cannot listen on ${host}:${port}: ${errorMessage(error)}`);
  }
  out(server.url);
  process.stderr.write(`arenascope: serving the dashboard; Ctrl-C stops the runs and quits\n`);
  if (values.open) openBrowser(server.url);

  // Ctrl-C (or a termination request) ends it cleanly.
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  process.stderr.write('arenascope: stopping the runs…\n');
  await server.close();
  await appHost.dispose();
  const saved = await appHost.autosavePath();
  if (saved !== null) process.stderr.write(`arenascope: session saved in ${saved}\n`);
  return 0;
}

/** The limits from their options; each defaults to DEFAULT_LIMITS (the run memory to the environment's budget when set). */
function limitOptions(values: {
  'max-runs'?: string;
  'run-memory'?: string;
  'max-worker-memory'?: string;
  'max-rate'?: string;
  'max-upload'?: string;
}): ServeLimits {
  const envBudget = Number(process.env[MEMORY_BUDGET_ENV]);
  const runMemoryDefault = Number.isInteger(envBudget) && envBudget > 0 ? envBudget : DEFAULT_LIMITS.runMemoryMB;
  const requestsPerSecond = positiveIntOption('serve', 'max-rate', values['max-rate'], DEFAULT_LIMITS.requestsPerSecond, 100_000);
  const limits: ServeLimits = {
    ...DEFAULT_LIMITS,
    runsPerConnection: positiveIntOption('serve', 'max-runs', values['max-runs'], DEFAULT_LIMITS.runsPerConnection, 1000),
    runMemoryMB: positiveIntOption('serve', 'run-memory', values['run-memory'], runMemoryDefault, 1 << 20),
    workerMemoryMB: positiveIntOption(
      'serve',
      'max-worker-memory',
      values['max-worker-memory'],
      Math.max(DEFAULT_LIMITS.workerMemoryMB, runMemoryDefault),
      1 << 24,
    ),
    requestsPerSecond,
    requestBurst: 2 * requestsPerSecond,
    uploadBytes: positiveIntOption('serve', 'max-upload', values['max-upload'], DEFAULT_LIMITS.uploadBytes / 2 ** 20, 1 << 20) * 2 ** 20,
  };
  if (limits.runMemoryMB > limits.workerMemoryMB) {
    throw new UsageError(`serve: --run-memory ${limits.runMemoryMB} is more than --max-worker-memory ${limits.workerMemoryMB}: no run could start`);
  }
  return limits;
}

/** The desktop's default browser; a failure (no browser, no display) is not an error. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Nothing to do: the URL is printed.
  }
}
