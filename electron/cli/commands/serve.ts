/**
 * `serve [--port N] [--host 127.0.0.1] [--open] [--autosave DIR] [--renderer DIR] [--session FILE]…`
 *
 * The dashboard in a browser: serves the built renderer and the bridge (electron/serve), with runs
 * in forked workers. The first line on stdout is the URL to open, token included; everything else
 * goes to stderr. Ctrl-C stops the runs (final samples, the autosave file closed) and exits 0.
 * Exit 2 when the renderer is not built (`npm run build`) or an option is wrong.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppHost } from '../../host/app-host';
import { NodeLauncher } from '../../host/node-launcher';
import { startServer } from '../../serve/server';
import { parse, positiveIntOption } from '../options';
import { UsageError } from '../usage-error';

export const serveUsage = 'serve [--port N] [--host 127.0.0.1] [--open] [--autosave DIR] [--renderer DIR] [--session FILE]...';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

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
    },
    allowPositionals: false,
  });
  const port = values.port === '0' ? 0 : positiveIntOption('serve', 'port', values.port, 0, 65_535);
  const host = values.host ?? '127.0.0.1';
  const rendererDir = values.renderer ?? defaultRendererDir();
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new UsageError(`serve: the renderer is not built (no ${join(rendererDir, 'index.html')}): run \`npm run build\` first`);
  }
  if (!LOOPBACK.has(host)) process.stderr.write(`arenascope: serving on ${host}: anyone who can reach it and has the URL (with its token) can run workloads here\n`);

  const appHost = new AppHost({ launcher: new NodeLauncher(), autosaveDir: values.autosave ?? null, app: 'arenascope serve' });
  // Saved sessions to show (finished runs), opened before the page can ask for them.
  for (const file of values.session ?? []) {
    try {
      const { warnings } = await appHost.openSession(file);
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    } catch (error) {
      await appHost.dispose();
      throw new UsageError(`serve: --session: ${(error as Error).message}`);
    }
  }
  let server;
  try {
    server = await startServer({ host, port, rendererDir, appHost });
  } catch (error) {
    await appHost.dispose();
    throw new UsageError(`serve: cannot listen on ${host}:${port}: ${(error as Error).message}`);
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
