/**
 * End-to-end harness: the real browser server (`npm run cli -- serve`) with the built renderer, and
 * Debian's Chromium driven by playwright-core. On a machine without Chromium the e2e tests are
 * skipped with a warning, except under CI, where a missing browser is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-results', 'e2e');

const CHROMIUM_CANDIDATES = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(
  (p): p is string => typeof p === 'string' && p !== '',
);

export function chromiumPath(): string | null {
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Whether e2e tests can run here; logs why not. */
export function e2eAvailable(): boolean {
  if (chromiumPath()) return true;
  if (process.env['CI']) throw new Error("e2e: no Chromium found (install Debian's chromium package, or set CHROMIUM_PATH)");
  process.stderr.write('e2e: skipped — no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)\n');
  return false;
}

/** Builds the renderer once when `out/renderer` is missing (a fresh checkout after `npm install`). */
export function ensureRendererBuilt(): void {
  if (existsSync(join(ROOT, 'out/renderer/index.html'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building the renderer failed:\n${r.stderr}`);
}

export interface Served {
  url: string;
  process: ChildProcess;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * `urlTimeoutMs`: how long serve may take to print its URL (it opens `--session` files first);
 * `nodeArgs`: options for the server's Node (bench -- dashboard: `--inspect`, to read its heap).
 */
export async function startServe(extraArgs: string[] = [], urlTimeoutMs = 30_000, nodeArgs: string[] = []): Promise<Served> {
  ensureRendererBuilt();
  // SERVE_CPU_PROF=DIR: the server writes a CPU profile there when it stops (bench -- dashboard, to see the host's share).
  const prof = process.env['SERVE_CPU_PROF'];
  const node = [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), ...nodeArgs];
  const child = spawn(process.execPath, [...node, '--import', 'tsx', join(ROOT, 'electron/cli/main.ts'), 'serve', '--port', '0', ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in ${urlTimeoutMs / 1000} s; stderr:\n${stderr}`)), urlTimeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buf.slice(0, nl).trim());
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}; stderr:\n${stderr}`)));
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        // Already gone (a test may kill it): its exit event has fired, nothing more will come.
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath()!,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * A fresh browser and a page whose uncaught errors fail the test (screenshots go to ARTIFACTS).
 * `acceptDownloads` for tests that save what the page downloads.
 */
export async function openPage(
  viewport = { width: 1400, height: 1000 },
  options: { acceptDownloads?: boolean } = {},
): Promise<{ browser: Browser; page: Page }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport, ...options });
  page.on('pageerror', (e) => {
    throw e;
  });
  return { browser, page };
}
